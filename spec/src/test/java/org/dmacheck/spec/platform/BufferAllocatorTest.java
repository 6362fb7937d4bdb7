package org.dmacheck.spec.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

/** Placements on the default layout (RAM from 1 MiB, swiotlb at 1 GiB, hole at 3-4 GiB) unless noted. */
class BufferAllocatorTest {
    private final BufferAllocator a = Platform.builder().build().buffers();

    @Test
    void anywhereTakesTheLowestFreePageWithTheOffset() {
        assertThat(a.allocate(0x100, 0x10, Placement.anywhere())).isEqualTo(0x10_0010L);
        // The first buffer holds page 0x10_0000 whole: the next starts a page later.
        assertThat(a.allocate(0x100, 0, Placement.anywhere())).isEqualTo(0x10_1000L);
        assertThat(a.allocationCount()).isEqualTo(2);
    }

    @Test
    void above4GStartsAtHighRam() {
        assertThat(a.allocate(0x2000, 0x800, Placement.above4G())).isEqualTo(0x1_0000_0800L);
    }

    @Test
    void aWindowFloorInsideAPageMovesToTheNextPage() {
        // Page 0x4400_0000 holds bytes below 0x4400_0010: offset 0 there would start too low.
        assertThat(a.allocate(0x100, 0, new Placement.AtOrAbove(0x4400_0010L))).isEqualTo(0x4400_1000L);
        assertThat(a.allocate(0x100, 0x20, new Placement.AtOrAbove(0x4400_0010L))).isEqualTo(0x4400_0020L);
    }

    @Test
    void endingAtPutsTheLastByteExactlyThere() {
        assertThat(a.allocate(0x1000, 0, new Placement.EndingAt(0xBFFF_FFFFL))).isEqualTo(0xBFFF_F000L);
        assertThat(a.allocate(0x10, 0, new Placement.EndingAt(0xBFFF_EFFFL))).isEqualTo(0xBFFF_EFF0L);
    }

    @Test
    void aPlacementInTheHoleIsRefusedInOneLine() {
        assertThat(a.tryAllocate(0x1000, 0, new Placement.EndingAt(0xFFFF_FFFFL))).isEqualTo(-1);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> a.allocate(0x1000, 0, new Placement.EndingAt(0xFFFF_FFFFL)))
                .withMessageContaining("0x1000 bytes").withMessageContaining("EndingAt");
    }

    @Test
    void crossingAMaskStraddlesItByAsFewBytesAsTheOffsetAllows() {
        BufferAllocator flat = Platform.builder().noDefaultRam().ram(0x1000_0000L, 0x2_0000_0000L - 0x1000_0000L)
                .swiotlbPool(0x0800_0000L, 64L << 20).build().buffers();
        // Highest start <= 0xFFFF_FFFF at page offset 0x10 is 0xFFFF_F010; 0x2000 bytes end at 0x1_0000_100F.
        long phys = flat.allocate(0x2000, 0x10, new Placement.Crossing(0xFFFF_FFFFL));
        assertThat(phys).isEqualTo(0xFFFF_F010L);
    }

    @Test
    void neverHandsOutTheSwiotlbPool() {
        // From 0x3FFF_F000 a 0x2000-byte buffer would run into the pool at 0x4000_0000: the next
        // RAM starts at 0x4400_0000.
        assertThat(a.allocate(0x2000, 0, new Placement.AtOrAbove(0x3FFF_F000L))).isEqualTo(0x4400_0000L);
        assertThat(a.tryAllocate(0x1000, 0, new Placement.At(0x4000_0000L))).isEqualTo(-1);
    }

    @Test
    void freedSpaceIsReusedAndAWrongFreeIsRefused() {
        long first = a.allocate(0x3000, 0, new Placement.Below4G());
        a.allocate(0x1000, 0, new Placement.Below4G());
        assertThatIllegalArgumentException().isThrownBy(() -> a.free(first, 0x1000)).withMessageContaining("size 0x3000");
        a.free(first, 0x3000);
        assertThat(a.allocate(0x3000, 0, new Placement.Below4G())).isEqualTo(first);
        assertThatIllegalArgumentException().isThrownBy(() -> a.free(0x5000_0000L, 1)).withMessageContaining("0x50000000");
    }

    @Test
    void allocPagesTakesTheTopOfWhatFitsBelowTheLimit() {
        // Below 0x7FFF_FFFF the highest RAM page run ends at 0x7FFF_FFFF: 3 pages from 0x7FFF_D000.
        assertThat(a.allocPages(0x2001, 0x7FFF_FFFFL)).isEqualTo(0x7FFF_D000L);
        assertThat(a.allocPages(0x1000, 0xFFFFF)).isEqualTo(-1); // no RAM below 1 MiB
    }
}
