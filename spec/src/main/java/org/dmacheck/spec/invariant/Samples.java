package org.dmacheck.spec.invariant;

import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.dmacheck.spec.model.Mapping;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.model.Piece;
import org.dmacheck.spec.platform.MemoryRegion;
import org.dmacheck.spec.platform.P2pMapType;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.platform.RegionKind;
import org.dmacheck.spec.platform.Resolution;

/**
 * Which bytes of a piece to probe: the first and the last, the bytes on both sides of the first
 * and last few granule boundaries it crosses, and a few in between chosen by a fixed hash — a
 * bounded number (at most {@value #MAX}) whatever the size, so a step stays O(log n).
 */
final class Samples {
    static final int MAX = 24;
    private static final int EDGE_BOUNDARIES = 4;
    private static final int MIDDLE = 4;

    private Samples() {
    }

    /** Offsets into {@code p} to probe, ascending. */
    static long[] offsets(Piece p, long granule) {
        TreeSet<Long> out = new TreeSet<>();
        long len = p.length();
        out.add(0L);
        out.add(len - 1);
        long firstBoundary = ((p.dmaAddr() / granule) + 1) * granule - p.dmaAddr();
        if (Long.compareUnsigned(p.dmaAddr(), -granule) >= 0) {
            firstBoundary = len;
        }
        long crossings = firstBoundary >= len ? 0 : (len - firstBoundary - 1) / granule + 1;
        for (long i = 0; i < crossings; i++) {
            if (i == EDGE_BOUNDARIES && crossings > 2 * EDGE_BOUNDARIES) {
                i = crossings - EDGE_BOUNDARIES; // skip the middle boundaries
            }
            long b = firstBoundary + i * granule;
            out.add(b - 1);
            out.add(b);
        }
        long h = p.dmaAddr() * 0x9E3779B97F4A7C15L ^ p.phys();
        for (int i = 0; i < MIDDLE && len > 2; i++) {
            h = h * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL;
            out.add(Long.remainderUnsigned(h, len));
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * Where the sampled bytes of {@code p} reach the swiotlb pool instead of their own bytes, as
     * {@code base -> {first, last}}: {@code base} is the pool address that stands for byte 0 of the
     * piece, {@code first} and {@code last} the lowest and highest sampled offsets that reach
     * {@code base + offset} (one entry for a bounce slot; more if the engine scattered the piece).
     */
    static Map<Long, long[]> bounced(StepContext ctx, Mapping m, Piece p, long granule) {
        Map<Long, long[]> groups = new TreeMap<>(Long::compareUnsigned);
        for (long k : offsets(p, granule)) {
            Resolution r = ctx.resolve(m.dev(), p.dmaAddr() + k, !p.dir().deviceMayRead());
            if (r instanceof Resolution.Reached at && at.phys() != p.phys() + k && inPool(ctx.platform(), at.phys())) {
                long[] span = groups.computeIfAbsent(at.phys() - k, b -> new long[] {k, k});
                span[0] = Math.min(span[0], k);
                span[1] = Math.max(span[1], k);
            }
        }
        return groups;
    }

    /** Whether {@code phys} lies in the swiotlb pool. */
    static boolean inPool(Platform platform, long phys) {
        MemoryRegion r = platform.regionOf(phys);
        return r != null && r.kind() == RegionKind.SWIOTLB;
    }

    /**
     * Whether {@code phys} is P2P memory {@code dev} cannot reach at all ({@code NOT_SUPPORTED}):
     * such a mapping (made with {@code dma_map_resource}, which does not classify) is not the
     * engine's to make reachable.
     */
    static boolean unreachableP2p(Platform platform, DeviceId dev, long phys) {
        MemoryRegion r = platform.regionOf(phys);
        return r != null && r.kind() == RegionKind.P2P_BAR
                && platform.p2pMapType(r.owner(), dev).type() == P2pMapType.NOT_SUPPORTED;
    }
}
