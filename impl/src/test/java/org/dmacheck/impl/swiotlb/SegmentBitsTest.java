package org.dmacheck.impl.swiotlb;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SegmentBitsTest {
    @Test
    void rangesSpanBothWords() {
        SegmentBits r = SegmentBits.range(60, 70);
        assertThat(r.lo()).isEqualTo(0xFL << 60);
        assertThat(r.hi()).isEqualTo(0x3FL);
        assertThat(SegmentBits.range(0, 128)).isEqualTo(new SegmentBits(-1L, -1L));
        assertThat(SegmentBits.range(5, 5).isEmpty()).isTrue();
    }

    @Test
    void runStartsAcrossTheWordBoundary() {
        // free slots 60..69 (10 slots): runs of 4 start at 60..66
        SegmentBits free = SegmentBits.range(60, 70);
        assertThat(free.runStarts(4)).isEqualTo(SegmentBits.range(60, 67));
        assertThat(free.runStarts(10)).isEqualTo(SegmentBits.range(60, 61));
        assertThat(free.runStarts(11).isEmpty()).isTrue();
    }

    @Test
    void runsEndAtTheSegmentEnd() {
        // slots 120..127 free: a run of 8 starts at 120 only; bits past 127 count as used
        SegmentBits free = SegmentBits.range(120, 128);
        assertThat(free.runStarts(8)).isEqualTo(SegmentBits.range(120, 121));
        assertThat(free.longestRun()).isEqualTo(8);
    }

    @Test
    void longestRunOfAFullAndAnEmptySegment() {
        assertThat(SegmentBits.range(0, 128).longestRun()).isEqualTo(128);
        assertThat(SegmentBits.NONE.longestRun()).isZero();
        assertThat(SegmentBits.range(0, 3).or(SegmentBits.range(10, 15)).longestRun()).isEqualTo(5);
    }

    @Test
    void lowestBitsInOrder() {
        SegmentBits b = SegmentBits.range(63, 65);
        assertThat(b.lowest()).isEqualTo(63);
        assertThat(b.withoutLowest().lowest()).isEqualTo(64);
        assertThat(b.withoutLowest().withoutLowest().lowest()).isEqualTo(-1);
    }
}
