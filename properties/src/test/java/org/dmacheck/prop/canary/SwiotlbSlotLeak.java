package org.dmacheck.prop.canary;

import java.util.Set;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.DmaAttrs;
import org.dmacheck.spec.platform.DmaRange;
import org.dmacheck.spec.platform.Hardware;
import org.dmacheck.spec.platform.MemoryRegion;

/**
 * An unbalanced unmap leaking swiotlb slots: unmapping a bounced dma-direct mapping copies the
 * data back (so nothing looks wrong to the driver) but never releases the slots.
 */
public final class SwiotlbSlotLeak extends CanaryProvider {
    public SwiotlbSlotLeak() {
        super("canary-swiotlb-slot-leak", "swiotlb-pressure",
                "reference engine whose dma-direct unmap of a bounced buffer syncs but never frees the slots",
                Set.of("Balance"));
    }

    @Override
    DmaEngine wrapEngine(DmaEngine reference, Hardware real) {
        return new ForwardingEngine(reference) {
            @Override
            public void unmapPhys(DeviceId dev, long addr, long size, Direction dir, long attrs) {
                if (bouncedDirect(real, dev, addr) && !DmaAttrs.has(attrs, DmaAttrs.MMIO)) {
                    if (!DmaAttrs.has(attrs, DmaAttrs.SKIP_CPU_SYNC)) {
                        inner.syncSingleForCpu(dev, addr, size, dir);
                    }
                    return; // the bug: the slots stay taken
                }
                inner.unmapPhys(dev, addr, size, dir, attrs);
            }
        };
    }

    /** A dma-direct device's address that {@code dma_to_phys} puts in the swiotlb pool. */
    private static boolean bouncedDirect(Hardware hw, DeviceId dev, long addr) {
        DeviceConfig d = hw.device(dev);
        MemoryRegion pool = hw.config().swiotlbPool();
        if (pool == null || hw.iommu(dev).map(i -> i.config().type().usesDmaIommu()).orElse(false)) {
            return false;
        }
        long phys = addr;
        for (DmaRange r : d.rangeMap()) {
            if (r.containsDma(addr)) {
                phys = r.toCpu(addr);
            }
        }
        return pool.contains(phys);
    }
}
