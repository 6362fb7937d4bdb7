package org.dmacheck.spec.invariant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dmacheck.spec.invariant.Platforms.BUF;
import static org.dmacheck.spec.invariant.Platforms.BUF2;
import static org.dmacheck.spec.invariant.Platforms.DEV;

import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.testengine.ToyEngine;
import org.dmacheck.spec.violation.Violation;
import org.junit.jupiter.api.Test;

class ContainmentTest {
    private static Op map(String h, long phys) {
        return new Op.MapSingle(h, DEV, Op.MapKind.PHYS, phys, 0x1000, Direction.TO_DEVICE, 0);
    }

    @Test
    void anUnmapTrustingAWrongSizeThatTakesTheNeighbourFires() {
        Scenario s = new Scenario(Platforms.strict(), pl -> {
            ToyEngine t = new ToyEngine(pl);
            t.trustUnmapArguments = true; // __iommu_dma_unmap(addr, size) with the caller's size
            return t;
        }, new Containment());
        // m1 at IOVA 0x1000_0000, m2 at 0x1000_1000; unmapping m1 with 0x2000 bytes clears m2's PTE too
        Violation v = s.run(map("m1", BUF), map("m2", BUF2),
                new Op.UnmapSingle("m1", Op.MapKind.PHYS, 0, 0x2000, Direction.TO_DEVICE, 0)).get(0);
        assertThat(v.kind()).isEqualTo("Containment");
        assertThat(v.message()).isEqualTo("misused call disturbs another live mapping");
        assertThat(v.evidence("misuse")).isEqualTo("unmap of m1 with wrong size 0x2000 (mapped 0x1000)");
        assertThat(v.evidence("handle")).isEqualTo("m2");
        assertThat(v.evidence("device address")).isEqualTo("0x0000000010001000");
        assertThat(v.evidence("expected phys")).isEqualTo("0x0000000000300000");
    }

    @Test
    void aNonBugExceptionOnMisuseFires() {
        Scenario s = new Scenario(Platforms.strict(), pl -> new ToyEngine(pl) {
            @Override
            public void unmapPhys(DeviceId dev, long addr, long size, Direction dir, long attrs) {
                throw new NullPointerException("no mapping at " + Long.toHexString(addr));
            }
        }, new Containment());
        assertThat(s.run(new Op.UnmapUnknown(DEV, Op.MapKind.PHYS, 0x5000_0000L, 0x1000, Direction.TO_DEVICE, 0)))
                .singleElement().hasToString("DMA-API: 0000:01:00.0: DMA engine throws on a misused call instead of "
                        + "refusing it [misuse=unmap of 0x50000000, where no live mapping of 0000:01:00.0 starts] "
                        + "[exception=java.lang.NullPointerException: no mapping at 50000000] [step 1]");
    }

    @Test
    void aMapWithDmaNoneThatSucceedsFires() {
        Scenario s = new Scenario(Platforms.strict(), pl -> new ToyEngine(pl) {
            @Override
            public long mapPhys(DeviceId dev, long phys, long size, Direction dir, long attrs) {
                return super.mapPhys(dev, phys, size, dir == Direction.NONE ? Direction.BIDIRECTIONAL : dir, attrs);
            }
        }, new Containment());
        assertThat(s.run(new Op.MapSingle("m1", DEV, Op.MapKind.PHYS, BUF, 0x100, Direction.NONE, 0)))
                .singleElement().hasToString("DMA-API: 0000:01:00.0: DMA engine maps with DMA_NONE [returned=0x10000000] [step 1]");
    }

    @Test
    void refusedOrWarnedMisuseHolds() {
        Scenario s = new Scenario(Platforms.strict(), ToyEngine::new, new Containment());
        assertThat(s.run(map("m1", BUF), map("m2", BUF2),
                new Op.UnmapSingle("m1", Op.MapKind.PHYS, 0, 0x2000, Direction.TO_DEVICE, 0), // toy uses its own record
                new Op.UnmapUnknown(DEV, Op.MapKind.PHYS, 0x1000_0000L, 0x1000, Direction.TO_DEVICE, 0), // double unmap
                new Op.MapSingle("m3", DEV, Op.MapKind.PHYS, BUF, 0x100, Direction.NONE, 0), // BUG: IllegalArgumentException
                new Op.SyncSingle("m2", true, 0, 0x10, Direction.FROM_DEVICE))).isEmpty();
        assertThat(s.checker.driver().binding("m2")).get().extracting(b -> b.misused()).isEqualTo(true);
    }
}
