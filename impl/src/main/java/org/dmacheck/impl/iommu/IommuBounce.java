package org.dmacheck.impl.iommu;

import java.util.HashSet;
import java.util.Set;
import org.dmacheck.impl.swiotlb.Swiotlb;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.Hardware;

/**
 * swiotlb as dma-iommu uses it (§6.6): bounce slots that start on a granule boundary and span whole
 * granules ({@code alloc_align_mask = G-1}), with the padding around the buffer zeroed for untrusted
 * devices (and, unlike Linux, cleaned to memory for non-coherent ones) so the device sees nothing but
 * the buffer and zeros.
 */
final class IommuBounce {
    private final Hardware hw;
    private final Swiotlb swiotlb;
    private final Set<DeviceId> warnedInactive = new HashSet<>();

    IommuBounce(Hardware hw, Swiotlb swiotlb) {
        this.hw = hw;
        this.swiotlb = swiotlb;
    }

    /**
     * {@code dev_use_swiotlb(dev, size, dir)}: untrusted devices. (The kmalloc-bounce rule needs to
     * know a buffer came from a small kmalloc cache, which the model does not track.)
     */
    static boolean devUseSwiotlb(IommuDevice dev) {
        return dev.untrusted();
    }

    /**
     * {@code iommu_dma_map_swiotlb()}: bounces {@code [phys, phys + size)} into a granule-aligned slot
     * region and zeroes the pre- and post-padding for untrusted devices.
     *
     * @return the bounce address, or -1
     */
    long map(IommuDevice dev, long phys, long size, Direction dir, long attrs) {
        if (!swiotlb.active()) {
            if (warnedInactive.add(dev.id())) {
                hw.warn(dev.id() + ": DMA bounce buffers are inactive, unable to map unaligned transaction.");
            }
            return -1;
        }
        IommuDmaCookie cookie = dev.cookie();
        long tlb = swiotlb.mapSingle(dev.id(), phys, size, cookie.granule() - 1, dir, attrs);
        if (tlb == -1) {
            return -1;
        }
        if (dev.untrusted()) {
            long preStart = cookie.alignDownG(tlb);
            if (tlb != preStart) {
                zeroPadding(dev, preStart, tlb - preStart);
            }
            long postStart = tlb + size;
            long postEnd = cookie.alignG(postStart);
            if (postEnd != postStart) {
                zeroPadding(dev, postStart, postEnd - postStart);
            }
        }
        return tlb;
    }

    /**
     * The memset of the padding. Deliberate difference: for a non-coherent device the zeros are also
     * cleaned to memory. Linux cleans only the buffer ({@code arch_sync_dma_for_device(phys, size)}),
     * so the zeros can sit in the CPU cache while the device reads the slot's leftover data.
     */
    private void zeroPadding(IommuDevice dev, long start, long len) {
        hw.cpuFill(start, len, (byte) 0);
        if (!dev.coherent()) {
            hw.archSyncForDevice(start, len, Direction.TO_DEVICE);
        }
    }

    boolean isBounce(long phys) {
        return swiotlb.isBounceSlot(phys);
    }

    /** {@code swiotlb_tbl_unmap_single()}: copy back per direction unless SKIP_CPU_SYNC, release. */
    void unmap(IommuDevice dev, long tlb, long size, Direction dir, long attrs) {
        swiotlb.unmapSingle(dev.id(), tlb, size, dir, attrs);
    }

    /** {@code swiotlb_sync_single_for_cpu()}: a no-op unless {@code phys} is a bounce slot. */
    void syncForCpu(IommuDevice dev, long phys, long size, Direction dir) {
        if (swiotlb.isBounceSlot(phys)) {
            swiotlb.syncForCpu(dev.id(), phys, size, dir);
        }
    }

    /** {@code swiotlb_sync_single_for_device()}: a no-op unless {@code phys} is a bounce slot. */
    void syncForDevice(IommuDevice dev, long phys, long size, Direction dir) {
        if (swiotlb.isBounceSlot(phys)) {
            swiotlb.syncForDevice(dev.id(), phys, size, dir);
        }
    }
}
