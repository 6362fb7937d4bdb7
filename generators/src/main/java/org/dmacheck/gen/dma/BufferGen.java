package org.dmacheck.gen.dma;

import java.util.List;
import org.dmacheck.gen.ChoiceStream;
import org.dmacheck.gen.Gen;
import org.dmacheck.gen.Gens;
import org.dmacheck.spec.platform.BufferAllocator;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.MemoryRegion;
import org.dmacheck.spec.platform.Placement;
import org.dmacheck.spec.platform.RegionKind;

/**
 * Draws buffers and places them on the running platform: RAM through its {@code BufferAllocator}
 * (sizes from 1 byte to several MiB with the edge sizes of {@code bug-classes.md}, offsets inside
 * the page, placements ending at or crossing the device's limit, below or above 4 GiB), and slices
 * of P2P BARs and MMIO resources. The simplest buffer is one page of RAM, page-aligned, anywhere.
 *
 * <p>Total: a placement that does not fit (no RAM at the limit, say) falls back to the same buffer
 * anywhere, then to one page anywhere.
 */
public final class BufferGen {
    /** Buffer sizes; {@code G} is the IOMMU granule of the device, or PAGE_SIZE without one. */
    public enum Size {
        PAGE, ONE, SLOT_MINUS_1, SLOT, KIB_1, KIB_4, GRANULE_MINUS_1, GRANULE_PLUS_1, KIB_64_PLUS_1,
        /** 128 slots of 2 KiB: a full swiotlb segment, the largest bounce. */
        SEGMENT,
        /** One byte more than a segment: a bounce must fail. */
        OVER_SEGMENT,
        /** 1 byte .. 64 KiB, edge-biased. */
        SMALL,
        /** 64 KiB .. 8 MiB, edge-biased. */
        LARGE
    }

    /** Offsets of a buffer inside its page. */
    public enum Offset { ZERO, ONE, X234, X400, X800, PAGE_MINUS_1, ANY }

    /** Where RAM is placed, relative to the device's streaming limit. */
    public enum Place { ANYWHERE, BELOW_4G, ABOVE_4G, ENDING_AT_LIMIT, CROSSING_LIMIT }

    /** What one scatterlist entry is. */
    public enum SgEntry {
        /** A RAM buffer of any size and offset. */
        RAM,
        /** Whole granules at a granule boundary: IOVA-mergeable with its neighbours. */
        GRANULE_RUN,
        /** A slice of a P2P BAR. */
        P2P
    }

    private static final long KIB = 1024;
    private static final long MIB = KIB * KIB;

    public static final Knob<Size> SIZE = Knob.of("buffer size", List.of(Size.values()),
            4, 1, 1, 1, 1, 1, 1, 1, 1, 0.5, 0.5, 3, 1);
    public static final Knob<Offset> OFFSET = Knob.of("offset in page", List.of(Offset.values()), 4, 1, 1, 1, 1, 1, 1);
    public static final Knob<Place> PLACE = Knob.of("placement", List.of(Place.values()), 5, 1, 1, 1, 1);
    public static final Knob<SgEntry> SG_ENTRY = Knob.of("sg entry", List.of(SgEntry.values()), 3, 2, 0.5);
    public static final Knob<Integer> RUN_GRANULES = Knob.of("granules in a run", List.of(1, 2, 3, 4, 8, 16, 17),
            3, 2, 2, 2, 1, 1, 1);
    /** Which page of a BAR or MMIO resource a slice starts in: the first, the second, the last, any. */
    public static final Knob<Integer> SLICE_PAGE = Knob.of("BAR slice page", List.of(0, 1, -1, -2), 3, 1, 1, 1);
    /** map_phys of a peer BAR (with DMA_ATTR_MMIO) instead of RAM. */
    public static final Knob<Boolean> P2P_SINGLE = Knob.flag("map_phys of a peer BAR", 9, 1);

    /** Edge-biased (powers of two and their neighbours); built once, as building one is not free. */
    private static final Gen<Long> SMALL_SIZES = Gens.longs(1, 64 * KIB);
    private static final Gen<Long> LARGE_SIZES = Gens.longs(64 * KIB, 8 * MIB);

    private BufferGen() {
    }

    /** A RAM buffer for {@code dev}, sized relative to {@code granule}. */
    static Buffer ram(ChoiceStream in, DmaProfile p, BufferAllocator alloc, DeviceConfig dev, long pageSize,
                      long granule) {
        long size = size(in, SIZE.draw(in, p), granule, pageSize);
        long offset = offset(in, OFFSET.draw(in, p), pageSize);
        return place(alloc, size, offset, placement(PLACE.draw(in, p), dev), pageSize);
    }

    /** {@code granules} whole granules of RAM starting on a granule boundary (page-aligned, anywhere). */
    static Buffer run(BufferAllocator alloc, long granules, long granule, long pageSize) {
        return place(alloc, granules * granule, 0, Placement.anywhere(), pageSize);
    }

    /** RAM of exactly {@code size} bytes at {@code offset} into a page, anywhere. */
    static Buffer exact(BufferAllocator alloc, long size, long offset, long pageSize) {
        return place(alloc, size, offset, Placement.anywhere(), pageSize);
    }

    /** A slice of {@code region} (a BAR or MMIO resource) with a drawn size, page and offset. */
    static Buffer slice(ChoiceStream in, DmaProfile p, MemoryRegion region, long pageSize, long granule) {
        long pages = region.size() / pageSize;
        int pick = SLICE_PAGE.draw(in, p);
        long page = switch (pick) {
            case 0, 1 -> Math.min(pick, pages - 1);
            case -1 -> pages - 1;
            default -> in.draw(pages - 1);
        };
        long start = region.start() + page * pageSize + offset(in, OFFSET.draw(in, p), pageSize);
        long room = region.last() - start + 1;
        long size = Math.min(size(in, SIZE.draw(in, p), granule, pageSize), room);
        return new Buffer(start, size, region.kind());
    }

    static long size(ChoiceStream in, Size s, long granule, long pageSize) {
        return switch (s) {
            case PAGE -> pageSize;
            case ONE -> 1;
            case SLOT_MINUS_1 -> 2 * KIB - 1;
            case SLOT -> 2 * KIB;
            case KIB_1 -> KIB;
            case KIB_4 -> 4 * KIB;
            case GRANULE_MINUS_1 -> granule - 1;
            case GRANULE_PLUS_1 -> granule + 1;
            case KIB_64_PLUS_1 -> 64 * KIB + 1;
            case SEGMENT -> PlatformGen.SWIOTLB_SEGMENT;
            case OVER_SEGMENT -> PlatformGen.SWIOTLB_SEGMENT + 1;
            case SMALL -> in.draw(SMALL_SIZES);
            case LARGE -> in.draw(LARGE_SIZES);
        };
    }

    static long offset(ChoiceStream in, Offset o, long pageSize) {
        return switch (o) {
            case ZERO -> 0;
            case ONE -> 1;
            case X234 -> 0x234;
            case X400 -> 0x400;
            case X800 -> 0x800;
            case PAGE_MINUS_1 -> pageSize - 1;
            case ANY -> in.draw(pageSize - 1);
        };
    }

    static Placement placement(Place place, DeviceConfig dev) {
        return switch (place) {
            case ANYWHERE -> Placement.anywhere();
            case BELOW_4G -> Placement.below4G();
            case ABOVE_4G -> Placement.above4G();
            case ENDING_AT_LIMIT -> new Placement.EndingAt(dev.streamingLimit());
            case CROSSING_LIMIT -> new Placement.Crossing(dev.streamingLimit());
        };
    }

    private static Buffer place(BufferAllocator alloc, long size, long offset, Placement where, long pageSize) {
        long phys = alloc.tryAllocate(size, offset, where);
        if (phys == -1 && !(where instanceof Placement.Anywhere)) {
            phys = alloc.tryAllocate(size, offset, Placement.anywhere());
        }
        if (phys == -1) {
            return new Buffer(alloc.allocate(pageSize), pageSize, RegionKind.SYSTEM_RAM);
        }
        return new Buffer(phys, size, RegionKind.SYSTEM_RAM);
    }
}
