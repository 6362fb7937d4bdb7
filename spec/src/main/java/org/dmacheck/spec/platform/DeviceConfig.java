package org.dmacheck.spec.platform;

import java.util.List;
import java.util.Objects;

/**
 * The DMA parameters of one device, as {@code struct device} carries them (§1.4).
 *
 * @param id               the device; for PCI functions its BDF, which must name an endpoint of
 *                         the platform's PCI topology
 * @param dmaMask          {@code *dev->dma_mask}, the streaming mask (never 0)
 * @param coherentMask     {@code dev->coherent_dma_mask}, for coherent allocations (never 0)
 * @param busDmaLimit      {@code dev->bus_dma_limit}; 0 means none
 * @param rangeMap         {@code dev->dma_range_map}; empty means identity
 * @param maxSegSize       {@code dma_get_max_seg_size()}, default 64 KiB
 * @param segBoundaryMask  {@code dma_get_seg_boundary()}, default all ones; of the form 2^n-1
 * @param minAlignMask     {@code dma_get_min_align_mask()}, default 0; of the form 2^n-1
 * @param coherent         {@code dev_is_dma_coherent()}: no CPU cache maintenance needed
 * @param untrusted        {@code pci_dev->untrusted}: sub-granule IOMMU mappings are bounced
 * @param forceBounce      {@code is_swiotlb_force_bounce()}: every direct mapping is bounced
 * @param iommuDomain      the id of the IOMMU domain the device is attached to, or null for none
 */
public record DeviceConfig(
        DeviceId id,
        long dmaMask,
        long coherentMask,
        long busDmaLimit,
        List<DmaRange> rangeMap,
        long maxSegSize,
        long segBoundaryMask,
        long minAlignMask,
        boolean coherent,
        boolean untrusted,
        boolean forceBounce,
        String iommuDomain) {

    /** {@code SZ_64K}: the max segment size of a device without {@code dma_parms}. */
    public static final long DEFAULT_MAX_SEG_SIZE = 64 * 1024;

    public DeviceConfig {
        Objects.requireNonNull(id, "id");
        rangeMap = List.copyOf(rangeMap);
        if (dmaMask == 0) {
            throw new IllegalArgumentException("device " + id + ": dma_mask must not be 0");
        }
        if (coherentMask == 0) {
            throw new IllegalArgumentException("device " + id + ": coherent_dma_mask must not be 0");
        }
        if (!isLowMask(segBoundaryMask) || segBoundaryMask == 0) {
            throw new IllegalArgumentException("device " + id + ": seg_boundary_mask "
                    + Unsigned.hex(segBoundaryMask) + " is not of the form 2^n-1");
        }
        if (!isLowMask(minAlignMask)) {
            throw new IllegalArgumentException("device " + id + ": min_align_mask "
                    + Unsigned.hex(minAlignMask) + " is not of the form 2^n-1");
        }
        if (maxSegSize <= 0 || maxSegSize > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("device " + id + ": max_seg_size "
                    + Unsigned.hex(maxSegSize) + " must be in 1..0xffffffff");
        }
        for (int i = 0; i < rangeMap.size(); i++) {
            for (int j = i + 1; j < rangeMap.size(); j++) {
                DmaRange a = rangeMap.get(i);
                DmaRange b = rangeMap.get(j);
                if (Unsigned.overlaps(a.cpuStart(), a.cpuStart() + a.size() - 1, b.cpuStart(), b.cpuStart() + b.size() - 1)) {
                    throw new IllegalArgumentException("device " + id + ": dma_range_map windows " + i + " and " + j
                            + " overlap on the CPU side");
                }
            }
        }
    }

    private static boolean isLowMask(long m) {
        return (m & (m + 1)) == 0;
    }

    /** {@code min_not_zero(*dev->dma_mask, dev->bus_dma_limit)}: the streaming limit. */
    public long streamingLimit() {
        return Unsigned.minNotZero(dmaMask, busDmaLimit);
    }

    /** {@code min_not_zero(dev->coherent_dma_mask, dev->bus_dma_limit)}: the allocation limit. */
    public long coherentLimit() {
        return Unsigned.minNotZero(coherentMask, busDmaLimit);
    }

    public boolean hasIommu() {
        return iommuDomain != null;
    }

    public static Builder builder(String name) {
        return new Builder(DeviceId.of(name));
    }

    public Builder toBuilder() {
        Builder b = new Builder(id);
        b.dmaMask = dmaMask;
        b.coherentMask = coherentMask;
        b.busDmaLimit = busDmaLimit;
        b.rangeMap = rangeMap;
        b.maxSegSize = maxSegSize;
        b.segBoundaryMask = segBoundaryMask;
        b.minAlignMask = minAlignMask;
        b.coherent = coherent;
        b.untrusted = untrusted;
        b.forceBounce = forceBounce;
        b.iommuDomain = iommuDomain;
        return b;
    }

    /** Builder with Linux's defaults: 64-bit masks, no limit, identity map, 64 KiB segments. */
    public static final class Builder {
        private final DeviceId id;
        private long dmaMask = Unsigned.MAX;
        private long coherentMask = Unsigned.MAX;
        private long busDmaLimit;
        private List<DmaRange> rangeMap = List.of();
        private long maxSegSize = DEFAULT_MAX_SEG_SIZE;
        private long segBoundaryMask = Unsigned.MAX;
        private long minAlignMask;
        private boolean coherent = true;
        private boolean untrusted;
        private boolean forceBounce;
        private String iommuDomain;

        private Builder(DeviceId id) {
            this.id = id;
        }

        /** Sets both masks, like {@code dma_set_mask_and_coherent}. */
        public Builder masks(long mask) {
            this.dmaMask = mask;
            this.coherentMask = mask;
            return this;
        }

        public Builder dmaMask(long v) {
            this.dmaMask = v;
            return this;
        }

        public Builder coherentMask(long v) {
            this.coherentMask = v;
            return this;
        }

        public Builder busDmaLimit(long v) {
            this.busDmaLimit = v;
            return this;
        }

        public Builder rangeMap(List<DmaRange> v) {
            this.rangeMap = v;
            return this;
        }

        public Builder maxSegSize(long v) {
            this.maxSegSize = v;
            return this;
        }

        public Builder segBoundaryMask(long v) {
            this.segBoundaryMask = v;
            return this;
        }

        public Builder minAlignMask(long v) {
            this.minAlignMask = v;
            return this;
        }

        public Builder coherent(boolean v) {
            this.coherent = v;
            return this;
        }

        public Builder untrusted(boolean v) {
            this.untrusted = v;
            return this;
        }

        public Builder forceBounce(boolean v) {
            this.forceBounce = v;
            return this;
        }

        public Builder iommuDomain(String v) {
            this.iommuDomain = v;
            return this;
        }

        public DeviceConfig build() {
            return new DeviceConfig(id, dmaMask, coherentMask, busDmaLimit, rangeMap, maxSegSize,
                    segBoundaryMask, minAlignMask, coherent, untrusted, forceBounce, iommuDomain);
        }
    }
}
