package org.dmacheck.gen.dma;

import java.util.List;
import org.dmacheck.gen.ChoiceStream;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.DmaRange;
import org.dmacheck.spec.platform.DomainConfig;
import org.dmacheck.spec.platform.IommuDomainType;
import org.dmacheck.spec.platform.Unsigned;

/**
 * Generates one device's DMA parameters ({@link DeviceConfig}) and, when it gets an IOMMU domain of
 * its own, that domain. The simplest device (all choices 0) is coherent, trusted, with 64-bit masks,
 * no bus limit, an identity {@code dma_range_map}, Linux's default segment limits and no IOMMU.
 *
 * <p>Combinations are kept valid: a seg boundary is never below {@code max(PAGE_SIZE, granule) - 1},
 * a device on a dma-iommu domain gets no {@code dma_range_map} (dma-iommu does not use it), only PCI
 * functions are untrusted, only dma-direct devices force bounces, and a {@code dma_range_map} of a
 * PCI function keeps its DMA side off every host-bridge window ({@link Layout}). A min_align_mask
 * wider than the IOMMU granule is allowed but rare: Linux WARNs and fails such maps
 * ({@code __iommu_dma_map()}).
 */
public final class DeviceGen {
    /**
     * IOMMU attachment of a device. No BLOCKED domain: every access of a device attached to one
     * faults by design (the platform models it), so a device that does DMA is never put there.
     */
    public enum Iommu { NONE, STRICT, LAZY, IDENTITY }

    /** IOMMU domain aperture. */
    public enum Aperture {
        /** {@code [0, 2^48-1]}. */
        BITS_48(0, Unsigned.bitMask(48)),
        BITS_32(0, Unsigned.bitMask(32)),
        BITS_39(0, Unsigned.bitMask(39)),
        /** The whole space, ending at {@code ~0UL} (bug-classes.md class 1). */
        FULL_64(0, Unsigned.MAX),
        /** 10 MiB at {@code 0x1_F000_0000}, the IOVA-BELOW-START domain (bug-classes.md #25). */
        SMALL_HIGH(0x1_F000_0000L, 0x1_F000_0000L + (10L << 20) - 1);

        private final long start;
        private final long end;

        Aperture(long start, long end) {
            this.start = start;
            this.end = end;
        }

        public long start() {
            return start;
        }

        public long end() {
            return end;
        }
    }

    /** {@code bus_dma_limit} shapes, relative to the mask. */
    public enum BusLimit { NONE, BELOW_MASK, NON_POWER_OF_TWO, NEAR_2_64 }

    /** {@code dma_range_map} shapes. */
    public enum RangeMap { NONE, OFFSET, WINDOWS, RPI4 }

    /** min_align_mask shapes. */
    public enum MinAlign { ZERO, X_FFF, GRANULE, OVERSIZED }

    private static final long KIB = 1024;
    private static final long MIB = KIB * KIB;
    private static final long GIB = MIB * KIB;

    public static final Knob<Iommu> IOMMU = Knob.of("iommu", List.of(Iommu.values()), 4, 3, 3, 1);
    public static final Knob<Boolean> SHARE_DOMAIN = Knob.flag("shares an earlier device's domain", 3, 1);
    /** The IOMMU granule: PAGE_SIZE itself (0 stands for it), or a smaller 4 or 16 KiB; never above PAGE_SIZE. */
    public static final Knob<Long> GRANULE = Knob.of("granule", List.of(0L, 4 * KIB, 16 * KIB), 6, 1, 1);
    public static final Knob<Aperture> APERTURE = Knob.of("aperture", List.of(Aperture.values()), 6, 1, 1, 1, 0.3);
    public static final Knob<Integer> MASK_BITS = Knob.of("dma mask bits", List.of(64, 32, 24, 36, 40, 48),
            4, 3, 0.5, 1, 1, 1);
    public static final Knob<Boolean> COHERENT_MASK_32 = Knob.flag("32-bit coherent mask", 4, 1);
    public static final Knob<BusLimit> BUS_LIMIT = Knob.of("bus_dma_limit", List.of(BusLimit.values()),
            6, 1, 1, 0.5);
    public static final Knob<RangeMap> RANGE_MAP = Knob.of("dma_range_map", List.of(RangeMap.values()),
            6, 1, 1, 1);
    /** max_seg_size: Linux's 64 KiB default first; 0xFFFFFFFF is what nvme and dw-edma set (#17). */
    public static final Knob<Long> MAX_SEG = Knob.of("max_seg_size",
            List.of(64 * KIB, 4 * KIB, 0xFFFF_FFFFL, MIB, 8 * KIB), 4, 1, 2, 1, 1);
    /** seg_boundary_mask: all ones (the default) first. */
    public static final Knob<Long> SEG_BOUNDARY = Knob.of("seg_boundary_mask",
            List.of(Unsigned.MAX, 0xFFFF_FFFFL, 0xFFFFL, 0xFFFL, 0xF_FFFFL), 4, 1, 2, 1, 1);
    public static final Knob<MinAlign> MIN_ALIGN = Knob.of("min_align_mask", List.of(MinAlign.values()),
            5, 2, 1, 0.2);
    public static final Knob<Boolean> NON_COHERENT = Knob.flag("non-coherent", 3, 1);
    public static final Knob<Boolean> UNTRUSTED = Knob.flag("untrusted", 4, 1);
    public static final Knob<Boolean> FORCE_BOUNCE = Knob.flag("swiotlb=force", 9, 1);

    /** RPi4: the first GiB of RAM at DMA address 0xC000_0000 (bug-classes.md #31). */
    public static final List<DmaRange> RPI4_RANGES = List.of(new DmaRange(0, 0xC000_0000L, GIB));
    /** One window with an offset: CPU [0, 128 GiB) at DMA [64 GiB, 192 GiB). */
    public static final List<DmaRange> OFFSET_RANGES = List.of(new DmaRange(0, 64 * GIB, 128 * GIB));
    /**
     * Two windows with a hole: CPU [1 MiB, 1 GiB) identity, CPU [64 GiB, 128 GiB) at DMA [4 GiB, 68 GiB)
     * (a negative offset); everything else, including a swiotlb pool at 1 GiB, is unreachable.
     */
    public static final List<DmaRange> WINDOW_RANGES = List.of(
            new DmaRange(Layout.RAM_START, Layout.RAM_START, GIB - Layout.RAM_START),
            new DmaRange(64 * GIB, 4 * GIB, 64 * GIB));

    private DeviceGen() {
    }

    /**
     * Draws the DMA parameters of device {@code id}. A new IOMMU domain is appended to
     * {@code domains} (named {@code iommuN}); a shared one is picked from it.
     */
    static DeviceConfig generate(ChoiceStream in, DmaProfile p, DeviceId id, boolean pci, long pageSize,
                                 List<DomainConfig> domains) {
        DomainConfig domain = domain(in, p, pageSize, domains);
        boolean dmaIommu = domain != null && domain.type().usesDmaIommu();
        long granule = domain != null ? domain.granule() : pageSize;

        int bits = MASK_BITS.draw(in, p);
        long mask = Unsigned.bitMask(bits);
        long coherentMask = COHERENT_MASK_32.draw(in, p) ? Unsigned.min(mask, Unsigned.bitMask(32)) : mask;
        DeviceConfig.Builder b = DeviceConfig.builder(id.name())
                .dmaMask(mask)
                .coherentMask(coherentMask)
                .busDmaLimit(busLimit(BUS_LIMIT.draw(in, p), bits, mask));
        if (!dmaIommu) {
            b.rangeMap(ranges(RANGE_MAP.draw(in, p), pci));
        }
        b.maxSegSize(MAX_SEG.draw(in, p));
        b.segBoundaryMask(Unsigned.max(SEG_BOUNDARY.draw(in, p), Math.max(pageSize, granule) - 1));
        b.minAlignMask(minAlign(MIN_ALIGN.draw(in, p), granule, dmaIommu));
        b.coherent(!NON_COHERENT.draw(in, p));
        b.untrusted(pci && UNTRUSTED.draw(in, p));
        b.forceBounce(!dmaIommu && FORCE_BOUNCE.draw(in, p));
        b.iommuDomain(domain == null ? null : domain.id());
        return b.build();
    }

    private static DomainConfig domain(ChoiceStream in, DmaProfile p, long pageSize, List<DomainConfig> domains) {
        Iommu kind = IOMMU.draw(in, p);
        if (kind == Iommu.NONE) {
            return null;
        }
        if (!domains.isEmpty() && SHARE_DOMAIN.draw(in, p)) {
            return domains.get(in.drawIndex(domains.size()));
        }
        long g = GRANULE.draw(in, p);
        long granule = g == 0 ? pageSize : Math.min(g, pageSize);
        Aperture ap = APERTURE.draw(in, p);
        DomainConfig d = new DomainConfig("iommu" + domains.size(), type(kind), granule, ap.start(), ap.end(),
                List.of());
        domains.add(d);
        return d;
    }

    private static IommuDomainType type(Iommu kind) {
        return switch (kind) {
            case STRICT -> IommuDomainType.DMA;
            case LAZY -> IommuDomainType.DMA_FQ;
            case IDENTITY, NONE -> IommuDomainType.IDENTITY;
        };
    }

    static long busLimit(BusLimit shape, int bits, long mask) {
        return switch (shape) {
            case NONE -> 0;
            case BELOW_MASK -> bits > 32 ? Unsigned.bitMask(32) : mask >>> 1;
            // 3 * 2^(bits-2) - 1, e.g. 0xBFFFFFFF for a 32-bit mask
            case NON_POWER_OF_TWO -> (mask >>> 1) + (mask >>> 2) + 1;
            case NEAR_2_64 -> Unsigned.MAX - 1;
        };
    }

    private static List<DmaRange> ranges(RangeMap shape, boolean pci) {
        return switch (shape) {
            case NONE -> List.of();
            case OFFSET -> OFFSET_RANGES;
            case WINDOWS -> WINDOW_RANGES;
            // the RPi4 window's DMA side covers the x86 BAR hole: only for platform devices
            case RPI4 -> pci ? OFFSET_RANGES : RPI4_RANGES;
        };
    }

    private static long minAlign(MinAlign shape, long granule, boolean dmaIommu) {
        return switch (shape) {
            case ZERO -> 0;
            case X_FFF -> 0xFFF;
            case GRANULE -> granule - 1;
            // dma-iommu refuses masks above granule - 1; for swiotlb 64 KiB - 1 is merely strict
            case OVERSIZED -> dmaIommu ? (granule << 4) - 1 : 0xFFFF;
        };
    }
}
