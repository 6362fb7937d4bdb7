package org.dmacheck.impl.iommu;

import org.dmacheck.spec.api.CoherentBuffer;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.Hardware;
import org.dmacheck.spec.platform.Unsigned;

/**
 * Coherent allocations through the IOMMU ({@code iommu_dma_alloc} / {@code iommu_dma_free}): zeroed
 * pages from anywhere in RAM (the IOMMU makes them reachable), mapped {@code BIDIRECTIONAL} (plus
 * {@code IOMMU_CACHE} for a coherent device) below the coherent DMA mask. The model uses one
 * contiguous page run; Linux's blocking path stitches pages into one IOVA the same size.
 */
final class IommuDmaCoherent {
    private final Hardware hw;
    private final IommuDmaMap single;
    private long outstandingBytes;

    IommuDmaCoherent(Hardware hw, IommuDmaMap single) {
        this.hw = hw;
        this.single = single;
    }

    long outstandingBytes() {
        return outstandingBytes;
    }

    private long pageAlign(long size) {
        return Unsigned.alignUp(size, hw.config().pageSize());
    }

    /** {@code iommu_dma_alloc()}; null on failure. */
    CoherentBuffer alloc(IommuDevice dev, long size, long attrs) {
        if (size == 0 || Unsigned.lt(Long.MAX_VALUE, size)) {
            hw.warn(dev.id() + ": dma_alloc_attrs of " + Unsigned.hex(size) + " bytes");
            return null;
        }
        long allocSize = pageAlign(size);
        long phys = hw.allocPages(allocSize, Unsigned.MAX);
        if (phys == -1) {
            return null;
        }
        if (!dev.coherent()) {
            // arch_dma_prep_coherent(): write the zeroed pages back before the device sees them.
            hw.archSyncForDevice(phys, allocSize, Direction.BIDIRECTIONAL);
        }
        int prot = IommuDmaMap.dmaInfoToProt(Direction.BIDIRECTIONAL, dev.coherent(), attrs);
        long dma = single.iommuDmaMap(dev, phys, size, prot, dev.config().coherentMask(), IovaMapping.Kind.COHERENT);
        if (dma == DmaEngine.DMA_MAPPING_ERROR) {
            hw.freePages(phys, allocSize);
            return null;
        }
        outstandingBytes += size;
        return new CoherentBuffer(phys, dma, size);
    }

    /** {@code iommu_dma_free()}: unmap (strict or lazy, as the domain is) and free the pages. */
    void free(IommuDevice dev, CoherentBuffer buffer) {
        IommuDmaCookie cookie = dev.cookie();
        IovaMapping m = cookie.findContaining(buffer.dmaAddr());
        if (m == null || m.kind() != IovaMapping.Kind.COHERENT || !m.device().equals(dev.id())
                || m.handle() != buffer.dmaAddr() || m.size() != buffer.size()
                || cookie.iommu().iovaToPhys(buffer.dmaAddr()) != buffer.cpuPhys()) {
            hw.warn(dev.id() + ": dma_free_attrs: " + buffer + " is not a live coherent allocation of the device");
            return;
        }
        cookie.unmapAndRelease(m);
        hw.freePages(buffer.cpuPhys(), pageAlign(buffer.size()));
        outstandingBytes -= buffer.size();
    }
}
