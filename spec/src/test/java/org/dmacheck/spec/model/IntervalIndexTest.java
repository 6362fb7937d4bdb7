package org.dmacheck.spec.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IntervalIndexTest {
    @Test
    void findsOverlapsIncludingAboveTwoToTheSixtyThree() {
        IntervalIndex<String> ix = new IntervalIndex<>();
        ix.add(0x1000, 0x1fff, "a");
        ix.add(0x1800, 0x27ff, "b"); // overlaps a
        IntervalIndex.Entry<String> c = ix.add(0x8000_0000_0000_0000L, -1L, "c"); // the top half, signed-negative
        assertThat(ix.overlapping(0x1fff, 0x1fff)).extracting(IntervalIndex.Entry::value).containsExactly("a", "b");
        assertThat(ix.overlapping(0x2800, 0x7fff_ffff_ffff_ffffL)).isEmpty();
        assertThat(ix.overlapping(-0x10L, -0x10L)).extracting(IntervalIndex.Entry::value).containsExactly("c");
        assertThat(ix.remove(c)).isTrue();
        assertThat(ix.remove(c)).isFalse();
        assertThat(ix.overlapping(-0x10L, -1L)).isEmpty();
        assertThat(ix.size()).isEqualTo(2);
    }

    @Test
    void agreesWithABruteForceScan() {
        Random r = new Random(7);
        IntervalIndex<Integer> ix = new IntervalIndex<>();
        List<IntervalIndex.Entry<Integer>> live = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            if (!live.isEmpty() && r.nextInt(3) == 0) {
                ix.remove(live.remove(r.nextInt(live.size())));
            } else {
                long s = r.nextInt(1 << 16);
                live.add(ix.add(s, s + r.nextInt(1 << 10), i));
            }
            long qs = r.nextInt(1 << 16);
            long ql = qs + r.nextInt(1 << 8);
            long expected = live.stream().filter(e -> e.start() <= ql && qs <= e.last()).count();
            assertThat(ix.overlapping(qs, ql)).hasSize((int) expected);
        }
    }
}
