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
}
