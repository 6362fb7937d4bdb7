package org.dmacheck.impl.swiotlb;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The slot search of {@code swiotlb_search_pool_area} on a bare pool: next fit from the area
 * cursor, no run across a 128-slot segment, candidate spacing from the alignment masks, the device
 * segment boundary ({@code iommu_is_span_boundary}), areas tried from 0 on.
 */
class SlotPoolTest {
    /** No boundary: seg_boundary_mask all ones gives max_slots = 2^53 (ULONG_MAX >> 11, + 1). */
    private static final long NO_BOUNDARY = 1L << 53;

    private static int take(SlotPool p, int nslots) {
        return p.allocate(nslots, 1, 0, 0, NO_BOUNDARY);
    }

    @Test
    void nextFitFromTheCursor() {
        SlotPool p = new SlotPool(512, 1);
        assertThat(take(p, 1)).isZero();
        assertThat(take(p, 1)).isEqualTo(1);
        p.release(0, 1);
        // slot 0 is free again, but the cursor is at 2: next fit, not first fit
        assertThat(take(p, 1)).isEqualTo(2);
        assertThat(p.used()).isEqualTo(2);
    }

    @Test
    void aRunNeverCrossesA128SlotSegment() {
        SlotPool p = new SlotPool(512, 1);
        assertThat(take(p, 100)).isZero();
        // slots 100..149 would cross the segment end at 128: the run starts at 128
        assertThat(take(p, 50)).isEqualTo(128);
        assertThat(p.isFree(100)).isTrue();
        assertThat(p.isFree(127)).isTrue();
        assertThat(p.isFree(128)).isFalse();
    }

    @Test
    void candidatesFollowThePeriodAndResidue() {
        SlotPool p = new SlotPool(512, 1);
        assertThat(take(p, 1)).isZero();
        // min_align bit 11 set in orig: odd slots only (period 2, residue 1); slot 1 is next
        assertThat(p.allocate(2, 2, 1, 0, NO_BOUNDARY)).isEqualTo(1);
        // page alignment with 2 KiB slots: period 2, residue 0; cursor at 3, so slot 4
        assertThat(p.allocate(2, 2, 0, 0, NO_BOUNDARY)).isEqualTo(4);
        // 64 KiB alignment: period 32; cursor at 6, so slot 32
        assertThat(p.allocate(1, 32, 0, 0, NO_BOUNDARY)).isEqualTo(32);
    }

    @Test
    void theDeviceSegmentBoundaryIsNotCrossed() {
        SlotPool p = new SlotPool(512, 1);
        assertThat(take(p, 20)).isZero();
        // 64 KiB boundary = 32 slots: 16 slots at 20 would end at 35, crossing 32, so they start at 32
        assertThat(p.allocate(16, 1, 0, 0, 32)).isEqualTo(32);
        // a pool whose DMA address starts 8 slots into a boundary window (shift 8): slots 48..63 end
        // at window position 71 > 64; the run starts at 56 (position 64, a fresh window)
        assertThat(p.allocate(16, 1, 0, 8, 32)).isEqualTo(56);
    }

    @Test
    void theSearchWrapsToTheAreaStartAndAFullPoolFails() {
        SlotPool p = new SlotPool(256, 1);
        assertThat(take(p, 128)).isZero();
        assertThat(take(p, 128)).isEqualTo(128);
        assertThat(take(p, 1)).isEqualTo(-1);
        p.release(0, 128);
        // the cursor wrapped to 0 after the second allocation; the search finds slot 0 again
        assertThat(take(p, 64)).isZero();
        assertThat(take(p, 64)).isEqualTo(64);
        assertThat(take(p, 1)).isEqualTo(-1);
        assertThat(p.used()).isEqualTo(256);
    }

    @Test
    void areasAreTriedFromAreaZeroOn() {
        SlotPool p = new SlotPool(512, 4);
        assertThat(p.nareas()).isEqualTo(4);
        assertThat(take(p, 128)).isZero();
        // area 0 (slots 0..127) is full: its used count rules it out, area 1 starts at 128
        assertThat(take(p, 1)).isEqualTo(128);
        p.release(0, 128);
        assertThat(take(p, 1)).isZero();
    }

    @Test
    void areasShrinkUntilEachHoldsASegment() {
        // limit_nareas: 256 slots cannot feed 4 areas of at least 128 slots; 2 areas remain
        assertThat(new SlotPool(256, 4).nareas()).isEqualTo(2);
        assertThat(new SlotPool(100, 8).nareas()).isEqualTo(1);
    }

    @Test
    void fragmentedSegmentsAreSkippedForLongRuns() {
        SlotPool p = new SlotPool(1024, 1);
        // every segment but the last gets a used slot in its middle: longest free run 63 or 64
        for (int seg = 0; seg < 7; seg++) {
            assertThat(p.allocate(1, 128, 64, 0, NO_BOUNDARY)).isEqualTo(seg * 128 + 64);
        }
        assertThat(take(p, 100)).isEqualTo(7 * 128);
    }

    @Test
    void oversizedRequestsFail() {
        SlotPool p = new SlotPool(1024, 1);
        assertThat(take(p, 129)).isEqualTo(-1);
        assertThat(take(p, 0)).isEqualTo(-1);
        assertThat(p.used()).isZero();
    }
}
