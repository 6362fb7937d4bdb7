package org.dmacheck.spec.platform;

/**
 * One window of a device's {@code dma_range_map} ({@code struct bus_dma_region}): CPU physical
 * {@code [cpuStart, cpuStart + size)} appears to the device at {@code [dmaStart, dmaStart + size)}.
 */
public record DmaRange(long cpuStart, long dmaStart, long size) {
    public DmaRange {
        if (!Unsigned.fits(cpuStart, size)) {
            throw new IllegalArgumentException("dma_range_map window: cpu_start " + Unsigned.hex(cpuStart)
                    + " size " + Unsigned.hex(size) + " is empty or wraps");
        }
        if (!Unsigned.fits(dmaStart, size)) {
            throw new IllegalArgumentException("dma_range_map window: dma_start " + Unsigned.hex(dmaStart)
                    + " size " + Unsigned.hex(size) + " is empty or wraps");
        }
    }

    /** The identity window over the whole 64-bit space less its last byte. */
    public static DmaRange identity() {
        return new DmaRange(0, 0, Unsigned.MAX);
    }

    public boolean containsCpu(long phys) {
        return Unsigned.within(phys, cpuStart, cpuStart + size - 1);
    }

    public boolean containsDma(long dma) {
        return Unsigned.within(dma, dmaStart, dmaStart + size - 1);
    }

    /** {@code translate_phys_to_dma} inside this window. */
    public long toDma(long phys) {
        return phys - cpuStart + dmaStart;
    }

    /** {@code translate_dma_to_phys} inside this window. */
    public long toCpu(long dma) {
        return dma - dmaStart + cpuStart;
    }
}
