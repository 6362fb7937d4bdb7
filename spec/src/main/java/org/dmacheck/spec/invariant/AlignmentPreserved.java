package org.dmacheck.spec.invariant;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.dmacheck.spec.model.Mapping;
import org.dmacheck.spec.model.Piece;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DomainConfig;
import org.dmacheck.spec.platform.Resolution;
import org.dmacheck.spec.violation.Evidence;
import org.dmacheck.spec.violation.Violation;

/**
 * Invariant 7: alignment survives mapping (§4.3, §6.4, §7.2, §13 C12, D22–D23). Behind an IOMMU, a
 * segment that is not bounced starts at the same offset inside its granule as its buffer; a bounced
 * one keeps the bits under {@code min_align_mask}; a direct-path bounce of at least PAGE_SIZE with no
 * {@code min_align_mask} starts on a page (Linux's implicit guarantee since 6.9); a two-step
 * reservation keeps the in-granule offset of the {@code phys} it was allocated for. Whether a segment
 * was bounced is observed: its first byte resolves into the swiotlb pool.
 */
public final class AlignmentPreserved implements Invariant {
    @Override
    public String description() {
        return "a mapping keeps its buffer's offset inside the IOMMU granule, a bounce keeps the bits under "
                + "min_align_mask (and starts page-aligned when it is a page or more without one)";
    }

    @Override
    public Optional<Violation> afterStep(StepContext ctx) {
        if (ctx.misuse()) {
            return Optional.empty();
        }
        for (Mapping m : ctx.change().created()) {
            Optional<Violation> v = check(ctx, m);
            if (v.isPresent()) {
                return v;
            }
        }
        return Optional.empty();
    }

    private Optional<Violation> check(StepContext ctx, Mapping m) {
        Optional<DomainConfig> d = ctx.ledger().translatingDomain(m.dev());
        if (m instanceof Mapping.Iova v) {
            long g = d.map(DomainConfig::granule).orElse(ctx.platform().config().pageSize());
            if (((v.addr() ^ v.phys()) & (g - 1)) != 0) {
                return fail(ctx, m, "dma_iova_try_alloc does not keep phys's offset inside the granule",
                        Evidence.addr("state addr", v.addr()), Evidence.addr("phys", v.phys()), Evidence.hex("granule", g));
            }
            return Optional.empty();
        }
        if (m instanceof Mapping.Coherent) {
            return Optional.empty();
        }
        for (Piece p : m.pieces()) {
            if (p.segmentOffset() != 0 || p.busAddress()) {
                continue; // judge where each segment starts
            }
            long segLen = m instanceof Mapping.Sg sg ? sg.segments().get(p.segment()).length() : p.length();
            Optional<Violation> v = segment(ctx, m, p, segLen, d);
            if (v.isPresent()) {
                return v;
            }
        }
        return Optional.empty();
    }

    private Optional<Violation> segment(StepContext ctx, Mapping m, Piece p, long segLen, Optional<DomainConfig> d) {
        if (!(ctx.resolve(m.dev(), p.dmaAddr(), !p.dir().deviceMayRead()) instanceof Resolution.Reached at)) {
            return Optional.empty(); // Translation's to report
        }
        boolean bounced = at.phys() != p.phys() && Samples.inPool(ctx.platform(), at.phys());
        DeviceConfig dev = ctx.platform().device(m.dev());
        long minAlign = dev.minAlignMask();
        if (d.isPresent() && !bounced && ((p.dmaAddr() ^ p.phys()) & (d.get().granule() - 1)) != 0) {
            return fail(ctx, m, "IOVA does not keep the buffer's offset inside the granule",
                    Evidence.addr("device address", p.dmaAddr()), Evidence.addr("phys", p.phys()),
                    Evidence.hex("granule", d.get().granule()), Evidence.count("segment", p.segment()));
        }
        if (bounced && ((p.dmaAddr() ^ p.phys()) & minAlign) != 0) {
            return fail(ctx, m, "bounce buffer does not keep the bits under min_align_mask",
                    Evidence.addr("device address", p.dmaAddr()), Evidence.addr("phys", p.phys()),
                    Evidence.addr("bounce phys", at.phys()), Evidence.hex("min_align_mask", minAlign),
                    Evidence.count("segment", p.segment()));
        }
        long page = ctx.platform().config().pageSize();
        if (bounced && d.isEmpty() && minAlign == 0 && segLen >= page && Long.remainderUnsigned(at.phys(), page) != 0) {
            return fail(ctx, m, "bounce of a page or more does not start on a page",
                    Evidence.addr("device address", p.dmaAddr()), Evidence.addr("bounce phys", at.phys()),
                    Evidence.bytes("size", segLen), Evidence.hex("PAGE_SIZE", page));
        }
        return Optional.empty();
    }

    private Optional<Violation> fail(StepContext ctx, Mapping m, String message, Evidence... evidence) {
        List<Evidence> ev = new ArrayList<>(List.of(evidence));
        ev.add(Evidence.text("handle", m.handle()));
        return Optional.of(new Violation(name(), ctx.step(), m.dev(), message, ev));
    }
}
