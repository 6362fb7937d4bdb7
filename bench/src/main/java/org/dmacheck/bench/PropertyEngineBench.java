package org.dmacheck.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.dmacheck.gen.Gens;
import org.dmacheck.gen.stateful.Command;
import org.dmacheck.gen.stateful.CommandSequence;
import org.dmacheck.gen.stateful.Commands;
import org.dmacheck.runner.Result;
import org.dmacheck.runner.Runner;
import org.dmacheck.runner.SequenceCheck;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Costs of the property engine: searching 10,000 tries of a trivial property, and finding and
 * shrinking a failing 200-step command sequence down to its two-step cause.
 *
 * <pre>
 * mvn -B -pl bench -am package -DskipTests
 * java -jar bench/target/benchmarks.jar PropertyEngineBench -f 1 -wi 2 -i 3
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PropertyEngineBench {

    /** Steps of the sequence benchmark. */
    sealed interface Op permits Open, Close, Noop {
    }

    record Open(int tag) implements Op {
    }

    record Close(int id) implements Op {
    }

    record Noop(int x) implements Op {
    }

    /** Model: ids of live handles, next id. */
    record Model(List<Integer> live, int next) {
        Model open() {
            List<Integer> more = new ArrayList<>(live);
            more.add(next);
            return new Model(more, next + 1);
        }

        Model close(Close op) {
            List<Integer> fewer = new ArrayList<>(live);
            fewer.remove(Integer.valueOf(op.id()));
            return new Model(fewer, next);
        }
    }

    /** A handle table that loses count when a handle with a tag of 990 or more is closed. */
    static final class Table {
        private final Map<Integer, Integer> tags = new HashMap<>();
        private int next;
        private int count;

        void apply(Op op) {
            if (op instanceof Open open) {
                tags.put(next++, open.tag());
                count++;
            } else if (op instanceof Close close && tags.remove(close.id()) < 990) {
                count--;
            }
        }

        boolean consistent() {
            return count == tags.size();
        }
    }

    private static final Commands<Model, Op> OPS = Commands.<Model, Op>of(() -> new Model(List.of(), 0), List.of(
                    Command.<Model, Open>of("open", m -> Gens.ints(0, 1000).map(Open::new), (m, op) -> m.open()),
                    Command.<Model, Close>of("close",
                                    m -> Gens.indexBelow(m.live().size()).map(k -> new Close(m.live().get(k))),
                                    Model::close)
                            .when(m -> !m.live().isEmpty()),
                    Command.<Model, Noop>of("noop", m -> Gens.ints(0, 100).map(Noop::new), (m, op) -> m)))
            .steps(0, 200)
            .averageSteps(10_000);

    private static final SequenceCheck<Table, Op> TABLE = SequenceCheck.<Table, Op>of(Table::new, Table::apply)
            .invariant("count matches live handles", Table::consistent);

    /** Seed of the search; these seeds each find a different failing 200-step sequence first. */
    @Param({"1", "3", "4"})
    public long seed;

    /** Generates and checks 10,000 tries of a trivial property over lists of ints. */
    @Benchmark
    public Result<List<Integer>> tenThousandTriesOfATrivialProperty() {
        return Runner.forAll(Gens.lists(Gens.ints(), 0, 10)).seed(seed).tries(10_000).run(xs -> {
            if (xs.size() > 10) {
                throw new AssertionError(xs);
            }
        });
    }

    /** Finds a failing 200-step sequence and shrinks it to the two steps that cause the failure. */
    @Benchmark
    public CommandSequence<Op> shrinkA200StepSequence() {
        Result<CommandSequence<Op>> result = Runner.forAll(OPS).seed(seed).tries(1_000).shrinkBudget(100_000)
                .run(TABLE::run);
        if (!(result instanceof Result.Falsified<CommandSequence<Op>> falsified)
                || falsified.failure().original().value().size() != 200
                || falsified.failure().value().size() != 2) {
            throw new IllegalStateException("expected a 200-step failure shrinking to 2 steps: " + result);
        }
        return falsified.failure().value();
    }
}
