package org.dmacheck.spec.invariant;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.dmacheck.spec.model.LedgerChange;
import org.dmacheck.spec.model.Mapping;
import org.dmacheck.spec.model.Piece;
import org.dmacheck.spec.model.RangeSet;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.DomainConfig;
import org.dmacheck.spec.platform.IommuDomainModel;
import org.dmacheck.spec.platform.IommuPte;
import org.dmacheck.spec.platform.Resolution;
import org.dmacheck.spec.violation.Evidence;
import org.dmacheck.spec.violation.Violation;

/**
 * Invariant 9: after an unmap the device cannot reach the old memory through the IOMMU — at once in
 * a strict domain and for {@code dma_iova_unlink} (always strict, §7.5); in a lazy (flush-queue)
 * domain the page-table entries are gone at once and only the IOTLB may still hold a stale
 * translation, until a flush (§6.5). And no IOVA is handed out again while a stale IOTLB entry for
 * it still points at other memory: at map time every sampled granule of the new mapping has either
 * no IOTLB entry or one that matches its new PTE (bug class 2, §13 C17).
 */
public final class NoStaleAccess implements Invariant {
    private static final int GRANULE_SAMPLES = 8;

    @Override
    public String description() {
        return "after a strict unmap (or any unlink) the device reaches nothing of the old range; after a lazy unmap "
                + "only the IOTLB may still, and no IOVA is reused while a stale IOTLB entry still points elsewhere";
    }

    @Override
    public Optional<Violation> afterStep(StepContext ctx) {
        if (ctx.misuse()) {
            return Optional.empty();
        }
        LedgerChange c = ctx.change();
        for (Mapping m : c.created()) {
            Optional<Violation> v = staleReuse(ctx, m);
            if (v.isPresent()) {
                return v;
            }
        }
        for (Mapping m : c.released()) {
            // unmaps, frees and dma_iova_destroy follow the domain's mode (§6.4, §7.7)
            List<long[]> spans = new ArrayList<>();
            for (Piece p : m.pieces()) {
                if (!p.busAddress()) {
                    spans.add(new long[] {p.dmaAddr(), p.dmaLast()});
                }
            }
            Optional<Violation> v = unreachable(ctx, m, spans, !isLazy(ctx, m));
            if (v.isPresent()) {
                return v;
            }
        }
        for (LedgerChange.Update u : c.updated()) {
            if (ctx.op() instanceof Op.IovaUnlink && u.before() instanceof Mapping.Iova before) {
                Optional<DomainConfig> d = ctx.ledger().translatingDomain(before.dev());
                if (d.isEmpty()) {
                    continue;
                }
                Optional<Violation> v = unreachable(ctx, before,
                        unlinkedGranules(before.pieces(), u.after().pieces(), d.get().granule()), true);
                if (v.isPresent()) {
                    return v;
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The granules an unlink removed: those of the links before it that no link after it touches.
     * Links are compared by the device addresses they cover, not by position (removing one link
     * renumbers the later ones). Two links never share a granule in Linux ({@code iommu_map} of
     * the second would fail with {@code -EEXIST}, §7.3), so a granule a live link still touches
     * is that link's, and reachable.
     */
    static List<long[]> unlinkedGranules(List<Piece> before, List<Piece> after, long g) {
        RangeSet gone = new RangeSet();
        for (Piece p : before) {
            gone.add(p.dmaAddr() & -g, granuleSpan(p, g));
        }
        for (Piece p : after) {
            gone.remove(p.dmaAddr() & -g, granuleSpan(p, g));
        }
        List<long[]> out = new ArrayList<>();
        for (Piece p : before) {
            out.addAll(gone.intersect(p.dmaAddr() & -g, granuleSpan(p, g)));
        }
        return out;
    }

    /** Bytes from the start of the piece's first granule to the end of its last. */
    private static long granuleSpan(Piece p, long g) {
        return (p.dmaLast() & -g) - (p.dmaAddr() & -g) + g;
    }

    private static boolean isLazy(StepContext ctx, Mapping m) {
        return ctx.ledger().translatingDomain(m.dev()).map(DomainConfig::lazy).orElse(false);
    }

    /**
     * After a release of the device addresses {@code spans} ({@code {start, last}} pairs): strict —
     * nothing reachable; lazy — nothing through the page table.
     */
    private Optional<Violation> unreachable(StepContext ctx, Mapping m, List<long[]> spans, boolean strict) {
        Optional<DomainConfig> d = ctx.ledger().translatingDomain(m.dev());
        if (d.isEmpty()) {
            return Optional.empty();
        }
        long g = d.get().granule();
        for (long[] span : spans) {
            for (long dma : granuleSamples(span[0], span[1], g)) {
                for (boolean write : new boolean[] {false, true}) {
                    Resolution r = ctx.resolve(m.dev(), dma, write);
                    if (r instanceof Resolution.Reached at && (strict || at.route() == Resolution.Route.PAGE_TABLE)) {
                        String msg = strict ? "device still reaches memory after a strict unmap"
                                : "page-table entry still present after a lazy unmap";
                        return Optional.of(new Violation(name(), ctx.step(), m.dev(), msg, List.of(
                                Evidence.addr("device address", dma), Evidence.addr("reached phys", at.phys()),
                                Evidence.text("route", at.route().name()), Evidence.text("domain", d.get().id()),
                                Evidence.text("handle", m.handle()), Evidence.count("mapped at step", m.step()))));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** A new mapping's IOVA granules must carry no IOTLB entry that disagrees with their PTE. */
    private Optional<Violation> staleReuse(StepContext ctx, Mapping m) {
        Optional<DomainConfig> d = ctx.ledger().translatingDomain(m.dev());
        if (d.isEmpty()) {
            return Optional.empty();
        }
        IommuDomainModel dom = ctx.platform().domain(d.get().id());
        long g = d.get().granule();
        for (long[] span : m.iovaSpans(g)) {
            for (long iova : granuleSamples(span[0], span[1], g)) {
                Optional<IommuPte> tlb = dom.iotlbEntry(iova);
                if (tlb.isEmpty()) {
                    continue;
                }
                Optional<IommuPte> pte = dom.pte(iova);
                boolean agrees = pte.isPresent() && pte.get().phys() == tlb.get().phys()
                        && pte.get().prot() == tlb.get().prot() && !pte.get().pending();
                if (!agrees) {
                    List<Evidence> ev = new ArrayList<>();
                    ev.add(Evidence.text("domain", d.get().id()));
                    ev.add(Evidence.addr("iova", iova));
                    ev.add(Evidence.addr("stale phys", tlb.get().phys()));
                    pte.ifPresent(p -> ev.add(Evidence.addr("new phys", p.phys())));
                    ev.add(Evidence.text("handle", m.handle()));
                    return Optional.of(new Violation(name(), ctx.step(), m.dev(),
                            "IOVA reused while a stale IOTLB entry still points at other memory", ev));
                }
            }
        }
        return Optional.empty();
    }

    /** The start of the first and last granules of {@code [start, last]} and a few in between. */
    static List<Long> granuleSamples(long start, long last, long g) {
        long first = start & -g;
        long end = last & -g;
        long n = Long.divideUnsigned(end - first, g) + 1;
        List<Long> out = new ArrayList<>();
        if (n <= GRANULE_SAMPLES) {
            for (long i = 0; i < n; i++) {
                out.add(first + i * g);
            }
            return out;
        }
        for (int i = 0; i < GRANULE_SAMPLES; i++) {
            out.add(first + Long.divideUnsigned((n - 1) * i, GRANULE_SAMPLES - 1) * g);
        }
        return out;
    }
}
