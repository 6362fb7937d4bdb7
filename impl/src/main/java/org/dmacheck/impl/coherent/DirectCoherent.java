package org.dmacheck.impl.coherent;

import java.util.ArrayList;
import java.util.List;
import org.dmacheck.impl.addressing.DmaAddressing;
import org.dmacheck.spec.api.CoherentBuffer;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.DmaRange;
import org.dmacheck.spec.platform.Hardware;
import org.dmacheck.spec.platform.Unsigned;

/**
 * {@code dma_direct_alloc} / {@code dma_direct_free} (§3.8): zeroed pages whose DMA address
 * ({@code phys_to_dma} of the pages) ends at or below {@code min_not_zero(coherent_dma_mask,
 * bus_dma_limit)}. Linux allocates, tests {@code dma_coherent_ok} and retries in lower zones; here
 * the physical limit of each {@code dma_range_map} window is tried in turn, highest first.
 *
 * <p>For a non-coherent device Linux flushes the zeroed pages ({@code arch_dma_prep_coherent}) and
 * remaps them uncached; the platform's {@link Hardware#allocPages} models both (its pages are CPU
 * uncached until freed). Not modelled: CMA, atomic pools, restricted swiotlb pools for
 * forced-bounce devices.
 */
public final class DirectCoherent {
    private final Hardware hw;

    public DirectCoherent(Hardware hw) {
        this.hw = hw;
    }

    /** {@code dma_direct_alloc(dev, size, &dma_handle, gfp, attrs)}: a buffer, or null. */
    public CoherentBuffer alloc(DeviceId dev, long size, long attrs) {
        DeviceConfig cfg = hw.device(dev);
        long pageSize = hw.config().pageSize();
        if (size <= 0 || size > Long.MAX_VALUE - pageSize) {
            return null;
        }
        long allocSize = Unsigned.alignUp(size, pageSize);
        for (long limit : physLimits(cfg, allocSize)) {
            long phys = hw.allocPages(allocSize, limit);
            if (phys == -1) {
                continue;
            }
            long dma = DmaAddressing.physRangeToDma(cfg, phys, allocSize);
            if (DmaAddressing.coherentCapable(cfg, dma, allocSize)) {
                return new CoherentBuffer(phys, dma, size);
            }
            hw.freePages(phys, allocSize);
        }
        return null;
    }

    /** {@code dma_direct_free}: returns the pages. */
    public void free(DeviceId dev, CoherentBuffer buffer) {
        hw.device(dev);
        hw.freePages(buffer.cpuPhys(), Unsigned.alignUp(buffer.size(), hw.config().pageSize()));
    }

    /** The highest CPU address an allocation may end at, per window holding DMA-reachable memory. */
    private static List<Long> physLimits(DeviceConfig cfg, long size) {
        long dmaLimit = cfg.coherentLimit();
        List<Long> limits = new ArrayList<>();
        if (cfg.rangeMap().isEmpty()) {
            limits.add(dmaLimit);
            return limits;
        }
        for (DmaRange w : cfg.rangeMap()) {
            if (Unsigned.lt(w.size() - 1, size - 1) || Unsigned.lt(dmaLimit, w.dmaStart() + size - 1)) {
                continue;
            }
            long lastDma = Unsigned.min(w.dmaStart() + w.size() - 1, dmaLimit);
            limits.add(w.toCpu(lastDma));
        }
        limits.sort((a, b) -> Long.compareUnsigned(b, a));
        return limits;
    }
}
