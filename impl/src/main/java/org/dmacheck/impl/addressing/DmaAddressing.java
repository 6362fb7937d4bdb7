package org.dmacheck.impl.addressing;

import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DmaRange;
import org.dmacheck.spec.platform.Unsigned;

/**
 * The address helpers of {@code include/linux/dma-direct.h}: translation through a device's
 * {@code dma_range_map} and {@code dma_capable}. Every comparison is unsigned; no sum wraps.
 */
public final class DmaAddressing {
    /** {@code (phys_addr_t)-1}: what {@code dma_to_phys} returns outside every window. */
    public static final long NO_PHYS = -1L;

    private DmaAddressing() {
    }

    /**
     * {@code __phys_to_dma}: the DMA address of {@code phys}, or {@code DMA_MAPPING_ERROR} when no
     * window of a non-empty {@code dma_range_map} holds it. An empty map is the identity.
     */
    public static long physToDma(DeviceConfig dev, long phys) {
        if (dev.rangeMap().isEmpty()) {
            return phys;
        }
        for (DmaRange w : dev.rangeMap()) {
            if (w.containsCpu(phys)) {
                return w.toDma(phys);
            }
        }
        return DmaEngine.DMA_MAPPING_ERROR;
    }

    /**
     * {@code phys_to_dma} for the whole range {@code [phys, phys+size)}: the DMA address of its
     * first byte when one window holds every byte, else {@code DMA_MAPPING_ERROR}. Linux translates
     * the first byte only; a range running past its window's end would reach the wrong memory
     * (bug-classes class 6), so the reference engine treats it as unreachable (and bounces it).
     */
    public static long physRangeToDma(DeviceConfig dev, long phys, long size) {
        if (!Unsigned.fits(phys, size)) {
            return DmaEngine.DMA_MAPPING_ERROR;
        }
        if (dev.rangeMap().isEmpty()) {
            return phys;
        }
        long last = phys + size - 1;
        for (DmaRange w : dev.rangeMap()) {
            if (w.containsCpu(phys)) {
                return w.containsCpu(last) ? w.toDma(phys) : DmaEngine.DMA_MAPPING_ERROR;
            }
        }
        return DmaEngine.DMA_MAPPING_ERROR;
    }

    /**
     * Whether the device, emitting {@code [dma, dma+size)}, reaches exactly CPU {@code [dma, dma+size)}
     * through its {@code dma_range_map}: an empty map, or one window holding every byte with
     * {@code dma_start == cpu_start}. MMIO is mapped at its physical address without translation
     * ({@code dma_direct_map_phys}, DMA_ATTR_MMIO); Linux does not check this (bug-classes class 6,
     * #34), the reference engine refuses what the device could not reach.
     */
    public static boolean reachesIdentity(DeviceConfig dev, long dma, long size) {
        if (!Unsigned.fits(dma, size)) {
            return false;
        }
        if (dev.rangeMap().isEmpty()) {
            return true;
        }
        long last = dma + size - 1;
        for (DmaRange w : dev.rangeMap()) {
            if (w.containsDma(dma)) {
                return w.containsDma(last) && w.toCpu(dma) == dma;
            }
        }
        return false;
    }

    /** {@code dma_to_phys}: the CPU address of {@code dma}, or {@link #NO_PHYS} outside every window. */
    public static long dmaToPhys(DeviceConfig dev, long dma) {
        if (dev.rangeMap().isEmpty()) {
            return dma;
        }
        for (DmaRange w : dev.rangeMap()) {
            if (w.containsDma(dma)) {
                return w.toCpu(dma);
            }
        }
        return NO_PHYS;
    }

    /**
     * {@code dma_capable(dev, addr, size)}: {@code addr} is not the error value and
     * {@code [addr, addr+size)} neither wraps past 2^64 nor ends above
     * {@code min_not_zero(dma_mask, bus_dma_limit)}.
     */
    public static boolean dmaCapable(DeviceConfig dev, long addr, long size) {
        return addr != DmaEngine.DMA_MAPPING_ERROR
                && Unsigned.rangeAtOrBelow(addr, size, dev.streamingLimit());
    }

    /** The same test against the coherent limit ({@code dma_coherent_ok}). */
    public static boolean coherentCapable(DeviceConfig dev, long addr, long size) {
        return addr != DmaEngine.DMA_MAPPING_ERROR
                && Unsigned.rangeAtOrBelow(addr, size, dev.coherentLimit());
    }
}
