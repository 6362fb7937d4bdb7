package org.dmacheck.spec.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RangeSetTest {
    @Test
    void addMergesOverlapsAndRemoveSplits() {
        RangeSet s = new RangeSet();
        s.add(0x100, 0x100);   // [0x100, 0x1ff]
        s.add(0x180, 0x100);   // merges to [0x100, 0x27f]
        s.remove(0x140, 0x10); // leaves [0x100, 0x13f] and [0x150, 0x27f]
        assertThat(s.intersect(0, 0x1000)).containsExactly(new long[] {0x100, 0x13f}, new long[] {0x150, 0x27f});
        assertThat(s.intersect(0x13f, 0x12)).containsExactly(new long[] {0x13f, 0x13f}, new long[] {0x150, 0x150});
        s.remove(0, 0x1000);
        assertThat(s.isEmpty()).isTrue();
    }
}
