package org.dmacheck.prop.canary;

import java.util.Optional;
import java.util.Set;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.Hardware;
import org.dmacheck.spec.platform.IommuHw;
import org.dmacheck.spec.platform.Unsigned;

/**
 * What Linux itself does with a too-large single unmap on an IOMMU: {@code __iommu_dma_unmap()}
 * rounds {@code size + iova_off} up to the granule and clears that many bytes of PTEs from the
 * mapping's first granule, then syncs the IOTLB — so the neighbouring IOVA range, another live
 * mapping, loses its translation. dma-debug reports the wrong size (U3); the harness must also
 * show the consequence. The reference engine releases exactly the recorded mapping; this canary
 * then clears the rest of the given size as Linux would.
 */
public final class LinuxLiteralUnmapSize extends CanaryProvider {
    public LinuxLiteralUnmapSize() {
        super("canary-linux-unmap-size", "misuse",
                "reference engine whose dma-iommu unmap clears the size it is given, like __iommu_dma_unmap()",
                Set.of("Containment"));
    }

    @Override
    DmaEngine wrapEngine(DmaEngine reference, Hardware real) {
        return new ForwardingEngine(reference) {
            @Override
            public void unmapPage(DeviceId dev, long addr, long size, Direction dir, long attrs) {
                inner.unmapPage(dev, addr, size, dir, attrs);
                clearGivenSize(real, dev, addr, size);
            }

            @Override
            public void unmapPhys(DeviceId dev, long addr, long size, Direction dir, long attrs) {
                inner.unmapPhys(dev, addr, size, dir, attrs);
                clearGivenSize(real, dev, addr, size);
            }
        };
    }

    /** {@code __iommu_dma_unmap()}: {@code iommu_unmap_fast(iova_align(size + iova_off))}, then the IOTLB sync. */
    private static void clearGivenSize(Hardware real, DeviceId dev, long addr, long size) {
        Optional<IommuHw> iommu = real.iommu(dev);
        if (iommu.isEmpty() || !iommu.get().config().type().usesDmaIommu()) {
            return;
        }
        long granule = iommu.get().config().granule();
        long start = Unsigned.alignDown(addr, granule);
        long len = Unsigned.alignUp(size + (addr - start), granule); // iova_align(size + iova_off)
        if (Unsigned.fits(start, len)) {
            iommu.get().unmap(start, len);
            iommu.get().iotlbSync(start, len);
        }
    }
}
