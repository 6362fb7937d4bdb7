package org.dmacheck.spec.invariant;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.dmacheck.spec.driver.OpResult;
import org.dmacheck.spec.model.LedgerChange;
import org.dmacheck.spec.model.Mapping;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.DomainConfig;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.violation.Evidence;
import org.dmacheck.spec.violation.Violation;

/**
 * Invariant 10: each release gives back exactly what its map took, and nothing else moves. Per
 * step, the resources held for live mappings — IOVA granules per domain (allocated minus waiting in
 * a flush queue, so lazy invalidation is accounted for), page-table entries per domain as the
 * platform counts them, swiotlb slots, coherent bytes — change only by what the step's map took or
 * its unmap released, and an unmap's release equals its map's take (for a two-step state: what
 * try_alloc and the links took, less what unlinks gave back; an unlink gives back its link's PTEs
 * and slots and keeps the reservation). At teardown, after every release and a flush-queue timeout,
 * everything — flush queues included — is back at the baseline (skipped after a misused call: the
 * engine may keep what it refused).
 */
public final class Balance implements Invariant {
    /** Resource amounts, by name ("iova dom0", "ptes dom0", "swiotlb slots", "coherent bytes"). */
    private record Amounts(Map<String, Long> values) {
        static Amounts of(Platform platform, Usage u) {
            Map<String, Long> v = new LinkedHashMap<>();
            for (DomainConfig d : platform.config().domains()) {
                v.put("iova granules " + d.id(), u.heldIova(d.id()));
                v.put("ptes " + d.id(), u.livePtes(d.id()));
            }
            v.put("swiotlb slots", u.swiotlbSlots());
            v.put("coherent bytes", u.coherentBytes());
            return new Amounts(v);
        }

        Amounts minus(Amounts o) {
            Map<String, Long> v = new LinkedHashMap<>();
            values.forEach((k, x) -> v.put(k, x - o.values.getOrDefault(k, 0L)));
            return new Amounts(v);
        }

        Amounts plus(Amounts o) {
            Map<String, Long> v = new LinkedHashMap<>();
            values.forEach((k, x) -> v.put(k, x + o.values.getOrDefault(k, 0L)));
            return new Amounts(v);
        }

        Amounts negated() {
            Map<String, Long> v = new LinkedHashMap<>();
            values.forEach((k, x) -> v.put(k, -x));
            return new Amounts(v);
        }

        boolean isZero() {
            return values.values().stream().allMatch(x -> x == 0);
        }

        /** Evidence for each amount where {@code this} (released) differs from {@code expected} (taken). */
        List<Evidence> differences(Amounts expected, String took, String gave) {
            List<Evidence> out = new ArrayList<>();
            values.forEach((k, x) -> {
                long e = expected.values.getOrDefault(k, 0L);
                if (x != e) {
                    out.add(Evidence.text(k, took + " " + e + ", " + gave + " " + x));
                }
            });
            return out;
        }
    }

    private final Map<String, Amounts> taken = new HashMap<>();
    private final Map<String, Amounts> linkTaken = new HashMap<>();

    @Override
    public String description() {
        return "each unmap releases exactly the IOVA, page-table entries and swiotlb slots its map took (lazy flush "
                + "queues accounted for), nothing else moves them, and after teardown everything is back at baseline";
    }

    @Override
    public Optional<Violation> afterStep(StepContext ctx) {
        LedgerChange c = ctx.change();
        for (Mapping m : c.abandoned()) {
            forget(m.handle());
        }
        boolean releasesUnjudged = ctx.executed().released().size() > c.released().size();
        if (ctx.misuse() || ctx.result() instanceof OpResult.Threw || releasesUnjudged) {
            // a misused call, or the release of a mapping abandoned after one: the engine may hold
            // or free anything of it, so this step's amounts say nothing
            c.released().forEach(m -> forget(m.handle()));
            return Optional.empty();
        }
        Amounts delta = Amounts.of(ctx.platform(), ctx.after()).minus(Amounts.of(ctx.platform(), ctx.before()));
        Amounts zero = delta.minus(delta);
        for (Mapping m : c.created()) {
            taken.put(m.handle(), delta);
            delta = zero;
        }
        for (LedgerChange.Update u : c.updated()) {
            Optional<Violation> v = relink(ctx, u, delta);
            if (v.isPresent()) {
                return v;
            }
            delta = zero;
        }
        for (Mapping m : c.released()) {
            Amounts took = taken.remove(m.handle());
            forgetLinks(m.handle());
            Amounts gave = delta.negated();
            delta = zero;
            if (took != null && !gave.equals(took)) {
                List<Evidence> ev = new ArrayList<>();
                ev.add(Evidence.text("handle", m.handle()));
                ev.add(Evidence.count("mapped at step", m.step()));
                ev.addAll(gave.differences(took, "took", "released"));
                return Optional.of(new Violation(name(), ctx.step(), m.dev(),
                        "unmap releases a different amount than its map took", ev));
            }
        }
        if (!delta.isZero() && c.created().isEmpty() && c.released().isEmpty() && c.updated().isEmpty()) {
            List<Evidence> ev = new ArrayList<>();
            ev.add(Evidence.text("call", ResultWellFormed.callName(ctx.op())));
            ev.addAll(delta.differences(zero, "expected", "changed by"));
            return Optional.of(new Violation(name(), ctx.step(), ResultWellFormed.deviceOf(ctx),
                    "resources change on a step that maps and unmaps nothing", ev));
        }
        return Optional.empty();
    }

    /** A link takes; an unlink gives back exactly its link's take and keeps the reservation. */
    private Optional<Violation> relink(StepContext ctx, LedgerChange.Update u, Amounts delta) {
        String h = u.after().handle();
        Amounts sum = taken.get(h);
        if (ctx.op() instanceof Op.IovaLink l) {
            linkTaken.put(h + "@" + l.offset(), delta);
            if (sum != null) {
                taken.put(h, sum.plus(delta));
            }
        } else if (ctx.op() instanceof Op.IovaUnlink l) {
            Amounts took = linkTaken.remove(h + "@" + l.offset());
            Amounts gave = delta.negated();
            if (sum != null) {
                taken.put(h, sum.minus(gave));
            }
            if (took != null && !gave.equals(took)) {
                List<Evidence> ev = new ArrayList<>();
                ev.add(Evidence.text("handle", h));
                ev.add(Evidence.addr("link offset", l.offset()));
                ev.addAll(gave.differences(took, "link took", "unlink released"));
                return Optional.of(new Violation(name(), ctx.step(), u.after().dev(),
                        "dma_iova_unlink releases a different amount than its link took", ev));
            }
        } else if (!delta.isZero()) {
            List<Evidence> ev = new ArrayList<>();
            ev.add(Evidence.text("handle", h));
            ev.addAll(delta.differences(delta.minus(delta), "expected", "changed by"));
            return Optional.of(new Violation(name(), ctx.step(), u.after().dev(), "dma_iova_sync changes resources", ev));
        }
        return Optional.empty();
    }

    @Override
    public Optional<Violation> atTeardown(TeardownContext ctx) {
        if (ctx.misused()) {
            return Optional.empty();
        }
        List<Evidence> ev = new ArrayList<>();
        Usage b = ctx.baseline();
        Usage n = ctx.now();
        for (DomainConfig d : ctx.platform().config().domains()) {
            compare(ev, "iova granules " + d.id(), b.iovaGranules(d.id()), n.iovaGranules(d.id()));
            compare(ev, "flush-queued granules " + d.id(), queued(b, d), queued(n, d));
            compare(ev, "ptes " + d.id(), b.livePtes(d.id()), n.livePtes(d.id()));
        }
        compare(ev, "swiotlb slots", b.swiotlbSlots(), n.swiotlbSlots());
        compare(ev, "coherent bytes", b.coherentBytes(), n.coherentBytes());
        if (ev.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Violation(name(), ctx.step(), null,
                "resources not back at baseline after every handle was released", ev));
    }

    private static long queued(Usage u, DomainConfig d) {
        return u.engine() == null ? 0 : u.engine().flushQueued().getOrDefault(d.id(), 0L);
    }

    private static void compare(List<Evidence> ev, String what, long baseline, long now) {
        if (baseline != now) {
            ev.add(Evidence.text(what, "baseline " + baseline + ", now " + now));
        }
    }

    private void forget(String handle) {
        taken.remove(handle);
        forgetLinks(handle);
    }

    private void forgetLinks(String handle) {
        linkTaken.keySet().removeIf(k -> k.startsWith(handle + "@"));
    }
}
