package org.dmacheck.spec.invariant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dmacheck.spec.invariant.Platforms.BUF;
import static org.dmacheck.spec.invariant.Platforms.BUF2;
import static org.dmacheck.spec.invariant.Platforms.DEV;

import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.IommuDomainType;
import org.dmacheck.spec.testengine.ToyEngine;
import org.junit.jupiter.api.Test;

class NoIovaOverlapTest {
    private static Op map(String h, long phys, long size) {
        return new Op.MapSingle(h, DEV, Op.MapKind.PHYS, phys, size, Direction.TO_DEVICE, 0);
    }

    @Test
    void anIovaHandedOutTwiceFires() {
        Scenario s = new Scenario(Platforms.strict(), pl -> {
            ToyEngine t = new ToyEngine(pl);
            t.ignoreMapErrors = true; // the shared granule's PTE write fails with -EEXIST; the toy ignores it
            return t;
        }, new NoIovaOverlap());
        // m1: 0x1800 bytes -> IOVA [0x1000_0000, 0x1000_1fff] (two 4 KiB granules); the bump allocator's next is 0x1000_2000
        assertThat(s.run(map("m1", BUF, 0x1800))).isEmpty();
        // an allocator off by one granule: m2 gets 0x1000_2000 - 0x1000 = 0x1000_1000, m1's second granule
        ((ToyEngine) s.engine).iovaSkew = -0x1000;
        assertThat(s.run(map("m2", BUF2, 0x100))).singleElement().hasToString(
                "DMA-API: 0000:01:00.0: DMA engine hands out IOVA that overlaps a live mapping [domain=dom0] "
                        + "[iova=0x0000000010001000-0x0000000010001fff] [handle=m2] "
                        + "[live iova=0x0000000010000000-0x0000000010001fff] [live handle=m1] [live since step=1] [step 2]");
    }

    @Test
    void anIovaInTheMsiWindowFires() {
        Scenario s = new Scenario(Platforms.iommu(IommuDomainType.DMA, b -> b.x86MsiWindow(true), d -> d), pl -> {
            ToyEngine t = new ToyEngine(pl);
            t.iovaBase = 0xFEE0_0000L; // an allocator that forgot iommu_dma_get_resv_regions()
            return t;
        }, new NoIovaOverlap());
        assertThat(s.run(map("m1", BUF, 0x100))).singleElement().hasToString(
                "DMA-API: 0000:01:00.0: DMA engine hands out IOVA inside a reserved region [domain=dom0] "
                        + "[iova=0x00000000fee00000-0x00000000fee00fff] [handle=m1] "
                        + "[reserved=0x00000000fee00000-0x00000000feefffff] [why=x86 MSI window] [step 1]");
    }

    @Test
    void iovaPageZeroFires() {
        Scenario s = new Scenario(Platforms.strict(), pl -> {
            ToyEngine t = new ToyEngine(pl);
            t.iovaBase = 0; // iommu_dma_init_domain(): start_pfn = max(1, ...), so 0 means "failed"
            return t;
        }, new NoIovaOverlap());
        assertThat(s.run(map("m1", BUF, 0x100))).singleElement()
                .satisfies(v -> assertThat(v.message()).isEqualTo("DMA engine hands out IOVA page 0"))
                .satisfies(v -> assertThat(v.evidence("iova")).isEqualTo("0x0000000000000000-0x0000000000000fff"));
    }

    @Test
    void disjointLiveRangesAndReuseAfterUnmapHold() {
        Scenario s = new Scenario(Platforms.strict(), pl -> {
            ToyEngine t = new ToyEngine(pl);
            t.reuseIova = true; // hands 0x1000_0000 out again once it is free: legal in a strict domain
            return t;
        }, new NoIovaOverlap());
        assertThat(s.run(map("m1", BUF, 0x100),
                new Op.UnmapSingle("m1", Op.MapKind.PHYS, 0, 0x100, Direction.TO_DEVICE, 0),
                map("m2", BUF2, 0x100))).isEmpty();
    }
}
