package org.dmacheck.spec.invariant;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import org.dmacheck.spec.model.Mapping;
import org.dmacheck.spec.platform.DomainConfig;
import org.dmacheck.spec.platform.IovaRange;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.platform.Unsigned;
import org.dmacheck.spec.violation.Evidence;
import org.dmacheck.spec.violation.Violation;

/**
 * Invariant 3: in one IOMMU domain, the granule-rounded IOVA ranges of live mappings and of live
 * two-step reservations are pairwise disjoint, avoid the domain's reserved regions (MSI window,
 * host-bridge windows, everything outside the aperture) and never include IOVA page 0 (§5–6,
 * §13 C13–C14). Each domain keeps a sorted map of its live ranges, so a new range is checked against
 * its two neighbours in O(log n).
 */
public final class NoIovaOverlap implements Invariant {
    private record Span(long start, long last, String handle, long step) {
    }

    private final Map<String, NavigableMap<Long, Span>> live = new HashMap<>();
    private final Map<String, NavigableMap<Long, IovaRange>> reserved = new HashMap<>();
    private final Map<String, NavigableMap<Long, Long>> reach = new HashMap<>();
    private final Map<String, List<SpanKey>> spansOf = new HashMap<>();

    private record SpanKey(String domain, long start) {
    }

    @Override
    public String description() {
        return "in one IOMMU domain, the granule-rounded IOVA ranges of live mappings and two-step reservations are "
                + "disjoint, outside every reserved region and the aperture's outside, and never include IOVA page 0";
    }

    @Override
    public Optional<Violation> afterStep(StepContext ctx) {
        for (Mapping m : ctx.change().released()) {
            remove(m.handle());
        }
        for (Mapping m : ctx.change().abandoned()) {
            remove(m.handle());
        }
        Optional<Violation> found = Optional.empty();
        for (Mapping m : ctx.change().created()) {
            Optional<DomainConfig> d = ctx.ledger().translatingDomain(m.dev());
            if (d.isPresent()) {
                Optional<Violation> v = add(ctx.platform(), d.get(), m, ctx.step());
                if (found.isEmpty() && !ctx.misuse()) {
                    found = v;
                }
            }
        }
        return found;
    }

    @Override
    public Optional<Violation> sweep(SweepContext ctx) {
        NoIovaOverlap fresh = new NoIovaOverlap();
        for (Mapping m : ctx.ledger().live()) {
            Optional<DomainConfig> d = ctx.ledger().translatingDomain(m.dev());
            if (d.isPresent()) {
                Optional<Violation> v = fresh.add(ctx.platform(), d.get(), m, 0);
                if (v.isPresent()) {
                    return v;
                }
            }
        }
        return Optional.empty();
    }

    private Optional<Violation> add(Platform platform, DomainConfig d, Mapping m, long step) {
        long g = d.granule();
        NavigableMap<Long, Span> spans = live.computeIfAbsent(d.id(), k -> new TreeMap<>(Long::compareUnsigned));
        Optional<Violation> found = Optional.empty();
        for (long[] r : m.iovaSpans(g)) {
            Span s = new Span(r[0], r[1], m.handle(), m.step());
            Optional<Violation> v = check(platform, d, spans, s, step, m);
            if (v.isPresent()) {
                found = found.or(() -> v);
                continue;
            }
            spans.put(s.start(), s);
            spansOf.computeIfAbsent(m.handle(), h -> new ArrayList<>()).add(new SpanKey(d.id(), s.start()));
        }
        return found;
    }

    private Optional<Violation> check(Platform platform, DomainConfig d, NavigableMap<Long, Span> spans, Span s,
                                      long step, Mapping m) {
        if (Unsigned.lt(s.start(), d.granule())) {
            return fail(step, m, "DMA engine hands out IOVA page 0", d, s, Evidence.hex("granule", d.granule()));
        }
        Map.Entry<Long, Span> below = spans.floorEntry(s.last());
        if (below != null && Unsigned.le(s.start(), below.getValue().last())) {
            Span o = below.getValue();
            return fail(step, m, "DMA engine hands out IOVA that overlaps a live mapping", d, s,
                    Evidence.range("live iova", o.start(), o.last()), Evidence.text("live handle", o.handle()),
                    Evidence.count("live since step", o.step()));
        }
        // reserved ranges may overlap one another: walk down from the last one starting at or before
        // s.last while some range at or below that start still reaches s.start (prefix maximum of ends)
        NavigableMap<Long, IovaRange> res = reservedOf(platform, d);
        NavigableMap<Long, Long> reach = reachOf(d);
        for (Map.Entry<Long, IovaRange> e = res.floorEntry(s.last());
             e != null && Unsigned.le(s.start(), reach.get(e.getKey())); e = res.lowerEntry(e.getKey())) {
            IovaRange r = e.getValue();
            if (r.overlaps(s.start(), s.last())) {
                return fail(step, m, "DMA engine hands out IOVA inside a reserved region", d, s,
                        Evidence.range("reserved", r.start(), r.last()), Evidence.text("why", r.why()));
            }
        }
        return Optional.empty();
    }

    /** For each reserved start, the largest end of any reserved range starting at or below it. */
    private NavigableMap<Long, Long> reachOf(DomainConfig d) {
        return reach.computeIfAbsent(d.id(), k -> {
            NavigableMap<Long, Long> out = new TreeMap<>(Long::compareUnsigned);
            Long best = null;
            for (IovaRange r : reserved.get(d.id()).values()) {
                best = best == null || Unsigned.lt(best, r.last()) ? r.last() : best;
                out.put(r.start(), best);
            }
            return out;
        });
    }

    private NavigableMap<Long, IovaRange> reservedOf(Platform platform, DomainConfig d) {
        return reserved.computeIfAbsent(d.id(), k -> {
            NavigableMap<Long, IovaRange> out = new TreeMap<>(Long::compareUnsigned);
            for (IovaRange r : platform.domain(d.id()).reservedRegions()) {
                IovaRange prev = out.get(r.start());
                if (prev == null || Unsigned.lt(prev.last(), r.last())) {
                    out.put(r.start(), r);
                }
            }
            return out;
        });
    }

    private void remove(String handle) {
        for (SpanKey k : spansOf.getOrDefault(handle, List.of())) {
            NavigableMap<Long, Span> map = live.get(k.domain());
            Span sp = map.get(k.start());
            if (sp != null && sp.handle().equals(handle)) {
                map.remove(k.start());
            }
        }
        spansOf.remove(handle);
    }

    private Optional<Violation> fail(long step, Mapping m, String message, DomainConfig d, Span s, Evidence... more) {
        List<Evidence> ev = new ArrayList<>();
        ev.add(Evidence.text("domain", d.id()));
        ev.add(Evidence.range("iova", s.start(), s.last()));
        ev.add(Evidence.text("handle", m.handle()));
        ev.addAll(List.of(more));
        return Optional.of(new Violation(name(), step, m.dev(), message, ev));
    }
}
