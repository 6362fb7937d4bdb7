package org.dmacheck.impl.direct;

import java.util.HashMap;
import java.util.Map;
import org.dmacheck.impl.addressing.DmaAddressing;
import org.dmacheck.impl.direct.LiveMappings.Mapping;
import org.dmacheck.impl.p2p.P2pDma;
import org.dmacheck.impl.swiotlb.Swiotlb;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.api.Errno;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.DmaAttrs;
import org.dmacheck.spec.platform.Hardware;
import org.dmacheck.spec.platform.Unsigned;

/**
 * dma-direct ({@code kernel/dma/direct.c}, §3) as of v6.18 with the v7.0 ordering of
 * {@code dma_direct_map_phys}: forced bounce first (MMIO then fails), MMIO at its physical address
 * without translation or bounce, RAM through {@code dma_range_map} and bounced through swiotlb when
 * the device cannot reach it. MMIO the device's {@code dma_range_map} does not map onto itself is
 * refused (Linux hands out the unreachable address). Non-coherent devices get {@code arch_sync_dma_for_device/for_cpu}
 * unless SKIP_CPU_SYNC or MMIO.
 *
 * <p>Not modelled: the kmalloc bounce rule ({@code CONFIG_DMA_BOUNCE_UNALIGNED_KMALLOC}; buffers are
 * not known to come from kmalloc), memory encryption bits, 32-bit {@code dma_addr_t}.
 *
 * <p>Unlike Linux, the path remembers its live mappings (as dma-debug does), so an unmap or sync of
 * an address that is not mapped is refused with a warning instead of maintaining caches or
 * releasing slots of memory the call does not own.
 */
public final class DmaDirect {
    private final Hardware hw;
    private final Swiotlb swiotlb;
    private final Map<DeviceId, LiveMappings> live = new HashMap<>();

    public DmaDirect(Hardware hw, Swiotlb swiotlb) {
        this.hw = hw;
        this.swiotlb = swiotlb;
    }

    /** Live streaming mappings of the device on this path (sg entries count one each). */
    public int liveMappings(DeviceId dev) {
        LiveMappings m = live.get(dev);
        return m == null ? 0 : m.size();
    }

    /** {@code dma_direct_map_phys(dev, phys, size, dir, attrs)} (§3.4). */
    public long mapPhys(DeviceId dev, long phys, long size, Direction dir, long attrs) {
        DeviceConfig cfg = hw.device(dev);
        boolean mmio = DmaAttrs.has(attrs, DmaAttrs.MMIO);
        if (!Unsigned.fits(phys, size)) {
            hw.warn(dev + ": dma_map_phys of " + Unsigned.hex(phys) + " size " + Unsigned.hex(size)
                    + ": empty or wrapping range");
            return DmaEngine.DMA_MAPPING_ERROR;
        }
        if (cfg.forceBounce()) {
            // v7.0: MMIO cannot be bounced, so a forced-bounce device cannot map it at all
            return mmio ? DmaEngine.DMA_MAPPING_ERROR : bounce(dev, cfg, phys, size, dir, attrs);
        }
        if (mmio) {
            // MMIO: DMA address = phys, no dma_range_map translation, never bounced, no cache maintenance
            if (!DmaAddressing.dmaCapable(cfg, phys, size)) {
                return overflow(dev, cfg, phys, size);
            }
            // deliberate difference: Linux hands out phys even when the device's dma_range_map sends
            // that address elsewhere or nowhere (bug-classes #34); refused like a dma_capable failure
            if (!DmaAddressing.reachesIdentity(cfg, phys, size)) {
                hw.warn(dev + ": DMA addr " + Unsigned.hex(phys) + "+" + Long.toUnsignedString(size)
                        + " of MMIO is not reachable through the device's dma_range_map");
                return DmaEngine.DMA_MAPPING_ERROR;
            }
            return record(dev, new Mapping(phys, size, phys, true, false));
        }
        long dma = DmaAddressing.physRangeToDma(cfg, phys, size);
        if (!DmaAddressing.dmaCapable(cfg, dma, size)) {
            if (swiotlb.active()) {
                return bounce(dev, cfg, phys, size, dir, attrs);
            }
            return overflow(dev, cfg, dma == DmaEngine.DMA_MAPPING_ERROR ? phys : dma, size);
        }
        if (!cfg.coherent() && !DmaAttrs.has(attrs, DmaAttrs.SKIP_CPU_SYNC)) {
            hw.archSyncForDevice(phys, size, dir);
        }
        return record(dev, new Mapping(dma, size, phys, false, false));
    }

    /** {@code swiotlb_map(dev, phys, size, dir, attrs)} (§4.8). */
    private long bounce(DeviceId dev, DeviceConfig cfg, long phys, long size, Direction dir, long attrs) {
        long tlb = swiotlb.mapSingle(dev, phys, size, 0, dir, attrs);
        if (tlb == -1) {
            return DmaEngine.DMA_MAPPING_ERROR;
        }
        long dma = DmaAddressing.physRangeToDma(cfg, tlb, size);
        if (!DmaAddressing.dmaCapable(cfg, dma, size)) {
            swiotlb.unmapSingle(dev, tlb, size, dir, attrs | DmaAttrs.SKIP_CPU_SYNC);
            hw.warn(dev + ": swiotlb addr " + Unsigned.hex(dma) + "+" + Long.toUnsignedString(size)
                    + " overflow (mask " + Long.toHexString(cfg.dmaMask()) + ", bus limit "
                    + Long.toHexString(cfg.busDmaLimit()) + ").");
            return DmaEngine.DMA_MAPPING_ERROR;
        }
        if (!cfg.coherent() && !DmaAttrs.has(attrs, DmaAttrs.SKIP_CPU_SYNC)) {
            hw.archSyncForDevice(tlb, size, dir);
        }
        return record(dev, new Mapping(dma, size, tlb, false, true));
    }

    private long overflow(DeviceId dev, DeviceConfig cfg, long addr, long size) {
        hw.warn(dev + ": DMA addr " + Unsigned.hex(addr) + "+" + Long.toUnsignedString(size) + " overflow (mask "
                + Long.toHexString(cfg.dmaMask()) + ", bus limit " + Long.toHexString(cfg.busDmaLimit()) + ").");
        return DmaEngine.DMA_MAPPING_ERROR;
    }

    private long record(DeviceId dev, Mapping m) {
        live.computeIfAbsent(dev, d -> new LiveMappings()).add(m);
        return m.dma();
    }

    /**
     * {@code dma_direct_unmap_phys} (§3.5): cache invalidation and swiotlb copy-back unless
     * SKIP_CPU_SYNC, then the bounce slots are released. The mapping is looked up by its DMA
     * address; the recorded size and kind are what is released, whatever the call says (a mismatch
     * is reported).
     */
    public void unmapPhys(DeviceId dev, long addr, long size, Direction dir, long attrs) {
        hw.device(dev);
        LiveMappings mappings = live.get(dev);
        Mapping m = mappings == null ? null : mappings.findStart(addr, size);
        if (m == null) {
            hw.warn(dev + ": dma_unmap_phys of " + Unsigned.hex(addr) + " size " + Unsigned.hex(size)
                    + ": device driver tries to free DMA memory it has not allocated; ignored");
            return;
        }
        if (m.size() != size) {
            hw.warn(dev + ": dma_unmap_phys of " + Unsigned.hex(addr) + ": device driver frees DMA memory with different size "
                    + "[map size=" + m.size() + " bytes] [unmap size=" + Long.toUnsignedString(size) + " bytes]");
        }
        if (m.mmio() != DmaAttrs.has(attrs, DmaAttrs.MMIO)) {
            hw.warn(dev + ": dma_unmap_phys of " + Unsigned.hex(addr) + ": DMA_ATTR_MMIO differs from the map call");
        }
        mappings.remove(m);
        if (m.mmio()) {
            return;
        }
        if (!DmaAttrs.has(attrs, DmaAttrs.SKIP_CPU_SYNC)) {
            syncForCpu(dev, m, m.phys(), m.size(), dir);
        }
        if (m.bounced()) {
            swiotlb.unmapSingle(dev, m.phys(), m.size(), dir, attrs | DmaAttrs.SKIP_CPU_SYNC);
        }
    }

    /** {@code dma_direct_sync_single_for_cpu} (§3.6); {@code addr} may point inside a mapping. */
    public void syncSingleForCpu(DeviceId dev, long addr, long size, Direction dir) {
        Mapping m = coveringMapping(dev, addr, size, "dma_sync_single_for_cpu");
        if (m != null && !m.mmio()) {
            syncForCpu(dev, m, m.phys() + (addr - m.dma()), size, dir);
        }
    }

    /** {@code dma_direct_sync_single_for_device} (§3.6). */
    public void syncSingleForDevice(DeviceId dev, long addr, long size, Direction dir) {
        Mapping m = coveringMapping(dev, addr, size, "dma_sync_single_for_device");
        if (m != null && !m.mmio()) {
            syncForDevice(dev, m, m.phys() + (addr - m.dma()), size, dir);
        }
    }

    private void syncForCpu(DeviceId dev, Mapping m, long paddr, long size, Direction dir) {
        if (!hw.device(dev).coherent()) {
            hw.archSyncForCpu(paddr, size, dir);
        }
        if (m.bounced()) {
            swiotlb.syncForCpu(dev, paddr, size, dir);
        }
    }

    private void syncForDevice(DeviceId dev, Mapping m, long paddr, long size, Direction dir) {
        if (m.bounced()) {
            swiotlb.syncForDevice(dev, paddr, size, dir);
        }
        if (!hw.device(dev).coherent()) {
            hw.archSyncForDevice(paddr, size, dir);
        }
    }

    private Mapping coveringMapping(DeviceId dev, long addr, long size, String call) {
        hw.device(dev);
        LiveMappings mappings = live.get(dev);
        Mapping m = mappings == null || !Unsigned.fits(addr, size) ? null : mappings.covering(addr, size);
        if (m == null) {
            hw.warn(dev + ": " + call + " of " + Unsigned.hex(addr) + " size " + Unsigned.hex(size)
                    + ": device driver syncs DMA memory it has not allocated; ignored");
        }
        return m;
    }

    /**
     * {@code dma_direct_map_sg} (§3.7): every entry on its own, classified for P2P. A bus-address
     * entry gets {@code phys + bus_offset} and {@code SG_DMA_BUS_ADDRESS}; a host-bridge entry is
     * mapped as MMIO; an unreachable peer, or a bus address beyond the device's limit (a deliberate
     * difference: Linux does not check), fails the list with {@code -EREMOTEIO}, a failed map with
     * {@code -EIO}, after unmapping what the call mapped.
     */
    public int mapSg(DeviceId dev, Scatterlist sgl, int nents, Direction dir, long attrs) {
        DeviceConfig cfg = hw.device(dev);
        for (int i = 0; i < nents; i++) {
            Scatterlist.Entry e = sgl.get(i);
            P2pDma.P2pClass p2p = P2pDma.classify(hw, dev, e.phys());
            long dma;
            switch (p2p.type()) {
                case BUS_ADDR -> {
                    if (!p2p.busReachable(cfg, e.phys(), e.length())) {
                        unwindSg(dev, sgl, i, dir, attrs);
                        return -Errno.EREMOTEIO;
                    }
                    e.setDma(p2p.busAddr(e.phys()), e.length());
                    e.setDmaFlags(Scatterlist.SG_DMA_BUS_ADDRESS);
                    continue;
                }
                // Linux v6.17 to early 2026 skipped host-bridge entries without mapping them (a stale
                // dma_address, §14.2 quirk 1); they are mapped, and as MMIO, as block and hmm do
                case THRU_HOST_BRIDGE -> dma = mapPhys(dev, e.phys(), e.length(), dir, attrs | DmaAttrs.MMIO);
                case NONE -> dma = mapPhys(dev, e.phys(), e.length(), dir, attrs);
                default -> {
                    unwindSg(dev, sgl, i, dir, attrs);
                    return -Errno.EREMOTEIO;
                }
            }
            if (dma == DmaEngine.DMA_MAPPING_ERROR) {
                unwindSg(dev, sgl, i, dir, attrs);
                return -Errno.EIO;
            }
            e.setDma(dma, e.length());
            e.setDmaFlags(0);
        }
        return nents;
    }

    private void unwindSg(DeviceId dev, Scatterlist sgl, int mapped, Direction dir, long attrs) {
        unmapSg(dev, sgl, mapped, dir, attrs | DmaAttrs.SKIP_CPU_SYNC);
        for (int i = 0; i < mapped; i++) {
            sgl.get(i).setDma(DmaEngine.DMA_MAPPING_ERROR, 0);
        }
    }

    /** {@code dma_direct_unmap_sg}: bus-address entries only lose their flag; the others are unmapped. */
    public void unmapSg(DeviceId dev, Scatterlist sgl, int nents, Direction dir, long attrs) {
        for (int i = 0; i < nents; i++) {
            Scatterlist.Entry e = sgl.get(i);
            if (e.isBusAddress()) {
                e.setDmaFlags(0);
            } else {
                long entryAttrs = isMmioEntry(dev, e) ? attrs | DmaAttrs.MMIO : attrs;
                unmapPhys(dev, e.dmaAddress(), e.dmaLength(), dir, entryAttrs);
            }
        }
    }

    private boolean isMmioEntry(DeviceId dev, Scatterlist.Entry e) {
        LiveMappings mappings = live.get(dev);
        Mapping m = mappings == null ? null : mappings.findStart(e.dmaAddress(), e.dmaLength());
        return m != null && m.mmio();
    }

    /** {@code dma_direct_sync_sg_for_cpu}: per entry, bus-address entries skipped. */
    public void syncSgForCpu(DeviceId dev, Scatterlist sgl, int nents, Direction dir) {
        for (int i = 0; i < nents; i++) {
            Scatterlist.Entry e = sgl.get(i);
            if (!e.isBusAddress()) {
                syncSingleForCpu(dev, e.dmaAddress(), e.length(), dir);
            }
        }
    }

    /** {@code dma_direct_sync_sg_for_device}: per entry, bus-address entries skipped. */
    public void syncSgForDevice(DeviceId dev, Scatterlist sgl, int nents, Direction dir) {
        for (int i = 0; i < nents; i++) {
            Scatterlist.Entry e = sgl.get(i);
            if (!e.isBusAddress()) {
                syncSingleForDevice(dev, e.dmaAddress(), e.length(), dir);
            }
        }
    }
}
