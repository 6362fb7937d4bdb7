package org.dmacheck.gen.stateful;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;
import org.dmacheck.gen.ChoiceSequence;
import org.dmacheck.gen.ChoiceStream;
import org.dmacheck.gen.Gens;
import org.junit.jupiter.api.Test;

class CommandsTest {

    sealed interface Op permits Alloc, Free {
    }

    record Alloc(int id) implements Op {
    }

    record Free(int id) implements Op {
    }

    /** Live ids, and the next id to hand out. */
    record Heap(List<Integer> live, int next) {
        Heap alloc(Alloc a) {
            List<Integer> more = new ArrayList<>(live);
            more.add(a.id());
            return new Heap(more, next + 1);
        }

        Heap free(Free f) {
            List<Integer> fewer = new ArrayList<>(live);
            fewer.remove(Integer.valueOf(f.id()));
            return new Heap(fewer, next);
        }
    }

    private static final Commands<Heap, Op> OPS = Commands.<Heap, Op>of(() -> new Heap(List.of(), 0), List.of(
                    Command.<Heap, Alloc>of("alloc", h -> Gens.just(new Alloc(h.next())), Heap::alloc),
                    Command.<Heap, Free>of("free",
                            h -> Gens.indexBelow(h.live().size()).map(k -> new Free(h.live().get(k))), Heap::free)
                            .when(h -> !h.live().isEmpty())))
            .steps(0, 30);

    /** Every free names a live id: the sequence is valid against a real heap. */
    private static boolean valid(CommandSequence<Op> sequence) {
        Set<Integer> live = new HashSet<>();
        int next = 0;
        for (Op op : sequence.steps()) {
            if (op instanceof Alloc a) {
                if (a.id() != next++) {
                    return false;
                }
                live.add(a.id());
            } else if (!live.remove(((Free) op).id())) {
                return false;
            }
        }
        return true;
    }

    @Test
    void searchingGeneratesValidSequencesWithinTheStepBounds() {
        UniformRandomProvider random = RandomSource.XO_RO_SHI_RO_128_PP.create(1L);
        for (int i = 0; i < 300; i++) {
            CommandSequence<Op> sequence = ChoiceStream.searching(random, 20, 10_000).draw(OPS);
            assertThat(valid(sequence)).as(sequence.toString()).isTrue();
            assertThat(sequence.size()).isLessThanOrEqualTo(30);
        }
    }

    @Test
    void anyEditOfTheChoicesStillDecodesToAValidSequence() {
        UniformRandomProvider random = RandomSource.XO_RO_SHI_RO_128_PP.create(2L);
        for (int i = 0; i < 300; i++) {
            ChoiceStream search = ChoiceStream.searching(random, 20, 10_000);
            search.draw(OPS);
            long[] choices = search.choices().toArray();
            if (choices.length < 4) {
                continue;
            }
            int from = random.nextInt(choices.length - 2);
            int to = from + 1 + random.nextInt(Math.min(6, choices.length - from - 1));
            long[] edited = new long[choices.length - (to - from)];
            System.arraycopy(choices, 0, edited, 0, from);
            System.arraycopy(choices, to, edited, from, choices.length - to);
            CommandSequence<Op> replayed = ChoiceStream.replaying(ChoiceSequence.of(edited)).draw(OPS);
            assertThat(valid(replayed)).as(replayed.toString()).isTrue();
        }
    }

    @Test
    void printsOneNumberedStepPerLine() {
        CommandSequence<Op> sequence = new CommandSequence<>(List.of(new Alloc(0), new Free(0)));
        assertThat(sequence).hasToString("#0 Alloc[id=0]\n#1 Free[id=0]");
        assertThat(sequence.prefix(0).steps()).containsExactly(new Alloc(0));
    }
}
