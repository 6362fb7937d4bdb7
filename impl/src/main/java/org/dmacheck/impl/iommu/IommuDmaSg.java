package org.dmacheck.impl.iommu;

import java.util.ArrayList;
import java.util.List;
import org.dmacheck.impl.p2p.P2pDma;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.api.Errno;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.DmaAttrs;
import org.dmacheck.spec.platform.Hardware;
import org.dmacheck.spec.platform.P2pMapType;
import org.dmacheck.spec.platform.Unsigned;

/**
 * Scatter-gather dma-iommu (§6.8, §6.9): {@code iommu_dma_map_sg} with its layout pass, one IOVA
 * for the whole list and {@code __finalise_sg}; the per-entry swiotlb path for untrusted devices;
 * {@code iommu_dma_unmap_sg}; and the sg syncs. Every pass is O(nents).
 */
final class IommuDmaSg {
    private static final long ERR = DmaEngine.DMA_MAPPING_ERROR;

    private final Hardware hw;
    private final IommuDmaMap single;

    IommuDmaSg(Hardware hw, IommuDmaMap single) {
        this.hw = hw;
        this.single = single;
    }

    /** The P2P class of every entry ({@code pci_p2pdma_state} per entry). */
    private P2pDma.P2pClass[] classify(IommuDevice dev, Scatterlist sgl, int nents) {
        P2pDma.P2pClass[] cls = new P2pDma.P2pClass[nents];
        for (int i = 0; i < nents; i++) {
            cls[i] = P2pDma.classify(hw, dev.id(), sgl.get(i).phys());
        }
        return cls;
    }

    /**
     * A {@code NOT_SUPPORTED} entry, or (unlike Linux, which does not check) a bus-address entry
     * beyond the device's {@code min_not_zero(dma_mask, bus_dma_limit)}: P2P memory the device
     * cannot reach.
     */
    private static boolean unsupported(IommuDevice dev, Scatterlist sgl, P2pDma.P2pClass[] cls) {
        for (int i = 0; i < cls.length; i++) {
            Scatterlist.Entry s = sgl.get(i);
            if (cls[i].type() == P2pMapType.NOT_SUPPORTED || !cls[i].busReachable(dev.config(), s.phys(), s.length())) {
                return true;
            }
        }
        return false;
    }

    /** Host-bridge P2P memory is mapped with MMIO semantics. */
    private static long entryAttrs(P2pDma.P2pClass c, long attrs) {
        return c.type() == P2pMapType.THRU_HOST_BRIDGE ? attrs | DmaAttrs.MMIO : attrs;
    }

    /**
     * {@code iommu_dma_map_sg()}. Classification happens before anything else, so a
     * {@code NOT_SUPPORTED} entry or an unreachable bus address fails the call ({@code -EREMOTEIO}) with nothing touched.
     */
    int mapSg(IommuDevice dev, Scatterlist sgl, int nents, Direction dir, long attrs) {
        P2pDma.P2pClass[] cls = classify(dev, sgl, nents);
        if (unsupported(dev, sgl, cls)) {
            invalidate(sgl, nents);
            return -Errno.EREMOTEIO;
        }
        if (IommuBounce.devUseSwiotlb(dev)) {
            return mapSgSwiotlb(dev, sgl, nents, dir, attrs, cls);
        }
        IommuDmaCookie cookie = dev.cookie();
        if (!DmaAttrs.has(attrs, DmaAttrs.SKIP_CPU_SYNC) && !dev.coherent()) {
            syncEntries(sgl, nents, cls, true, dir);
        }

        // Layout pass: granule-align every entry, pad so no entry straddles a segment boundary.
        long mask = dev.config().segBoundaryMask();
        long[] sOff = new long[nents];
        long[] sIovaLen = new long[nents];
        long iovaLen = 0;
        int prev = -1;
        for (int i = 0; i < nents; i++) {
            if (cls[i].type() == P2pMapType.BUS_ADDR) {
                continue;
            }
            Scatterlist.Entry s = sgl.get(i);
            sOff[i] = cookie.off(s.phys());
            long sLength = cookie.alignG(s.length() + sOff[i]);
            long padLen = (mask - iovaLen + 1) & mask;
            // The single IOVA is size-aligned: when the mask is smaller than the whole list the list
            // starts on a boundary, so laying entries out by length alone keeps them off boundaries.
            if (padLen != 0 && Unsigned.lt(padLen, sLength - 1)) {
                sIovaLen[prev] += padLen;
                iovaLen += padLen;
            }
            sIovaLen[i] = sLength;
            iovaLen += sLength;
            prev = i;
        }
        if (iovaLen == 0) {
            return finalise(dev, sgl, nents, cls, sOff, sIovaLen, 0);
        }

        long iova = cookie.allocIova(dev, iovaLen, dev.config().dmaMask());
        if (iova == 0) {
            invalidate(sgl, nents);
            return -Errno.ENOMEM;
        }
        // iommu_map_sg(): each entry at its place in the IOVA. Linux maps a padded entry's padding to
        // whatever physical memory follows it; here the padding granules stay unmapped, so the device
        // reaches nothing beyond the list.
        List<IovaMapping.Run> runs = new ArrayList<>();
        long cursor = iova;
        for (int i = 0; i < nents; i++) {
            if (cls[i].type() == P2pMapType.BUS_ADDR) {
                continue;
            }
            Scatterlist.Entry s = sgl.get(i);
            long len = cookie.alignG(s.length() + sOff[i]);
            int prot = IommuDmaMap.dmaInfoToProt(dir, dev.coherent(), entryAttrs(cls[i], attrs));
            if (cookie.map(cursor, s.phys() - sOff[i], len, prot) != 0) {
                for (IovaMapping.Run r : runs) {
                    cookie.unmapStrict(r.iova(), r.len());
                }
                cookie.freeIovaNow(iova);
                invalidate(sgl, nents);
                // Error normalisation: anything but -ENOMEM / -EREMOTEIO becomes -EINVAL.
                return -Errno.EINVAL;
            }
            addRun(runs, cursor, len);
            cursor += sIovaLen[i];
        }
        int count = finalise(dev, sgl, nents, cls, sOff, sIovaLen, iova);
        if (segmentAtMappingError(sgl, count)) {
            // Deliberate difference: a one-byte segment in the last byte of a 2^64 aperture would carry
            // DMA_MAPPING_ERROR as its address, indistinguishable from an unused slot; undone.
            for (IovaMapping.Run r : runs) {
                cookie.unmapStrict(r.iova(), r.len());
            }
            cookie.freeIovaNow(iova);
            invalidate(sgl, nents);
            hw.warn(dev.id() + ": iommu_dma_map_sg: a segment would start at DMA_MAPPING_ERROR; mapping undone");
            return -Errno.EINVAL;
        }
        cookie.record(IovaMapping.mapped(IovaMapping.Kind.SG, dev.id(), iova >>> cookie.shift(),
                cookie.nodePages(iova), firstIovaSegment(sgl, count), iovaLen, runs));
        return count;
    }

    private static boolean segmentAtMappingError(Scatterlist sgl, int count) {
        for (int i = 0; i < count; i++) {
            if (!sgl.get(i).isBusAddress() && sgl.get(i).dmaAddress() == ERR) {
                return true;
            }
        }
        return false;
    }

    private static void addRun(List<IovaMapping.Run> runs, long iova, long len) {
        if (!runs.isEmpty() && runs.get(runs.size() - 1).end() == iova) {
            IovaMapping.Run last = runs.remove(runs.size() - 1);
            runs.add(new IovaMapping.Run(last.iova(), last.len() + len));
        } else {
            runs.add(new IovaMapping.Run(iova, len));
        }
    }

    private static long firstIovaSegment(Scatterlist sgl, int count) {
        for (int i = 0; i < count; i++) {
            if (!sgl.get(i).isBusAddress()) {
                return sgl.get(i).dmaAddress();
            }
        }
        return ERR;
    }

    /**
     * {@code __finalise_sg(dev, sg, nents, dma_addr)}: builds the output segments at the head of the
     * list. An entry is appended to the current segment iff the segment is non-empty, the entry
     * starts on a granule, the IOVA cursor is not on a segment boundary and the sum stays within
     * max_seg_size; after an entry that does not fill its granules, merging stops. Bus-address
     * entries are segments of their own. Every other slot gets {@code DMA_MAPPING_ERROR}/0.
     */
    private int finalise(IommuDevice dev, Scatterlist sgl, int nents, P2pDma.P2pClass[] cls, long[] sOff,
                         long[] sIovaLen, long dmaAddr) {
        long segMask = dev.config().segBoundaryMask();
        long maxLen = dev.config().maxSegSize();
        long[] outAddr = new long[nents];
        long[] outLen = new long[nents];
        boolean[] outBus = new boolean[nents];
        int count = 0;
        int cur = -1;
        long curLen = 0;
        long cursor = dmaAddr;
        for (int i = 0; i < nents; i++) {
            Scatterlist.Entry s = sgl.get(i);
            if (cls[i].type() == P2pMapType.BUS_ADDR) {
                cur = count++;
                outAddr[cur] = cls[i].busAddr(s.phys());
                // iommu_dma_map_sg() sets sg_dma_len from the list head (sg->length), not the entry
                // (s->length): §14.2 quirk 2. The entry's own length is the right one.
                outLen[cur] = s.length();
                outBus[cur] = true;
                curLen = 0;
                continue;
            }
            long sLength = s.length();
            // 64-bit arithmetic: the u32 form of this test let merged lengths wrap (example 17), and a
            // first entry longer than max_seg_size must not make the difference wrap either.
            if (curLen != 0 && sOff[i] == 0 && (cursor & segMask) != 0 && maxLen - curLen >= sLength) {
                curLen += sLength;
            } else {
                cur = count++;
                curLen = sLength;
                outAddr[cur] = cursor + sOff[i];
            }
            outLen[cur] = curLen;
            cursor += sIovaLen[i];
            if (sLength + sOff[i] < sIovaLen[i]) {
                curLen = 0;
            }
        }
        for (int i = 0; i < nents; i++) {
            Scatterlist.Entry s = sgl.get(i);
            if (i < count) {
                s.setDma(outAddr[i], outLen[i]);
                s.setDmaFlags(outBus[i] ? Scatterlist.SG_DMA_BUS_ADDRESS : 0);
            } else {
                s.setDma(ERR, 0);
                s.setDmaFlags(0);
            }
        }
        return count;
    }

    /** {@code __invalidate_sg()}: every entry back to {@code DMA_MAPPING_ERROR}/0 with no flags. */
    private static void invalidate(Scatterlist sgl, int nents) {
        for (int i = 0; i < nents; i++) {
            sgl.get(i).setDma(ERR, 0);
            sgl.get(i).setDmaFlags(0);
        }
    }

    /**
     * {@code iommu_dma_map_sg_swiotlb()}: the list is marked {@code SG_DMA_SWIOTLB} and every entry
     * becomes its own single mapping (bounced when unaligned); a failure unmaps the entries mapped so
     * far and returns {@code -EIO}. Unlike Linux, P2P entries keep their classification here too
     * (bus addresses stay bus addresses, host-bridge memory is mapped as MMIO), and a failed list is
     * fully invalidated instead of keeping the swiotlb mark.
     */
    private int mapSgSwiotlb(IommuDevice dev, Scatterlist sgl, int nents, Direction dir, long attrs,
                             P2pDma.P2pClass[] cls) {
        for (int i = 0; i < nents; i++) {
            Scatterlist.Entry s = sgl.get(i);
            int flags = i == 0 ? Scatterlist.SG_DMA_SWIOTLB : 0;
            if (cls[i].type() == P2pMapType.BUS_ADDR) {
                s.setDma(cls[i].busAddr(s.phys()), s.length());
                s.setDmaFlags(flags | Scatterlist.SG_DMA_BUS_ADDRESS);
                continue;
            }
            long addr = single.mapPhys(dev, s.phys(), s.length(), dir, entryAttrs(cls[i], attrs));
            if (addr == ERR) {
                unmapSgSwiotlb(dev, sgl, i, dir, attrs | DmaAttrs.SKIP_CPU_SYNC);
                invalidate(sgl, nents);
                return -Errno.EIO;
            }
            s.setDma(addr, s.length());
            s.setDmaFlags(flags);
        }
        return nents;
    }

    /** {@code iommu_dma_unmap_sg_swiotlb()}: every entry is its own mapping. */
    private void unmapSgSwiotlb(IommuDevice dev, Scatterlist sgl, int nents, Direction dir, long attrs) {
        for (int i = 0; i < nents; i++) {
            Scatterlist.Entry s = sgl.get(i);
            if (s.isBusAddress()) {
                continue;
            }
            long entryAttrs = entryAttrs(P2pDma.classify(hw, dev.id(), s.phys()), attrs);
            single.unmapPhys(dev, s.dmaAddress(), s.dmaLength(), dir, entryAttrs);
        }
    }

    /**
     * {@code iommu_dma_unmap_sg()}: per-entry for a swiotlb list; otherwise invalidate the CPU
     * cache, find the first and last IOVA segments (skipping bus addresses, clearing their flag) and
     * release the single IOVA range of the list.
     */
    void unmapSg(IommuDevice dev, Scatterlist sgl, int nents, Direction dir, long attrs) {
        if ((sgl.get(0).dmaFlags() & Scatterlist.SG_DMA_SWIOTLB) != 0) {
            unmapSgSwiotlb(dev, sgl, nents, dir, attrs);
            for (int i = 0; i < nents; i++) {
                sgl.get(i).setDmaFlags(0);
            }
            return;
        }
        if (!DmaAttrs.has(attrs, DmaAttrs.SKIP_CPU_SYNC) && !dev.coherent()) {
            syncEntries(sgl, nents, classify(dev, sgl, nents), false, dir);
        }
        long start = 0;
        long end = 0;
        boolean found = false;
        for (int i = 0; i < nents; i++) {
            Scatterlist.Entry s = sgl.get(i);
            if (s.isBusAddress()) {
                s.setDmaFlags(s.dmaFlags() & ~Scatterlist.SG_DMA_BUS_ADDRESS);
                continue;
            }
            if (s.dmaLength() == 0) {
                break;
            }
            if (!found) {
                start = s.dmaAddress();
                found = true;
            }
            end = s.dmaAddress() + s.dmaLength();
        }
        if (!found) {
            return;
        }
        IommuDmaCookie cookie = dev.cookie();
        IovaMapping m = cookie.findContaining(start);
        if (m == null || m.kind() != IovaMapping.Kind.SG || !m.device().equals(dev.id())) {
            hw.warn(dev.id() + ": iommu_dma_unmap_sg: device tried to unmap DMA address " + Unsigned.hex(start)
                    + " which it has not mapped as a scatterlist");
            return;
        }
        if (start != m.handle()) {
            hw.warn(dev.id() + ": iommu_dma_unmap_sg: first segment " + Unsigned.hex(start)
                    + " is not the start of the mapping at " + Unsigned.hex(m.handle()));
            return;
        }
        long mappedEnd = m.runs().get(m.runs().size() - 1).end();
        if (Unsigned.lt(mappedEnd, end)) {
            hw.warn(dev.id() + ": iommu_dma_unmap_sg: segments end at " + Unsigned.hex(end)
                    + " beyond the mapping's end " + Unsigned.hex(mappedEnd));
        }
        cookie.unmapAndRelease(m);
    }

    /** {@code iommu_dma_sync_sg_for_cpu()}. */
    void syncSgForCpu(IommuDevice dev, Scatterlist sgl, int nents, Direction dir) {
        syncSg(dev, sgl, nents, dir, false);
    }

    /** {@code iommu_dma_sync_sg_for_device()}. */
    void syncSgForDevice(IommuDevice dev, Scatterlist sgl, int nents, Direction dir) {
        syncSg(dev, sgl, nents, dir, true);
    }

    /**
     * A swiotlb list syncs entry by entry as single mappings (DMA address, CPU length); otherwise a
     * non-coherent device gets arch cache maintenance on the CPU side, and a coherent one nothing.
     */
    private void syncSg(IommuDevice dev, Scatterlist sgl, int nents, Direction dir, boolean forDevice) {
        if ((sgl.get(0).dmaFlags() & Scatterlist.SG_DMA_SWIOTLB) != 0) {
            for (int i = 0; i < nents; i++) {
                Scatterlist.Entry s = sgl.get(i);
                if (s.isBusAddress()) {
                    continue;
                }
                if (forDevice) {
                    single.syncSingleForDevice(dev, s.dmaAddress(), s.length(), dir);
                } else {
                    single.syncSingleForCpu(dev, s.dmaAddress(), s.length(), dir);
                }
            }
        } else if (!dev.coherent()) {
            syncEntries(sgl, nents, classify(dev, sgl, nents), forDevice, dir);
        }
    }

    /** Arch cache maintenance on the CPU side of every RAM entry; P2P memory is never maintained. */
    private void syncEntries(Scatterlist sgl, int nents, P2pDma.P2pClass[] cls, boolean forDevice, Direction dir) {
        for (int i = 0; i < nents; i++) {
            if (cls[i].type() != P2pMapType.NONE) {
                continue;
            }
            Scatterlist.Entry s = sgl.get(i);
            if (forDevice) {
                hw.archSyncForDevice(s.phys(), s.length(), dir);
            } else {
                hw.archSyncForCpu(s.phys(), s.length(), dir);
            }
        }
    }
}
