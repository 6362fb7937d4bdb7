package org.dmacheck.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.dmacheck.gen.Gens;
import org.dmacheck.gen.stateful.Command;
import org.dmacheck.gen.stateful.CommandSequence;
import org.dmacheck.gen.stateful.Commands;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A failing 200-step command sequence whose cause is one pair of steps (opening a handle with a
 * large tag, then closing that handle) must shrink to exactly those two steps, and replaying the
 * shrunk choices must reproduce the failure.
 */
class StatefulShrinkTest {

    /** Steps. */
    sealed interface Op permits Open, Close, Touch, Noop {
    }

    record Open(int tag) implements Op {
    }

    record Close(int id) implements Op {
    }

    record Touch(int id) implements Op {
    }

    record Noop(int x) implements Op {
    }

    record Handle(int id, int tag) {
    }

    /** The model: live handles in opening order, and the next id to hand out. */
    record Model(List<Handle> live, int nextId) {

        static Model empty() {
            return new Model(List.of(), 0);
        }

        Model open(Open op) {
            List<Handle> more = new ArrayList<>(live);
            more.add(new Handle(nextId, op.tag()));
            return new Model(more, nextId + 1);
        }

        Model close(Close op) {
            List<Handle> fewer = new ArrayList<>(live);
            fewer.removeIf(h -> h.id() == op.id());
            return new Model(fewer, nextId);
        }
    }

    /** The system under test: a handle table whose close forgets to count handles with tags >= 990. */
    static final class Table {
        private final Map<Integer, Integer> tags = new HashMap<>();
        private int nextId;
        private int count;

        void apply(Op op) {
            if (op instanceof Open open) {
                tags.put(nextId++, open.tag());
                count++;
            } else if (op instanceof Close close) {
                int tag = tags.remove(close.id());
                if (tag < 990) {
                    count--;
                }
            } else if (op instanceof Touch touch) {
                if (!tags.containsKey(touch.id())) {
                    throw new IllegalStateException("touch of dead handle " + touch.id());
                }
            }
        }

        boolean consistent() {
            return count == tags.size();
        }
    }

    static final Commands<Model, Op> OPS = Commands.<Model, Op>of(Model::empty, List.of(
                    Command.<Model, Open>of("open", m -> Gens.ints(0, 1000).map(Open::new), Model::open),
                    Command.<Model, Close>of("close",
                                    m -> Gens.indexBelow(m.live().size()).map(k -> new Close(m.live().get(k).id())),
                                    Model::close)
                            .when(m -> !m.live().isEmpty()),
                    Command.<Model, Touch>of("touch",
                                    m -> Gens.indexBelow(m.live().size()).map(k -> new Touch(m.live().get(k).id())),
                                    (m, op) -> m)
                            .when(m -> !m.live().isEmpty()),
                    Command.<Model, Noop>of("noop", m -> Gens.ints(0, 100).map(Noop::new), (m, op) -> m)))
            .steps(0, 200)
            .averageSteps(10_000);

    static final SequenceCheck<Table, Op> TABLE = SequenceCheck.<Table, Op>of(Table::new, Table::apply)
            .invariant("count matches live handles", Table::consistent);

    static Stream<Long> seeds() {
        return LongStream.rangeClosed(1, 20).boxed();
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void pairOfStepsShrinksToExactlyTwoSteps(long seed) {
        Property<CommandSequence<Op>> property = Runner.forAll(OPS).seed(seed).tries(1_000);
        Result<CommandSequence<Op>> result = property.run(TABLE::run);

        assertThat(result).isInstanceOf(Result.Falsified.class);
        Failure<CommandSequence<Op>> failure = ((Result.Falsified<CommandSequence<Op>>) result).failure();
        assertThat(failure.original().value().size()).isEqualTo(200);
        assertThat(failure.shrink().budgetExhausted()).isFalse();
        assertThat(failure.value().steps()).containsExactly(new Open(990), new Close(0));
        assertThat(failure.key()).isEqualTo("count matches live handles");
        assertThat(failure.failingStep()).hasValue(1);

        Replay<CommandSequence<Op>> replay = property.replay(failure.replayKey(), TABLE::run);
        assertThat(replay.value()).isEqualTo(failure.value());
        assertThat(replay.failureKey()).hasValue("count matches live handles");
    }
}
