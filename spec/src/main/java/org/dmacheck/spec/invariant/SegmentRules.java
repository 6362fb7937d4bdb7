package org.dmacheck.spec.invariant;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.driver.SgSegment;
import org.dmacheck.spec.model.Mapping;
import org.dmacheck.spec.model.Piece;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DomainConfig;
import org.dmacheck.spec.platform.Unsigned;
import org.dmacheck.spec.violation.Evidence;
import org.dmacheck.spec.violation.Violation;

/**
 * Invariant 6: the segments {@code map_sg} returns cover exactly the input bytes (the lengths add up,
 * §13 E28 — {@link Translation} then checks each byte lands in order), and every segment the engine
 * built respects {@code max_seg_size} and {@code seg_boundary_mask} (§10.3 I3, §13 E30): a segment
 * merged from several entries must fit both; a single-entry segment behind an IOMMU, whose address
 * the engine chose, must not cross a boundary when its granule-rounded footprint fits inside one.
 * Entries longer than {@code max_seg_size}, longer than a boundary window, or crossing a boundary by
 * their own physical address without an IOMMU, are the driver's to split (dma-debug's M5/M6), not
 * the engine's: a merged segment holding such an entry may cross where that entry does.
 */
public final class SegmentRules implements Invariant {
    @Override
    public String description() {
        return "map_sg's segments add up to exactly the input bytes, and every segment the engine built (merged, or "
                + "placed by the IOMMU) respects max_seg_size and seg_boundary_mask";
    }

    @Override
    public Optional<Violation> afterStep(StepContext ctx) {
        if (ctx.misuse()) {
            return Optional.empty();
        }
        for (Mapping m : ctx.change().created()) {
            if (m instanceof Mapping.Sg sg) {
                Optional<Violation> v = check(ctx, sg);
                if (v.isPresent()) {
                    return v;
                }
            }
        }
        return Optional.empty();
    }

    private Optional<Violation> check(StepContext ctx, Mapping.Sg sg) {
        long in = 0;
        for (Scatterlist.Chunk c : sg.entries()) {
            in += c.length();
        }
        long out = 0;
        for (SgSegment s : sg.segments()) {
            out += s.length();
        }
        if (in != out) {
            return fail(ctx, sg, "dma_map_sg segments do not add up to the input",
                    Evidence.bytes("input length", in), Evidence.bytes("segment length", out),
                    Evidence.count("nents", sg.nents()), Evidence.count("segments", sg.segments().size()));
        }
        DeviceConfig dev = ctx.platform().device(sg.dev());
        Optional<DomainConfig> d = ctx.ledger().translatingDomain(sg.dev());
        long boundary = dev.segBoundaryMask();
        for (int j = 0; j < sg.segments().size(); j++) {
            SgSegment s = sg.segments().get(j);
            if (s.busAddress()) {
                continue;
            }
            int entries = entriesIn(sg, j);
            long start = s.dmaAddr();
            long end = start + s.length() - 1;
            boolean crosses = ((start ^ end) & ~boundary) != 0;
            if (entries > 1 && Unsigned.lt(dev.maxSegSize(), s.length())) {
                return fail(ctx, sg, "dma_map_sg merges a segment longer than max_seg_size",
                        Evidence.count("segment", j), Evidence.addr("device address", start),
                        Evidence.bytes("length", s.length()), Evidence.bytes("max_seg_size", dev.maxSegSize()),
                        Evidence.count("entries merged", entries));
            }
            boolean engineCrossed = entries > 1 ? mergedAcross(sg, j, d.map(DomainConfig::granule).orElse(1L), boundary)
                    : d.isPresent() && fitsOneBoundary(start, s.length(), d.get().granule(), boundary);
            if (crosses && engineCrossed) {
                return fail(ctx, sg, "dma_map_sg returns a segment across the segment boundary",
                        Evidence.count("segment", j), Evidence.addr("start", start), Evidence.addr("end", end),
                        Evidence.addr("boundary", boundary), Evidence.count("entries merged", entries));
            }
        }
        return Optional.empty();
    }

    /**
     * Whether merged segment {@code j} crosses a boundary by the engine's doing: an entry is appended
     * at a boundary, or an entry whose footprint fits one boundary window is laid across one
     * ({@code iommu_dma_map_sg} pads so it is not, {@code __finalise_sg} starts a new segment at a
     * boundary). An entry larger than the window crosses by itself; that is the driver's.
     */
    private static boolean mergedAcross(Mapping.Sg sg, int j, long g, long boundary) {
        long start = sg.segments().get(j).dmaAddr();
        for (int i = 0; i < sg.entries().size(); i++) {
            for (Piece p : sg.piecesOfEntry(i)) {
                if (p.segment() != j) {
                    continue;
                }
                boolean joinsAtBoundary = p.dmaAddr() != start && (p.dmaAddr() & boundary) == 0;
                boolean pieceCrosses = ((p.dmaAddr() ^ p.dmaLast()) & ~boundary) != 0;
                if (joinsAtBoundary
                        || pieceCrosses && fitsOneBoundary(p.dmaAddr(), sg.entries().get(i).length(), g, boundary)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether the granule-rounded footprint of a segment is no larger than one boundary window. */
    private static boolean fitsOneBoundary(long start, long len, long g, long boundaryMask) {
        if (Unsigned.lt(boundaryMask, g - 1)) {
            return false; // a boundary finer than the granule cannot be honoured by an IOMMU mapping
        }
        long footprint = Unsigned.alignUp((start & (g - 1)) + len, g);
        return boundaryMask == -1L || Unsigned.le(footprint, boundaryMask + 1);
    }

    /** How many input entries segment {@code j} carries bytes of. */
    private static int entriesIn(Mapping.Sg sg, int j) {
        int n = 0;
        for (Piece p : sg.pieces()) {
            if (p.segment() == j) {
                n++;
            }
        }
        return n;
    }

    private Optional<Violation> fail(StepContext ctx, Mapping.Sg sg, String message, Evidence... evidence) {
        List<Evidence> ev = new ArrayList<>(List.of(evidence));
        ev.add(Evidence.text("handle", sg.handle()));
        return Optional.of(new Violation(name(), ctx.step(), sg.dev(), message, ev));
    }
}
