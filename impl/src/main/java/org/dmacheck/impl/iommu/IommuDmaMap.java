package org.dmacheck.impl.iommu;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.DmaAttrs;
import org.dmacheck.spec.platform.Hardware;
import org.dmacheck.spec.platform.IommuHw;
import org.dmacheck.spec.platform.IommuProt;
import org.dmacheck.spec.platform.Unsigned;

/**
 * Single-buffer dma-iommu: {@code __iommu_dma_map}, {@code iommu_dma_map_phys},
 * {@code iommu_dma_unmap_phys} and the single syncs (§6.4, §6.7, §6.9).
 */
final class IommuDmaMap {
    private static final long ERR = DmaEngine.DMA_MAPPING_ERROR;

    private final Hardware hw;
    private final IommuBounce bounce;
    private final Set<DeviceId> warnedMinAlign = new HashSet<>();

    IommuDmaMap(Hardware hw, IommuBounce bounce) {
        this.hw = hw;
        this.bounce = bounce;
    }

    /**
     * {@code dma_info_to_prot(dir, coherent, attrs)}: MMIO gives {@code IOMMU_MMIO} and never
     * {@code IOMMU_CACHE}; otherwise a coherent device gets {@code IOMMU_CACHE}; PRIVILEGED adds
     * {@code IOMMU_PRIV}; the direction gives READ and/or WRITE.
     */
    static int dmaInfoToProt(Direction dir, boolean coherent, long attrs) {
        int prot;
        if (DmaAttrs.has(attrs, DmaAttrs.MMIO)) {
            prot = IommuProt.MMIO;
        } else {
            prot = coherent ? IommuProt.CACHE : 0;
        }
        if (DmaAttrs.has(attrs, DmaAttrs.PRIVILEGED)) {
            prot |= IommuProt.PRIV;
        }
        return switch (dir) {
            case BIDIRECTIONAL -> prot | IommuProt.READ | IommuProt.WRITE;
            case TO_DEVICE -> prot | IommuProt.READ;
            case FROM_DEVICE -> prot | IommuProt.WRITE;
            case NONE -> 0;
        };
    }

    /** Whether the device needs cache maintenance for a mapping with {@code attrs}. */
    static boolean needsCpuSync(IommuDevice dev, long attrs) {
        return !dev.coherent() && (attrs & (DmaAttrs.SKIP_CPU_SYNC | DmaAttrs.MMIO)) == 0;
    }

    /**
     * {@code __iommu_dma_map(dev, phys, size, prot, dma_mask)}: allocates {@code alignG(size + off)}
     * of IOVA, maps it to {@code phys - off} and returns {@code iova + off}. An IOMMU map failure
     * frees the IOVA at once.
     */
    long iommuDmaMap(IommuDevice dev, long phys, long size, int prot, long dmaMask, IovaMapping.Kind kind) {
        IommuDmaCookie cookie = dev.cookie();
        if (minAlignUnsupported(dev)) {
            return ERR;
        }
        if (!Unsigned.fits(phys, size)) {
            hw.warn(dev.id() + ": iommu_dma_map of " + Unsigned.hex(size) + " bytes at "
                    + Unsigned.hex(phys) + " is empty or wraps");
            return ERR;
        }
        long off = cookie.off(phys);
        long len = cookie.alignG(size + off);
        long iova = cookie.allocIova(dev, len, dmaMask);
        if (iova == 0) {
            return ERR;
        }
        if (cookie.map(iova, phys - off, len, prot) != 0) {
            cookie.freeIovaNow(iova);
            return ERR;
        }
        if (iova + off == ERR) {
            // Deliberate difference: with an aperture reaching 2^64-1, the last byte of the top
            // granule is DMA_MAPPING_ERROR itself. Linux returns it, the driver sees a failure and
            // the mapping leaks; the reference engine undoes the map and fails cleanly.
            cookie.unmapStrict(iova, len);
            cookie.freeIovaNow(iova);
            hw.warn(dev.id() + ": iommu_dma_map: IOVA " + Unsigned.hex(iova) + " + offset " + Unsigned.hex(off)
                    + " would be DMA_MAPPING_ERROR; mapping undone");
            return ERR;
        }
        cookie.record(IovaMapping.mapped(kind, dev.id(), iova >>> cookie.shift(), cookie.nodePages(iova),
                iova + off, size, List.of(new IovaMapping.Run(iova, len))));
        return iova + off;
    }

    /**
     * {@code dma_get_min_align_mask(dev) > iova_mask(iovad)}: "Unsupported alignment constraint"
     * (dev_WARN_ONCE) — the IOVA allocator cannot honour alignment beyond the granule.
     */
    boolean minAlignUnsupported(IommuDevice dev) {
        if (Unsigned.le(dev.config().minAlignMask(), dev.cookie().granule() - 1)) {
            return false;
        }
        if (warnedMinAlign.add(dev.id())) {
            hw.warn(dev.id() + ": Unsupported alignment constraint (min_align_mask "
                    + Unsigned.hex(dev.config().minAlignMask()) + " > IOVA granule mask "
                    + Unsigned.hex(dev.cookie().granule() - 1) + ")");
        }
        return true;
    }

    /**
     * {@code iommu_dma_map_phys()}: bounce untrusted devices' unaligned buffers (never MMIO), clean
     * the CPU cache for non-coherent devices, then {@code __iommu_dma_map}; on failure release the
     * bounce slot.
     */
    long mapPhys(IommuDevice dev, long phys, long size, Direction dir, long attrs) {
        IommuDmaCookie cookie = dev.cookie();
        if (size == 0) {
            hw.warn(dev.id() + ": dma_map_phys of 0 bytes at " + Unsigned.hex(phys));
            return ERR;
        }
        boolean mmio = DmaAttrs.has(attrs, DmaAttrs.MMIO);
        int prot = dmaInfoToProt(dir, dev.coherent(), attrs);
        // __iommu_dma_map refuses these devices anyway; checking first means nothing is bounced for nothing.
        if (minAlignUnsupported(dev)) {
            return ERR;
        }
        long target = phys;
        boolean bounced = false;
        if (IommuBounce.devUseSwiotlb(dev) && cookie.off(phys | size) != 0) {
            if (mmio) {
                return ERR;
            }
            target = bounce.map(dev, phys, size, dir, attrs);
            if (target == -1) {
                return ERR;
            }
            bounced = true;
        }
        if (needsCpuSync(dev, attrs)) {
            hw.archSyncForDevice(target, size, dir);
        }
        long iova = iommuDmaMap(dev, target, size, prot, dev.config().dmaMask(), IovaMapping.Kind.SINGLE);
        if (iova == ERR && bounced) {
            // Nothing was handed to the device: release without copying back.
            bounce.unmap(dev, target, size, dir, attrs | DmaAttrs.SKIP_CPU_SYNC);
        }
        return iova;
    }

    /**
     * {@code iommu_dma_unmap_phys()}: invalidate the CPU cache (non-coherent), unmap — strict or via
     * the flush queue — then copy back and release a bounce slot. The mapping is identified by its
     * address; cache maintenance and the bounce release use the size it was mapped with, so a wrong
     * size passed here is reported but never reaches a neighbour.
     */
    void unmapPhys(IommuDevice dev, long addr, long size, Direction dir, long attrs) {
        IommuDmaCookie cookie = dev.cookie();
        IovaMapping m = cookie.findContaining(addr);
        if (m == null || m.kind() != IovaMapping.Kind.SINGLE || !m.device().equals(dev.id())) {
            hw.warn(dev.id() + ": iommu_dma_unmap_phys: device tried to unmap DMA address "
                    + Unsigned.hex(addr) + " which it has not mapped");
            return;
        }
        IovaMapping.Run run = m.runs().get(0);
        if (addr != m.handle()) {
            hw.warn(dev.id() + ": iommu_dma_unmap_phys: DMA address " + Unsigned.hex(addr)
                    + " is not the start of the mapping at " + Unsigned.hex(m.handle()));
            return;
        }
        warnSizeMismatch(dev, "iommu_dma_unmap_phys", addr, size, m.size());
        long mapped = m.size();
        long phys = cookie.iommu().iovaToPhys(addr);
        if (phys == 0) {
            hw.warn(dev.id() + ": iommu_dma_unmap_phys: no translation for " + Unsigned.hex(addr));
            return;
        }
        if (needsCpuSync(dev, attrs)) {
            hw.archSyncForCpu(phys, mapped, dir);
        }
        long unmapped = cookie.unmapAndRelease(m);
        if (unmapped != run.len()) {
            hw.warn(dev.id() + ": iommu_dma_unmap: unmapped " + Unsigned.hex(unmapped) + " of "
                    + Unsigned.hex(run.len()) + " bytes at " + Unsigned.hex(run.iova()));
        }
        // The slot is released whatever the attrs say: an MMIO mapping is never bounced anyway.
        if (bounce.isBounce(phys)) {
            bounce.unmap(dev, phys, mapped, dir, attrs);
        }
    }

    void warnSizeMismatch(IommuDevice dev, String fn, long addr, long size, long mappedSize) {
        if (size != mappedSize) {
            hw.warn(dev.id() + ": " + fn + ": DMA address " + Unsigned.hex(addr) + " unmapped with size "
                    + Unsigned.hex(size) + " but mapped with size " + Unsigned.hex(mappedSize));
        }
    }

    /**
     * {@code iommu_dma_sync_single_for_cpu()}: nothing for a coherent device that never bounces;
     * else arch sync (non-coherent) then swiotlb sync, on what the IOVA translates to. The range is
     * walked granule by granule so a two-step range or a list stitched from several physical pieces
     * is synced where it really lives.
     */
    void syncSingleForCpu(IommuDevice dev, long addr, long size, Direction dir) {
        if (dev.coherent() && !IommuBounce.devUseSwiotlb(dev)) {
            return;
        }
        forEachPhysRun(dev, addr, size, "iommu_dma_sync_single_for_cpu", (phys, len) -> {
            if (!dev.coherent()) {
                hw.archSyncForCpu(phys, len, dir);
            }
            bounce.syncForCpu(dev, phys, len, dir);
        });
    }

    /** {@code iommu_dma_sync_single_for_device()}: swiotlb sync then arch sync. */
    void syncSingleForDevice(IommuDevice dev, long addr, long size, Direction dir) {
        if (dev.coherent() && !IommuBounce.devUseSwiotlb(dev)) {
            return;
        }
        forEachPhysRun(dev, addr, size, "iommu_dma_sync_single_for_device", (phys, len) -> {
            bounce.syncForDevice(dev, phys, len, dir);
            if (!dev.coherent()) {
                hw.archSyncForDevice(phys, len, dir);
            }
        });
    }

    /** A physically contiguous piece of an IOVA range. */
    @FunctionalInterface
    interface PhysRun {
        void accept(long phys, long len);
    }

    /**
     * Walks {@code [addr, addr + size)} through the page table, calling {@code action} once per
     * physically contiguous piece. The range must lie inside one live allocation of the device;
     * otherwise it is reported and nothing is touched. Cost is O(size / G), the range's own length.
     */
    void forEachPhysRun(IommuDevice dev, long addr, long size, String fn, PhysRun action) {
        IommuDmaCookie cookie = dev.cookie();
        IovaMapping m = cookie.findContaining(addr);
        long nodeLast = m == null ? 0 : ((m.pfn() + m.pages()) << cookie.shift()) - 1;
        if (m == null || !m.device().equals(dev.id()) || !Unsigned.rangeAtOrBelow(addr, size, nodeLast)) {
            hw.warn(dev.id() + ": " + fn + ": " + Unsigned.hex(size) + " bytes at " + Unsigned.hex(addr)
                    + " are not inside a live mapping of the device");
            return;
        }
        IommuHw iommu = cookie.iommu();
        long runPhys = 0;
        long runLen = 0;
        long cur = addr;
        long end = addr + size;
        while (cur != end) {
            long chunk = Math.min(end - cur, cookie.granule() - cookie.off(cur));
            long phys = iommu.iovaToPhys(cur);
            if (phys == 0) {
                hw.warn(dev.id() + ": " + fn + ": no translation for " + Unsigned.hex(cur));
                if (runLen != 0) {
                    action.accept(runPhys, runLen);
                    runLen = 0;
                }
            } else if (runLen != 0 && runPhys + runLen == phys) {
                runLen += chunk;
            } else {
                if (runLen != 0) {
                    action.accept(runPhys, runLen);
                }
                runPhys = phys;
                runLen = chunk;
            }
            cur += chunk;
        }
        if (runLen != 0) {
            action.accept(runPhys, runLen);
        }
    }
}
