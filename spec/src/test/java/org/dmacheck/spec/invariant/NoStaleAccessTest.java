package org.dmacheck.spec.invariant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dmacheck.spec.invariant.Platforms.BUF;
import static org.dmacheck.spec.invariant.Platforms.BUF2;
import static org.dmacheck.spec.invariant.Platforms.DEV;

import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.IommuDomainType;
import org.dmacheck.spec.testengine.ToyEngine;
import org.junit.jupiter.api.Test;

class NoStaleAccessTest {
    private static Op map(String h, long phys) {
        return new Op.MapSingle(h, DEV, Op.MapKind.PHYS, phys, 0x1000, Direction.TO_DEVICE, 0);
    }

    private static Op unmap(String h) {
        return new Op.UnmapSingle(h, Op.MapKind.PHYS, 0, 0x1000, Direction.TO_DEVICE, 0);
    }

    private static Op read(String h) {
        return new Op.DeviceRead(h, 0, 0, 4);
    }

    @Test
    void strictUnmapWithoutIotlbInvalidationFires() {
        Scenario s = new Scenario(Platforms.strict(), pl -> {
            ToyEngine t = new ToyEngine(pl);
            t.skipIotlbSync = true; // clears the PTE, forgets iommu_iotlb_sync()
            return t;
        }, new NoStaleAccess());
        // the read caches IOVA 0x1000_0000 -> BUF in the IOTLB; after the unmap that entry still answers
        assertThat(s.run(map("m1", BUF), read("m1"), unmap("m1"))).singleElement().hasToString(
                "DMA-API: 0000:01:00.0: device still reaches memory after a strict unmap "
                        + "[device address=0x0000000010000000] [reached phys=0x0000000000200000] [route=IOTLB] "
                        + "[domain=dom0] [handle=m1] [mapped at step=1] [step 3]");
    }

    @Test
    void lazyReuseOfAnIovaBeforeItsFlushFires() {
        Scenario s = new Scenario(Platforms.iommu(IommuDomainType.DMA_FQ, d -> d), pl -> {
            ToyEngine t = new ToyEngine(pl);
            t.lazy = true;      // unmap clears PTEs and queues nothing: the IOTLB keeps its entry
            t.reuseIova = true; // ... and the freed IOVA is handed out again at once (bug class 2)
            return t;
        }, new NoStaleAccess());
        // steps 1-3 are legal in lazy mode: the stale entry may linger while nobody owns the IOVA
        assertThat(s.run(map("m1", BUF), read("m1"), unmap("m1"))).isEmpty();
        assertThat(s.run(map("m2", BUF2))).singleElement().hasToString(
                "DMA-API: 0000:01:00.0: IOVA reused while a stale IOTLB entry still points at other memory "
                        + "[domain=dom0] [iova=0x0000000010000000] [stale phys=0x0000000000200000] "
                        + "[new phys=0x0000000000300000] [handle=m2] [step 4]");
    }

    @Test
    void lazyUnmapThatKeepsThePteFires() {
        Scenario s = new Scenario(Platforms.iommu(IommuDomainType.DMA_FQ, d -> d), pl -> new ToyEngine(pl) {
            @Override
            public void unmapPhys(DeviceId dev, long addr, long size, Direction dir, long attrs) {
                // defers the whole unmap to the flush queue, page table included
            }
        }, new NoStaleAccess());
        assertThat(s.run(map("m1", BUF), unmap("m1"))).singleElement()
                .satisfies(v -> assertThat(v.message()).isEqualTo("page-table entry still present after a lazy unmap"))
                .satisfies(v -> assertThat(v.evidence("route")).isEqualTo("PAGE_TABLE"));
    }

    @Test
    void strictInvalidationAndLazyStaleEntriesWithoutReuseHold() {
        Scenario strict = new Scenario(Platforms.strict(), ToyEngine::new, new NoStaleAccess());
        assertThat(strict.run(map("m1", BUF), read("m1"), unmap("m1"), map("m2", BUF2), read("m2"))).isEmpty();
        Scenario lazy = new Scenario(Platforms.iommu(IommuDomainType.DMA_FQ, d -> d), pl -> {
            ToyEngine t = new ToyEngine(pl);
            t.lazy = true; // never reuses: the bump allocator moves on
            return t;
        }, new NoStaleAccess());
        assertThat(lazy.run(map("m1", BUF), read("m1"), unmap("m1"), map("m2", BUF2), read("m2"))).isEmpty();
    }

    /**
     * The two-step case from a shrunk report: try_alloc at BUF+1 gives IOVA X+1 (X = 0x1000_0000);
     * the first link (BUF+1, offset 0, 0xFFF bytes) maps granule X, the second (BUF+0x1000, offset
     * 0xFFF, 1 byte) maps granule X+0x1000; unlinking offset 0 size 0xFFF removes granule X only.
     * Device address X+0x1000 is byte 0xFFF of the state, still linked: not stale.
     */
    private static final Op[] TWO_LINKS_UNLINK_FIRST = {
        new Op.IovaTryAlloc("v1", DEV, BUF + 1, 0x1000),
        new Op.IovaLink("v1", BUF + 1, 0, 0xFFF, Direction.TO_DEVICE, 0),
        new Op.IovaLink("v1", BUF + 0x1000, 0xFFF, 1, Direction.TO_DEVICE, 0),
        new Op.IovaSync("v1", 0, 0x1000),
        new Op.IovaUnlink("v1", 0, 0xFFF, Direction.TO_DEVICE, 0),
    };

    @Test
    void unlinkingOneLinkLeavesTheNextLinksGranuleLive() {
        Scenario s = new Scenario(Platforms.strict(), ToyEngine::new, new NoStaleAccess());
        assertThat(s.run(TWO_LINKS_UNLINK_FIRST)).isEmpty();
        // and the unlinked granule X is checked: unlinking the second link afterwards holds as well
        assertThat(s.run(new Op.IovaUnlink("v1", 0xFFF, 1, Direction.TO_DEVICE, 0))).isEmpty();
    }

    @Test
    void anUnlinkThatLeavesItsGranuleMappedFires() {
        Scenario s = new Scenario(Platforms.strict(), pl -> new ToyEngine(pl) {
            @Override
            public void iovaUnlink(DeviceId dev, org.dmacheck.spec.api.DmaIovaState state, long offset, long size,
                                   Direction dir, long attrs) {
                // forgets to unmap anything
            }
        }, new NoStaleAccess());
        // granule X = 0x1000_0000 maps BUF (0x20_0000); the second link's granule is not reported
        assertThat(s.run(TWO_LINKS_UNLINK_FIRST)).singleElement().hasToString(
                "DMA-API: 0000:01:00.0: device still reaches memory after a strict unmap "
                        + "[device address=0x0000000010000000] [reached phys=0x0000000000200000] [route=PAGE_TABLE] "
                        + "[domain=dom0] [handle=v1] [mapped at step=1] [step 5]");
    }
}
