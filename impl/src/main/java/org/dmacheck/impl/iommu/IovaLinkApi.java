package org.dmacheck.impl.iommu;

import org.dmacheck.spec.api.DmaIovaState;
import org.dmacheck.spec.api.Errno;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.DmaAttrs;
import org.dmacheck.spec.platform.Hardware;
import org.dmacheck.spec.platform.Unsigned;

/**
 * The two-step IOVA API (§7, {@code dma_iova_*} in {@code dma-iommu.c}): reserve IOVA up front, link
 * physical ranges into it without IOTLB syncs, sync once, unlink (always strict) and free or
 * destroy (which honours the domain's lazy mode).
 *
 * <p>Every call after {@code try_alloc} must name a live reservation of the same device; anything
 * else (a freed, destroyed or foreign state) is refused with {@link IllegalArgumentException}.
 * Ranges are checked to lie inside the reservation, so a bad offset cannot touch another mapping.
 */
final class IovaLinkApi {
    private final Hardware hw;
    private final IommuBounce bounce;

    IovaLinkApi(Hardware hw, IommuBounce bounce) {
        this.hw = hw;
        this.bounce = bounce;
    }

    /**
     * {@code dma_iova_try_alloc()}: zeroes the state, then reserves {@code alignG(size + off(phys))}
     * below the DMA mask (32-bit first for PCI devices); {@code state->addr} keeps {@code off(phys)}.
     */
    boolean tryAlloc(IommuDevice dev, DmaIovaState state, long phys, long size) {
        state.clear();
        if (size == 0) {
            hw.warn(dev.id() + ": dma_iova_try_alloc: size 0");
            return false;
        }
        if ((size & DmaIovaState.USE_SWIOTLB) != 0) {
            hw.warn(dev.id() + ": dma_iova_try_alloc: size " + Unsigned.hex(size) + " has DMA_IOVA_USE_SWIOTLB set");
            return false;
        }
        IommuDmaCookie cookie = dev.cookie();
        long off = cookie.off(phys);
        long len = cookie.alignG(size + off);
        long iova = cookie.allocIova(dev, len, dev.config().dmaMask());
        if (iova == 0) {
            return false;
        }
        cookie.record(IovaMapping.iovaState(dev.id(), iova >>> cookie.shift(), cookie.nodePages(iova),
                iova + off, size));
        state.set(iova + off, size);
        return true;
    }

    /** The live reservation behind {@code state}, or an exception naming what is wrong. */
    private IovaMapping reservation(IommuDevice dev, DmaIovaState state, String fn) {
        if (!state.inUse()) {
            throw new IllegalArgumentException(fn + ": state " + state + " of device " + dev.id()
                    + " holds no IOVA (dma_iova_try_alloc failed or was not called)");
        }
        IommuDmaCookie cookie = dev.cookie();
        IovaMapping m = cookie.at(state.addr() >>> cookie.shift());
        if (m == null || m.kind() != IovaMapping.Kind.IOVA_STATE || !m.device().equals(dev.id())
                || m.handle() != state.addr() || m.size() != state.size()) {
            throw new IllegalArgumentException(fn + ": state " + state + " is not a live dma_iova_try_alloc"
                    + " reservation of device " + dev.id() + " (freed, destroyed or foreign)");
        }
        return m;
    }

    /** Whether {@code [offset, offset + size)} lies inside the reserved size; warns if not. */
    private boolean inside(IommuDevice dev, DmaIovaState state, long offset, long size, String fn) {
        if (size != 0 && Unsigned.le(offset, state.size()) && Unsigned.le(size, state.size() - offset)) {
            return true;
        }
        hw.warn(dev.id() + ": " + fn + ": range " + Unsigned.hex(offset) + "+" + Unsigned.hex(size)
                + " is empty or outside the IOVA state of size " + Unsigned.hex(state.size()));
        return false;
    }

    /**
     * {@code dma_iova_link()}: a physical range at {@code offset} into the reservation, PTEs written
     * with {@code iommu_map_nosync} so nothing is visible to the device before {@code dma_iova_sync}.
     */
    int link(IommuDevice dev, DmaIovaState state, long phys, long offset, long size, Direction dir, long attrs) {
        IovaMapping m = reservation(dev, state, "dma_iova_link");
        IommuDmaCookie cookie = dev.cookie();
        long startPad = cookie.off(phys);
        if (startPad != 0 && offset > 0) {
            hw.warn(dev.id() + ": dma_iova_link: phys " + Unsigned.hex(phys) + " is not granule aligned at offset "
                    + Unsigned.hex(offset));
            return -Errno.EIO;
        }
        if (!inside(dev, state, offset, size, "dma_iova_link") || !Unsigned.fits(phys, size)) {
            return -Errno.EINVAL;
        }
        int ret;
        if (IommuBounce.devUseSwiotlb(dev) && cookie.off(phys | size) != 0) {
            if (DmaAttrs.has(attrs, DmaAttrs.MMIO)) {
                return -Errno.EPERM;
            }
            ret = linkSwiotlb(dev, m, state, phys, offset, size, dir, attrs);
        } else {
            ret = linkRange(dev, m, state.addr() + offset - startPad, phys - startPad,
                    cookie.alignG(size + startPad), dir, attrs);
        }
        return ret;
    }

    /** {@code __dma_iova_link()}: clean the CPU cache (non-coherent, not skipped, not MMIO), map nosync. */
    private int linkRange(IommuDevice dev, IovaMapping m, long addr, long phys, long len, Direction dir, long attrs) {
        if (IommuDmaMap.needsCpuSync(dev, attrs)) {
            hw.archSyncForDevice(phys, len, dir);
        }
        int prot = IommuDmaMap.dmaInfoToProt(dir, dev.coherent(), attrs);
        int ret = dev.cookie().mapNoSync(addr, phys, len, prot);
        if (ret == 0) {
            m.addLinked(len);
        }
        return ret;
    }

    /**
     * {@code iommu_dma_iova_link_swiotlb()}: bounce the unaligned head (up to the first granule
     * boundary) and tail, link the aligned middle in place. This is the fixed form (Linux 7.0 stable,
     * "iommu_dma_iova_link_swiotlb: ... avoid mapping an empty middle"): an empty middle is skipped,
     * and a failure unlinks what this call linked starting at {@code offset} — the original code
     * unlinked from offset 0 (§14.2 quirk 3), tearing down a neighbouring link.
     *
     * <p>The head is linked at {@code bounce - off(phys)}, so it only works when the bounce slot keeps
     * {@code off(phys)} — i.e. when the device's min_align_mask covers the granule offset (NVMe's
     * 0xFFF with 4 KiB granules); otherwise the IOMMU refuses the misaligned map, as in Linux.
     */
    private int linkSwiotlb(IommuDevice dev, IovaMapping m, DmaIovaState state, long phys, long offset, long size,
                            Direction dir, long attrs) {
        IommuDmaCookie cookie = dev.cookie();
        long startPad = cookie.off(phys);
        long endPad = cookie.off(phys + size);
        long addr = state.addr() + offset;
        long mapped = 0;
        long left = size;
        int err;
        if (startPad != 0) {
            long bounceLen = Math.min(left, cookie.granule() - startPad);
            err = bounceAndLink(dev, m, addr, phys, bounceLen, dir, attrs, startPad);
            if (err != 0) {
                return err;
            }
            state.markSwiotlb();
            mapped += bounceLen;
            left -= bounceLen;
            if (left == 0) {
                return 0;
            }
        }
        left -= endPad;
        if (left != 0) {
            err = linkRange(dev, m, addr + mapped, phys + mapped, left, dir, attrs);
            if (err != 0) {
                return unwind(dev, state, offset, mapped, dir, attrs, err);
            }
            mapped += left;
        }
        if (endPad != 0) {
            err = bounceAndLink(dev, m, addr + mapped, phys + mapped, endPad, dir, attrs, 0);
            if (err != 0) {
                return unwind(dev, state, offset, mapped, dir, attrs, err);
            }
            state.markSwiotlb();
        }
        return 0;
    }

    private int unwind(IommuDevice dev, DmaIovaState state, long offset, long mapped, Direction dir, long attrs,
                       int err) {
        if (mapped != 0) {
            unlink(dev, state, offset, mapped, dir, attrs);
        }
        return err;
    }

    /** {@code iommu_dma_iova_bounce_and_link()}: one granule of bounce slot linked at {@code addr - pad}. */
    private int bounceAndLink(IommuDevice dev, IovaMapping m, long addr, long phys, long bounceLen, Direction dir,
                              long attrs, long startPad) {
        IommuDmaCookie cookie = dev.cookie();
        long bouncePhys = bounce.map(dev, phys, bounceLen, dir, attrs);
        if (bouncePhys == -1) {
            return -Errno.ENOMEM;
        }
        int err = linkRange(dev, m, addr - startPad, bouncePhys - startPad, cookie.alignG(bounceLen), dir, attrs);
        if (err != 0) {
            bounce.unmap(dev, bouncePhys, bounceLen, dir, attrs | DmaAttrs.SKIP_CPU_SYNC);
        }
        return err;
    }

    /** {@code dma_iova_sync()}: {@code iommu_sync_map} over the granules of the range. */
    int sync(IommuDevice dev, DmaIovaState state, long offset, long size) {
        reservation(dev, state, "dma_iova_sync");
        if (!inside(dev, state, offset, size, "dma_iova_sync")) {
            return -Errno.EINVAL;
        }
        IommuDmaCookie cookie = dev.cookie();
        long addr = state.addr() + offset;
        long startPad = cookie.off(addr);
        return cookie.iommu().syncMap(addr - startPad, cookie.alignG(size + startPad));
    }

    /** {@code dma_iova_unlink()}: always strict — PTEs cleared and the IOTLB synced now. */
    void unlink(IommuDevice dev, DmaIovaState state, long offset, long size, Direction dir, long attrs) {
        IovaMapping m = reservation(dev, state, "dma_iova_unlink");
        if (inside(dev, state, offset, size, "dma_iova_unlink")) {
            unlinkRange(dev, state, m, offset, size, dir, attrs, false);
        }
    }

    /**
     * {@code __iommu_dma_iova_unlink(dev, state, offset, size, dir, attrs, free_iova)}: the slow path
     * when needed, then the PTEs over the granules of the range. Without {@code freeIova} the IOTLB
     * is synced now (unlink is never lazy); with it the reservation is released as the domain does it
     * (strict: sync then free, lazy: flush queue) — unless links remain outside the range, in which
     * case the IOVA is kept so no live PTE ends up in free space.
     */
    private void unlinkRange(IommuDevice dev, DmaIovaState state, IovaMapping m, long offset, long size,
                             Direction dir, long attrs, boolean freeIova) {
        String fn = freeIova ? "dma_iova_destroy" : "dma_iova_unlink";
        IommuDmaCookie cookie = dev.cookie();
        long addr = state.addr() + offset;
        long startPad = cookie.off(addr);
        long base = addr - startPad;
        long len = cookie.alignG(size + startPad);
        unlinkSlowPath(dev, state, addr, size, dir, attrs);
        long unmapped = cookie.unmapFast(base, len);
        m.addLinked(-unmapped);
        if (unmapped != len) {
            hw.warn(dev.id() + ": " + fn + ": unmapped " + Unsigned.hex(unmapped) + " of " + Unsigned.hex(len)
                    + " bytes at " + Unsigned.hex(base));
        }
        if (freeIova && m.linkedBytes() == 0) {
            cookie.release(m, base, len);
            return;
        }
        cookie.iommu().iotlbSync(base, len);
        if (freeIova) {
            refuseWithLinks(dev, m, fn);
        }
    }

    /**
     * {@code iommu_dma_iova_unlink_range_slow()}: needed when the state used swiotlb or the device is
     * non-coherent and the sync is not skipped. Per granule: invalidate the CPU cache over the piece
     * (not for MMIO, which is never cache-maintained: §14.2 quirk 10) and release a bounce slot.
     * An unmapped granule is reported and skipped (the original loop spun on it forever).
     */
    private void unlinkSlowPath(IommuDevice dev, DmaIovaState state, long addr, long size, Direction dir,
                                long attrs) {
        boolean cpuSync = !dev.coherent() && !DmaAttrs.has(attrs, DmaAttrs.SKIP_CPU_SYNC);
        if (!state.usesSwiotlb() && !cpuSync) {
            return;
        }
        boolean maintain = cpuSync && !DmaAttrs.has(attrs, DmaAttrs.MMIO);
        IommuDmaCookie cookie = dev.cookie();
        long end = addr + size;
        long cur = addr;
        while (cur != end) {
            long len = Math.min(end - cur, cookie.granule() - cookie.off(cur));
            long phys = cookie.iommu().iovaToPhys(cur);
            if (phys == 0) {
                hw.warn(dev.id() + ": dma_iova_unlink: no translation for " + Unsigned.hex(cur));
            } else {
                if (maintain) {
                    hw.archSyncForCpu(phys, len, dir);
                }
                if (bounce.isBounce(phys)) {
                    bounce.unmap(dev, phys, len, dir, attrs);
                }
            }
            cur += len;
        }
    }

    /** {@code dma_iova_free()}: the whole reservation, immediately (never through the flush queue). */
    void free(IommuDevice dev, DmaIovaState state) {
        IovaMapping m = reservation(dev, state, "dma_iova_free");
        if (m.linkedBytes() != 0) {
            refuseWithLinks(dev, m, "dma_iova_free");
            return;
        }
        dev.cookie().releaseNow(m);
    }

    /**
     * {@code dma_iova_destroy()}: unlink {@code [0, mapped_len)} and free the reservation; in a lazy
     * domain the IOVA goes through the flush queue. The whole reservation is released, whatever
     * {@code mapped_len} is (Linux derives the freed size from {@code mapped_len}: §14.2 quirk 4).
     */
    void destroy(IommuDevice dev, DmaIovaState state, long mappedLen, Direction dir, long attrs) {
        IovaMapping m = reservation(dev, state, "dma_iova_destroy");
        if (mappedLen == 0) {
            free(dev, state);
            return;
        }
        if (inside(dev, state, 0, mappedLen, "dma_iova_destroy")) {
            unlinkRange(dev, state, m, 0, mappedLen, dir, attrs, true);
        }
    }

    private void refuseWithLinks(IommuDevice dev, IovaMapping m, String fn) {
        hw.warn(dev.id() + ": " + fn + ": " + Unsigned.hex(m.linkedBytes()) + " bytes are still linked at "
                + Unsigned.hex(m.handle()) + "; the IOVA is kept so no live PTE lands in free space");
    }
}
