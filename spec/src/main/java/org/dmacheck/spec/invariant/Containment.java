package org.dmacheck.spec.invariant;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.dmacheck.spec.driver.OpResult;
import org.dmacheck.spec.model.DataModel;
import org.dmacheck.spec.model.IntervalIndex;
import org.dmacheck.spec.model.LedgerChange;
import org.dmacheck.spec.model.Mapping;
import org.dmacheck.spec.model.Piece;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.DomainConfig;
import org.dmacheck.spec.platform.IommuDomainModel;
import org.dmacheck.spec.platform.IommuPte;
import org.dmacheck.spec.platform.Resolution;
import org.dmacheck.spec.platform.Touched;
import org.dmacheck.spec.platform.Unsigned;
import org.dmacheck.spec.violation.Evidence;
import org.dmacheck.spec.violation.Violation;

/**
 * Invariant 12 (misuse mode): a misused call — wrong size, direction, kind or entry count, a double
 * unmap, an unknown address, DMA_NONE — may be refused or warned about, but never harms anyone
 * else. The engine throws nothing but its documented BUG-style {@link IllegalArgumentException}; a
 * map with DMA_NONE does not succeed; and every other live mapping still reaches its own bytes, and
 * its device still reads there what the data model expects. The mapping the call targeted is
 * abandoned by the ledger and not judged. Later reads judge the others' data as usual
 * ({@link DataVisibility}).
 *
 * <p>Incremental, O(log n + k) per misused step. A call can reach another mapping only through the
 * hardware: an IOMMU domain's translations, or the bytes a device reads. The platform records what
 * the step changed ({@link StepContext#touched()}); this invariant keeps every visible piece of
 * every live mapping in two interval indexes, updated from each step's ledger change — by device
 * address, per dma-iommu domain; and by the physical bytes its device reads: its own CPU bytes, and
 * the bounce bytes its sampled addresses reached when it was made ({@link Samples#bounced}). After
 * a misused step it probes the k pieces a touched range overlaps, each as a full scan would (first
 * and last byte, sampled data), plus the first and last byte of each overlap; and where the
 * piece's IOVA was touched, the page table behind what the device reaches: a PTE cleared under an
 * IOTLB entry that still caches it disturbs the mapping just the same, at the next invalidation.
 * A step that touched more than {@link Touched#LIMIT} ranges is one no index narrows: then every
 * live piece is probed.
 *
 * <p>Not re-judged here: a mapping the step did not touch but that was broken before it (translated
 * elsewhere since it was made, or wrong from the start). That is for the invariants of the step that
 * broke it, and for the sweep at teardown.
 */
public final class Containment implements Invariant {
    /**
     * A visible piece of a live mapping, filed under an address range whose {@code origin} stands
     * for the piece's byte 0; {@code iova} when the range is its device addresses in a dma-iommu domain.
     */
    private record Watch(Mapping mapping, Piece piece, long origin, boolean iova) {
    }

    private record Key(String handle, Piece piece) {
    }

    /** A piece to probe after a misused step, with the offsets and the change that singled it out. */
    private static final class Probe {
        final Mapping mapping;
        final Piece piece;
        final TreeSet<Long> offsets = new TreeSet<>();
        boolean iova;
        String cause;

        Probe(Mapping mapping, Piece piece) {
            this.mapping = mapping;
            this.piece = piece;
        }
    }

    private static final Comparator<Probe> LEDGER_ORDER = Comparator.<Probe>comparingLong(p -> p.mapping.step())
            .thenComparingInt(p -> p.piece.segment()).thenComparingLong(p -> p.piece.segmentOffset());

    private final Map<String, IntervalIndex<Watch>> byIova = new HashMap<>();
    private final IntervalIndex<Watch> byPhys = new IntervalIndex<>();
    private final Map<String, List<Runnable>> unfile = new HashMap<>();

    @Override
    public String description() {
        return "a misused call (wrong size, direction or kind, double unmap, unknown address) throws at most a BUG-style "
                + "IllegalArgumentException and leaves every other live mapping reaching its own bytes";
    }

    @Override
    public Optional<Violation> afterStep(StepContext ctx) {
        track(ctx.change(), ctx);
        if (!ctx.misuse()) {
            return Optional.empty();
        }
        String misuse = ctx.executed().misuse();
        if (ctx.result() instanceof OpResult.Threw t && !t.bugStyle()) {
            return Optional.of(new Violation(name(), ctx.step(), ResultWellFormed.deviceOf(ctx),
                    "DMA engine throws on a misused call instead of refusing it",
                    List.of(Evidence.text("misuse", misuse), Evidence.text("exception", String.valueOf(t.exception())))));
        }
        boolean noneMapped = (ctx.op() instanceof Op.MapSingle m && !m.dir().isValid()
                && ctx.result() instanceof OpResult.Mapped r && !r.failed())
                || (ctx.op() instanceof Op.MapSg g && !g.dir().isValid()
                && ctx.result() instanceof OpResult.MappedSg s && !s.failed());
        if (noneMapped) {
            return Optional.of(new Violation(name(), ctx.step(), ResultWellFormed.deviceOf(ctx),
                    "DMA engine maps with DMA_NONE", List.of(Evidence.text("returned", ctx.result().describe()))));
        }
        for (Probe p : probes(ctx)) {
            Optional<Violation> v = check(ctx, misuse, p);
            if (v.isPresent()) {
                return v;
            }
        }
        return Optional.empty();
    }

    // ---- the indexes, in step with the ledger ---------------------------------------------------------

    private void track(LedgerChange c, StepContext ctx) {
        c.abandoned().forEach(m -> unfile(m.handle()));
        c.created().forEach(m -> file(ctx, m));
        for (LedgerChange.Update u : c.updated()) {
            unfile(u.after().handle());
            file(ctx, u.after());
        }
        c.released().forEach(m -> unfile(m.handle()));
    }

    private void file(StepContext ctx, Mapping m) {
        List<Runnable> undo = unfile.computeIfAbsent(m.handle(), h -> new ArrayList<>());
        Optional<DomainConfig> d = ctx.ledger().translatingDomain(m.dev());
        long g = Translation.granuleOf(ctx.platform(), m);
        for (Piece p : visible(m)) {
            if (d.isPresent() && !p.busAddress()) {
                IntervalIndex<Watch> domain = byIova.computeIfAbsent(d.get().id(), k -> new IntervalIndex<>());
                add(undo, domain, p.dmaAddr(), lastOf(p.dmaAddr(), p.length()), new Watch(m, p, p.dmaAddr(), true));
            }
            add(undo, byPhys, p.phys(), lastOf(p.phys(), p.length()), new Watch(m, p, p.phys(), false));
            for (Map.Entry<Long, long[]> b : Samples.bounced(ctx, m, p, g).entrySet()) {
                long base = b.getKey();
                add(undo, byPhys, base + b.getValue()[0], base + b.getValue()[1], new Watch(m, p, base, false));
            }
        }
    }

    private static void add(List<Runnable> undo, IntervalIndex<Watch> index, long start, long last, Watch w) {
        IntervalIndex.Entry<Watch> e = index.add(start, last, w);
        undo.add(() -> index.remove(e));
    }

    private void unfile(String handle) {
        List<Runnable> undo = unfile.remove(handle);
        if (undo != null) {
            undo.forEach(Runnable::run);
        }
    }

    private static long lastOf(long start, long length) {
        return length == 0 ? start : Unsigned.fits(start, length) ? start + length - 1 : Unsigned.MAX;
    }

    // ---- what a misused step can have disturbed --------------------------------------------------------

    /** The pieces the step's touched ranges overlap (every live piece if the record overflowed), oldest first. */
    private List<Probe> probes(StepContext ctx) {
        Map<Key, Probe> out = new HashMap<>();
        Touched t = ctx.touched();
        if (t.overflowed()) {
            for (Mapping m : ctx.ledger().live()) {
                boolean translated = ctx.ledger().translatingDomain(m.dev()).isPresent();
                for (Piece p : visible(m)) {
                    Probe probe = out.computeIfAbsent(new Key(m.handle(), p), k -> new Probe(m, p));
                    probe.iova = translated && !p.busAddress();
                }
            }
        } else {
            for (Map.Entry<String, List<Touched.Range>> e : t.iova().entrySet()) {
                IntervalIndex<Watch> domain = byIova.get(e.getKey());
                if (domain == null) {
                    continue; // no live mapping translated there
                }
                for (Touched.Range r : e.getValue()) {
                    for (IntervalIndex.Entry<Watch> w : domain.overlapping(r.start(), r.last())) {
                        mark(out, w, r, " in domain " + e.getKey());
                    }
                }
            }
            for (Touched.Range r : t.memory()) {
                for (IntervalIndex.Entry<Watch> w : byPhys.overlapping(r.start(), r.last())) {
                    mark(out, w, r, "");
                }
            }
        }
        List<Probe> probes = new ArrayList<>(out.values());
        probes.sort(LEDGER_ORDER);
        return probes;
    }

    private static void mark(Map<Key, Probe> out, IntervalIndex.Entry<Watch> e, Touched.Range r, String where) {
        Watch w = e.value();
        Probe p = out.computeIfAbsent(new Key(w.mapping().handle(), w.piece()), k -> new Probe(w.mapping(), w.piece()));
        p.offsets.add(Unsigned.max(e.start(), r.start()) - w.origin());
        p.offsets.add(Unsigned.min(e.last(), r.last()) - w.origin());
        p.iova |= w.iova();
        if (p.cause == null) {
            p.cause = r + where;
        }
    }

    private Optional<Violation> check(StepContext ctx, String misuse, Probe probe) {
        Mapping m = probe.mapping;
        Piece p = probe.piece;
        DataModel.Track track = ctx.ledger().data().track(m.handle());
        if (track != null && track.judged() && p.dir().deviceMayRead()) {
            TreeSet<Long> offsets = new TreeSet<>(probe.offsets);
            for (long k : Samples.offsets(p, Translation.granuleOf(ctx.platform(), m))) {
                offsets.add(k);
            }
            Optional<Views.Mismatch> mm = Views.deviceSees(ctx, m.dev(), p, track.device(),
                    offsets.stream().mapToLong(Long::longValue).toArray());
            if (mm.isPresent()) {
                return fail(ctx, m, "misused call changes another live mapping's data", misuse, probe,
                        Evidence.addr("device address", mm.get().dmaAddr()),
                        Evidence.hex("expected", mm.get().expected() & 0xff),
                        Evidence.hex("device sees", mm.get().seen() & 0xff));
            }
        }
        TreeSet<Long> edges = new TreeSet<>(probe.offsets);
        edges.add(0L);
        edges.add(p.length() - 1);
        for (long k : edges) {
            long want = p.phys() + k;
            if (Samples.unreachableP2p(ctx.platform(), m.dev(), want)) {
                continue;
            }
            Resolution r = ctx.resolve(m.dev(), p.dmaAddr() + k, !p.dir().deviceMayRead());
            boolean ok = r instanceof Resolution.Reached at
                    && (at.phys() == want || Samples.inPool(ctx.platform(), at.phys()));
            String now = r instanceof Resolution.Reached at ? "reaches " + Unsigned.hex(at.phys())
                    : ((Resolution.Unreachable) r).reason();
            if (ok && probe.iova && ((Resolution.Reached) r).route() == Resolution.Route.IOTLB) {
                Optional<String> walk = pageTableDisagrees(ctx, m, p.dmaAddr() + k);
                if (walk.isPresent()) {
                    ok = false;
                    now += " through a stale IOTLB entry; " + walk.get();
                }
            }
            if (!ok) {
                return fail(ctx, m, "misused call disturbs another live mapping", misuse, probe,
                        Evidence.addr("device address", p.dmaAddr() + k), Evidence.addr("expected phys", want),
                        Evidence.text("now", now));
            }
        }
        return Optional.empty();
    }

    /** What the page table holds at {@code dma}, when it is not what the IOTLB caches there. */
    private static Optional<String> pageTableDisagrees(StepContext ctx, Mapping m, long dma) {
        IommuDomainModel d = ctx.platform().domain(ctx.platform().device(m.dev()).iommuDomain());
        Optional<IommuPte> pte = d.pte(dma);
        if (d.iotlbEntry(dma).equals(pte)) {
            return Optional.empty();
        }
        return Optional.of(pte.map(e -> "the page table has " + e).orElse("the page table has no PTE there"));
    }

    private Optional<Violation> fail(StepContext ctx, Mapping m, String message, String misuse, Probe probe,
                                     Evidence... facts) {
        List<Evidence> ev = new ArrayList<>();
        ev.add(Evidence.text("misuse", misuse));
        ev.add(Evidence.text("handle", m.handle()));
        ev.addAll(List.of(facts));
        if (probe.cause != null) {
            ev.add(Evidence.text("touched", probe.cause));
        }
        return Optional.of(new Violation(name(), ctx.step(), m.dev(), message, ev));
    }

    private static List<Piece> visible(Mapping m) {
        if (!(m instanceof Mapping.Iova v)) {
            return m.pieces();
        }
        List<Piece> pieces = v.pieces();
        return pieces.stream().filter(p -> v.links().get(p.segment()).synced()).toList();
    }
}
