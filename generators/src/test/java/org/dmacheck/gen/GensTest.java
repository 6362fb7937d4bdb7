package org.dmacheck.gen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;
import org.junit.jupiter.api.Test;

class GensTest {

    /** A gallery of generators exercising every factory. */
    private static final Map<String, Gen<?>> GALLERY = Map.ofEntries(
            Map.entry("ints", Gens.ints(-50, 50)),
            Map.entry("allInts", Gens.ints()),
            Map.entry("longs", Gens.longs()),
            Map.entry("shorts", Gens.shorts()),
            Map.entry("unsigned", Gens.unsignedLongs()),
            Map.entry("booleans", Gens.booleans(0.3)),
            Map.entry("pick", Gens.pick("a", "b", "c")),
            Map.entry("oneOf", Gens.oneOf(Gens.ints(0, 3), Gens.just(99))),
            Map.entry("weighted", Gens.weighted(Weighted.of(3, Gens.just("x")), Weighted.of(1, Gens.ints(0, 9)))),
            Map.entry("lists", Gens.lists(Gens.ints(0, 9), 2, 6)),
            Map.entry("nested", Gens.lists(Gens.lists(Gens.booleans()))),
            Map.entry("flatMap", Gens.ints(1, 5).flatMap(n -> Gens.lists(Gens.ints(0, 9), n, n))),
            Map.entry("combine", Gens.combine(Gens.ints(0, 9), Gens.booleans(), (a, b) -> a + ":" + b)),
            Map.entry("recursive", Gens.recursive(Gens.ints(0, 9),
                    sub -> Gens.combine(sub, sub, Integer::sum), 4)));

    private static <T> T generate(Gen<T> gen, ChoiceSequence choices) {
        return ChoiceStream.replaying(choices).draw(gen);
    }

    @Test
    void replayingTheRecordedChoicesRegeneratesTheSameValue() {
        UniformRandomProvider random = RandomSource.XO_RO_SHI_RO_128_PP.create(42L);
        GALLERY.forEach((name, gen) -> {
            for (int i = 0; i < 200; i++) {
                ChoiceStream search = ChoiceStream.searching(random, 20, 10_000);
                Object value = search.draw(gen);
                assertThat(generate(gen, search.choices())).as(name).isEqualTo(value);
                ChoiceStream replay = ChoiceStream.replaying(search.choices());
                replay.draw(gen);
                assertThat(replay.choices()).as(name).isEqualTo(search.choices());
            }
        });
    }

    @Test
    void everyChoiceListDecodesToAValue() {
        UniformRandomProvider random = RandomSource.XO_RO_SHI_RO_128_PP.create(7L);
        GALLERY.forEach((name, gen) -> {
            for (int i = 0; i < 500; i++) {
                long[] junk = random.longs(random.nextInt(40)).map(v -> random.nextBoolean() ? v : v & 7).toArray();
                assertThat(generate(gen, ChoiceSequence.of(junk))).as(name).isNotNull();
            }
        });
    }

    @Test
    void theEmptyChoiceListGivesTheSimplestValues() {
        ChoiceSequence none = ChoiceSequence.empty();
        assertThat(generate(Gens.ints(-5, 10), none)).isZero();
        assertThat(generate(Gens.ints(3, 9), none)).isEqualTo(3);
        assertThat(generate(Gens.ints(-9, -2), none)).isEqualTo(-2);
        assertThat(generate(Gens.unsignedLongs(7, 100), none)).isEqualTo(7L);
        assertThat(generate(Gens.booleans(), none)).isFalse();
        assertThat(generate(Gens.pick("first", "second"), none)).isEqualTo("first");
        assertThat(generate(Gens.oneOf(Gens.just("first"), Gens.just("second")), none)).isEqualTo("first");
        assertThat(generate(Gens.lists(Gens.ints()), none)).isEmpty();
        assertThat(generate(Gens.lists(Gens.ints(4, 8), 3, 10), none)).containsExactly(4, 4, 4);
        assertThat(generate(Gens.recursive(Gens.just("leaf"), sub -> Gens.just("branch"), 3), none)).isEqualTo("leaf");
    }

    @Test
    void integersStayInTheirRangesAndHitTheEdges() {
        UniformRandomProvider random = RandomSource.XO_RO_SHI_RO_128_PP.create(1L);
        List<Integer> values = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            values.add(ChoiceStream.searching(random, 20, 100).draw(Gens.ints(-1000, 1000)));
        }
        assertThat(values).allMatch(v -> v >= -1000 && v <= 1000);
        assertThat(values).contains(-1000, 1000, 0, 1, -1, 512, -512, 511, 513);
    }

    @Test
    void unsignedLongsReachTheUpperHalfAndTheMaximum() {
        UniformRandomProvider random = RandomSource.XO_RO_SHI_RO_128_PP.create(3L);
        List<Long> values = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            values.add(ChoiceStream.searching(random, 20, 100).draw(Gens.unsignedLongs()));
        }
        assertThat(values).anyMatch(v -> Long.compareUnsigned(v, 1L << 63) >= 0 && v != -1L);
        assertThat(values).contains(-1L, 0L);
        List<Long> bounded = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            bounded.add(ChoiceStream.searching(random, 20, 100).draw(Gens.unsignedLongs(-16L, -1L)));
        }
        assertThat(bounded).allMatch(v -> Long.compareUnsigned(v, -16L) >= 0).contains(-16L, -1L);
    }

    @Test
    void booleansAndWeightsFollowTheirProbabilities() {
        UniformRandomProvider random = RandomSource.XO_RO_SHI_RO_128_PP.create(5L);
        Gen<String> weighted = Gens.weighted(Weighted.of(9, Gens.just("often")), Weighted.of(1, Gens.just("rare")));
        Map<String, Long> counts = IntStream.range(0, 10_000)
                .mapToObj(i -> ChoiceStream.searching(random, 20, 100).draw(weighted))
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(counts.get("often")).isBetween(8_700L, 9_300L);
        long trues = IntStream.range(0, 10_000)
                .filter(i -> ChoiceStream.searching(random, 20, 100).draw(Gens.booleans(0.2)))
                .count();
        assertThat(trues).isBetween(1_700L, 2_300L);
    }

    @Test
    void deletingAnElementsChoicesDeletesTheElement() {
        Gen<List<Integer>> lists = Gens.lists(Gens.ints(0, 100), 0, 10);
        ChoiceStream search = ChoiceStream.searching(RandomSource.XO_RO_SHI_RO_128_PP.create(11L), 20, 1000);
        List<Integer> original = search.draw(lists);
        while (original.size() < 3) {
            search = ChoiceStream.searching(RandomSource.XO_RO_SHI_RO_128_PP.create(original.hashCode()), 20, 1000);
            original = search.draw(lists);
        }
        ChoiceRecord record = search.record();
        List<Span> elements = record.spans().stream().filter(s -> s.depth() == 1 && s.length() == 2).toList();
        assertThat(elements).hasSize(original.size());
        for (int k = 0; k < elements.size(); k++) {
            long[] all = record.choices().toArray();
            long[] without = new long[all.length - 2];
            System.arraycopy(all, 0, without, 0, elements.get(k).start());
            System.arraycopy(all, elements.get(k).end(), without, elements.get(k).start(), all.length - elements.get(k).end());
            List<Integer> expected = new ArrayList<>(original);
            expected.remove(k);
            assertThat(generate(lists, ChoiceSequence.of(without))).isEqualTo(expected);
        }
    }

    @Test
    void listsRespectTheirSizeBounds() {
        UniformRandomProvider random = RandomSource.XO_RO_SHI_RO_128_PP.create(9L);
        Gen<List<Boolean>> lists = Gens.lists(Gens.booleans(), 2, 5).averageSize(100);
        for (int i = 0; i < 500; i++) {
            assertThat(ChoiceStream.searching(random, 20, 1000).draw(lists)).hasSizeBetween(2, 5);
        }
        assertThat(generate(lists, ChoiceSequence.of(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1))).hasSize(5);
    }

    @Test
    void aFilterThatRejectsEverythingNamesItsGenerator() {
        Gen<Integer> impossible = Gens.ints(0, 10).filter(x -> x > 100);
        assertThatThrownBy(() -> ChoiceStream.searching(1L).draw(impossible))
                .isInstanceOf(FilterExhaustedException.class)
                .hasMessageContaining("ints(0, 10)")
                .satisfies(e -> assertThat(((FilterExhaustedException) e).generator()).isEqualTo("ints(0, 10)"));
        Gen<Integer> named = Gens.ints(0, 10).filter("small ports", x -> x > 100);
        assertThatThrownBy(() -> ChoiceStream.searching(1L).draw(named)).hasMessageContaining("small ports");
    }

    @Test
    void runawayGenerationIsDiscardedAtTheChoiceLimit() {
        ChoiceStream stream = ChoiceStream.searching(RandomSource.XO_RO_SHI_RO_128_PP.create(1L), 20, 50);
        assertThatThrownBy(() -> stream.draw(Gens.lists(Gens.ints(), 100, 100)))
                .isInstanceOf(ChoiceOverrunException.class);
    }

    @Test
    void indexBelowMarksItsChoiceAsAnIndex() {
        ChoiceStream stream = ChoiceStream.replaying(ChoiceSequence.of(7));
        assertThat(stream.draw(Gens.indexBelow(3))).isEqualTo(2);
        assertThat(stream.record().spans()).anyMatch(Span::isIndex);
    }

    @Test
    void describesItself() {
        assertThat(Gens.ints(0, 10).describe()).isEqualTo("ints(0, 10)");
        assertThat(Gens.unsignedLongs().describe()).isEqualTo("unsignedLongs(0, 18446744073709551615)");
        assertThat(Gens.lists(Gens.shorts(), 0, 3).describe()).isEqualTo("lists(shorts(-32768, 32767), 0, 3)");
        assertThat(((Gen<Integer>) in -> 1).named("ones").describe()).isEqualTo("ones");
    }
}
