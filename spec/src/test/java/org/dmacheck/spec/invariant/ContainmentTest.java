package org.dmacheck.spec.invariant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dmacheck.spec.invariant.Platforms.BUF;
import static org.dmacheck.spec.invariant.Platforms.BUF2;
import static org.dmacheck.spec.invariant.Platforms.DEV;
import static org.dmacheck.spec.invariant.Platforms.POOL;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.op.Pattern;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.IommuDomainType;
import org.dmacheck.spec.platform.Platform;
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
        assertThat(v.evidence("touched")).isEqualTo("iommu_unmap 0x10000000-0x10001fff in domain dom0");
    }

    /** The first violation; fails the test when Containment did not fire. */
    private static Violation fired(List<Violation> violations) {
        assertThat(violations).as("Containment must fire").isNotEmpty();
        return violations.get(0);
    }

    private static Scenario trusting(Platform platform, boolean lazy) {
        return new Scenario(platform, pl -> {
            ToyEngine t = new ToyEngine(pl);
            t.trustUnmapArguments = true;
            t.lazy = lazy;
            return t;
        }, new Containment());
    }

    @Test
    void ofManyLiveMappingsTheOneWhosePtesAMisusedUnmapTearsDownIsFound() {
        Scenario s = trusting(Platforms.strict(), false);
        // m0..m7 hold one granule each at IOVA 0x1000_0000 + i * 0x1000 (the toy's bump allocator)
        for (int i = 0; i < 8; i++) {
            assertThat(s.run(map("m" + i, BUF + i * 0x1000L))).isEmpty();
        }
        // unmap m5 with 0x2000 bytes: iommu_unmap(0x1000_5000, 0x2000) also clears m6's granule
        Violation v = fired(s.run(new Op.UnmapSingle("m5", Op.MapKind.PHYS, 0, 0x2000, Direction.TO_DEVICE, 0)));
        assertThat(v.evidence("handle")).isEqualTo("m6");
        assertThat(v.evidence("device address")).isEqualTo("0x0000000010006000");
        assertThat(v.evidence("now")).isEqualTo("no PTE for iova 0x10006000 in domain dom0");
        assertThat(v.evidence("touched")).isEqualTo("iommu_unmap 0x10005000-0x10006fff in domain dom0");
    }

    @Test
    void aMisusedUnmapThatTearsOnlyTheMiddleGranuleOfANeighbourFires() {
        Scenario s = trusting(Platforms.strict(), false);
        // m1: one granule at 0x1000_0000; m2: three granules at 0x1000_1000..0x1000_3fff
        assertThat(s.run(map("m1", BUF), new Op.MapSingle("m2", DEV, Op.MapKind.PHYS, BUF2, 0x3000,
                Direction.TO_DEVICE, 0))).isEmpty();
        // m1's unmap aimed 0x2000 too high, at m2's middle granule: m2's first and last byte still
        // translate, only the overlap's own edges show the hole
        Violation v = fired(s.run(new Op.UnmapSingle("m1", Op.MapKind.PHYS, 0x2000, 0x1000, Direction.TO_DEVICE, 0)));
        assertThat(v.evidence("handle")).isEqualTo("m2");
        assertThat(v.evidence("device address")).isEqualTo("0x0000000010002000");
        assertThat(v.evidence("expected phys")).isEqualTo("0x0000000000301000");
    }

    @Test
    void aPteTornDownUnderAStaleIotlbEntryFiresAtTheMisuseNotAtTheNextFlush() {
        Scenario s = trusting(Platforms.iommu(IommuDomainType.DMA_FQ, d -> d), true);
        assertThat(s.run(map("m1", BUF), map("m2", BUF2),
                new Op.DeviceRead("m2", 0, 0, 1))).isEmpty(); // the walk caches m2's translation
        // lazy: the wrong-size unmap clears m2's PTE too and invalidates nothing; the device still
        // reaches m2 through the IOTLB, until the flush queue's next flush
        Violation v = fired(s.run(new Op.UnmapSingle("m1", Op.MapKind.PHYS, 0, 0x2000, Direction.TO_DEVICE, 0)));
        assertThat(v.message()).isEqualTo("misused call disturbs another live mapping");
        assertThat(v.evidence("handle")).isEqualTo("m2");
        assertThat(v.evidence("now")).isEqualTo("reaches 0x300000 through a stale IOTLB entry; "
                + "the page table has no PTE there");
    }

    /**
     * dma-direct bouncing every single mapping through its own 2 KiB swiotlb slots (IO_TLB_SIZE),
     * handed out upwards from the pool's start. Its unmap trusts the caller's size, as
     * {@code swiotlb_tbl_unmap_single} would if it released by the size it is given, and scrubs the
     * slots it releases — which makes a release of someone else's slots visible at once.
     */
    private static final class ScrubbingSwiotlb extends ToyEngine {
        private static final long SLOT = 0x800;
        private final Map<Long, Long> origOf = new HashMap<>();
        private long next = POOL;

        ScrubbingSwiotlb(Platform platform) {
            super(platform);
        }

        @Override
        public long mapPhys(DeviceId dev, long phys, long size, Direction dir, long attrs) {
            long slot = next;
            next += (size + SLOT - 1) / SLOT * SLOT;
            platform.cpuCopy(slot, phys, size);
            origOf.put(slot, phys);
            return slot;
        }

        @Override
        public void unmapPhys(DeviceId dev, long addr, long size, Direction dir, long attrs) {
            Long orig = origOf.remove(addr);
            if (orig != null && dir != Direction.TO_DEVICE) {
                platform.cpuCopy(orig, addr, size);
            }
            platform.cpuFill(addr, (size + SLOT - 1) / SLOT * SLOT, (byte) 0);
        }
    }

    @Test
    void aMisusedUnmapThatFreesANeighboursSwiotlbSlotsFires() {
        Scenario s = new Scenario(Platforms.direct(), ScrubbingSwiotlb::new, new Containment());
        Op.MapSingle m1 = new Op.MapSingle("m1", DEV, Op.MapKind.PHYS, BUF, 0x800, Direction.TO_DEVICE, 0);
        Op.MapSingle m2 = new Op.MapSingle("m2", DEV, Op.MapKind.PHYS, BUF2, 0x800, Direction.TO_DEVICE, 0);
        // m2's buffer holds pattern 7; bounced into the slot at POOL + 0x800, the device reads it there
        assertThat(s.run(new Op.CpuWrite(BUF2, 0x800, 7), m1, m2)).isEmpty();
        // unmap m1 with 0x1000 bytes: two slots released and scrubbed, m1's and m2's
        Violation v = fired(s.run(new Op.UnmapSingle("m1", Op.MapKind.PHYS, 0, 0x1000, Direction.TO_DEVICE, 0)));
        assertThat(v.message()).isEqualTo("misused call changes another live mapping's data");
        assertThat(v.evidence("handle")).isEqualTo("m2");
        assertThat(v.evidence("touched")).isEqualTo("memset 0x40000000-0x40000fff");
        // the first sampled byte is the piece's first: pattern 7's byte 0, now 0
        assertThat(v.evidence("device address")).isEqualTo("0x0000000040000800");
        assertThat(v.evidence("expected")).isEqualTo("0x" + Integer.toHexString(Pattern.at(7, 0) & 0xff));
        assertThat(v.evidence("device sees")).isEqualTo("0x0");
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
