package org.dmacheck.prop;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.dmacheck.spec.contract.Check;
import org.dmacheck.spec.contract.ContractViolation;
import org.dmacheck.spec.contract.DmaDebug;
import org.dmacheck.spec.contract.DmaDebugOptions;
import org.dmacheck.spec.contract.ExecutedFeed;
import org.dmacheck.spec.driver.Binding;
import org.dmacheck.spec.driver.Executed;
import org.dmacheck.spec.driver.OpResult;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.DmaAttrs;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.platform.Unsigned;

/**
 * The dma-debug mirror running next to a case: every executed step goes to {@link DmaDebug}
 * through {@link ExecutedFeed}, what it reports becomes kernel-log lines ({@code DMA-API: ...
 * [step N]}), and every misuse step must be reported with the check {@code kernel/dma/debug.c}
 * would print for it (wrong size U3, wrong direction U7, unknown address U2, wrong sg count U6,
 * sync outside S1/S2, sync direction S3 ...) — or BUG() on a DMA_NONE direction, as the kernel's
 * wrappers do. A misuse the mirror does not report is a failure of kind {@link #MISSED}.
 *
 * <p>Where debug.c itself is blind, nothing is required: since v6.18 {@code dma_map_page} and
 * {@code dma_map_phys} book the same {@code phy} entry, so unmapping one with the other's function
 * shows nothing; and {@code check_sync()} compares only sizes, so a sync that starts inside the
 * mapping and runs past its end (no larger than the mapping) passes.
 */
final class DebugMirror {
    /** The failure kind of a misuse step dma-debug did not report. */
    static final String MISSED = "dma-debug-missed";

    private final ExecutedFeed feed;
    private final List<String> log = new ArrayList<>();

    DebugMirror(Platform platform) {
        this.feed = new ExecutedFeed(new DmaDebug(dev -> platform.config().devices().stream()
                .filter(d -> d.id().equals(dev)).findFirst(), DmaDebugOptions.DEFAULT));
    }

    /** The dma-debug lines so far, each naming its step. */
    List<String> log() {
        return List.copyOf(log);
    }

    /**
     * Feeds {@code e}; {@code before} are the live bindings just before it ran. Returns the
     * failure when {@code e} is a misuse dma-debug should have reported and did not.
     */
    Optional<Finding> accept(Executed e, Collection<Binding> before) {
        List<ContractViolation> reported = feed.accept(asCalled(e));
        reported.forEach(v -> log.add(v.render()));
        if (!e.isMisuse() || (e.result() instanceof OpResult.Threw t && t.bugStyle())) {
            return Optional.empty(); // a correct call, or a BUG() on DMA_NONE: reported by the crash
        }
        Set<Check> got = reported.stream().map(ContractViolation::check).collect(Collectors.toSet());
        List<Set<Check>> missing = expected(e.op(), before).stream().filter(any -> any.stream().noneMatch(got::contains))
                .toList();
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Finding(MISSED, (int) e.step(), "DMA-API: dma-debug mirror missed a misuse [misuse="
                + e.misuse() + "] [expected=" + missing.stream().map(DebugMirror::ids).collect(Collectors.joining(" and "))
                + "] [reported=" + (got.isEmpty() ? "nothing" : ids(got)) + "] [step " + e.step() + "]"));
    }

    /**
     * The step as the kernel's wrappers make it: {@code dma_map_resource()} and
     * {@code dma_unmap_resource()} add {@code DMA_ATTR_MMIO} before the dma-debug hook (v6.18+), so
     * a resource mapping unmapped as a page (or the reverse) differs in the attributes (U9).
     */
    private static Executed asCalled(Executed e) {
        Op op = e.op();
        Op called = op;
        if (op instanceof Op.MapSingle m && m.kind() == Op.MapKind.RESOURCE) {
            called = new Op.MapSingle(m.handle(), m.dev(), m.kind(), m.phys(), m.size(), m.dir(), m.attrs() | DmaAttrs.MMIO);
        } else if (op instanceof Op.UnmapSingle u && u.kind() == Op.MapKind.RESOURCE) {
            called = new Op.UnmapSingle(u.handle(), u.kind(), u.addrDelta(), u.size(), u.dir(), u.attrs() | DmaAttrs.MMIO);
        } else if (op instanceof Op.UnmapUnknown u && u.kind() == Op.MapKind.RESOURCE) {
            called = new Op.UnmapUnknown(u.dev(), u.kind(), u.dmaAddr(), u.size(), u.dir(), u.attrs() | DmaAttrs.MMIO);
        }
        return called == op ? e : new Executed(e.step(), called, e.result(), e.misuse(), e.released(), e.misused());
    }

    /**
     * What debug.c reports for the misuse {@code op}: each set is one mistake, satisfied by any of
     * its checks. Empty when dma-debug has no hook for the call (two-step API, map direction).
     */
    static List<Set<Check>> expected(Op op, Collection<Binding> before) {
        List<Set<Check>> out = new ArrayList<>();
        if (op instanceof Op.UnmapSingle u) {
            find(before, u.handle()).filter(Binding.Single.class::isInstance).map(Binding.Single.class::cast)
                    .ifPresent(b -> unmapOf(b, u.kind(), u.addrDelta(), u.size(), u.dir(), out));
        } else if (op instanceof Op.UnmapUnknown u) {
            List<Binding> starting = before.stream().filter(b -> b.dev().equals(u.dev())
                    && b.targets().stream().anyMatch(t -> t.dmaAddr() == u.dmaAddr())).toList();
            if (starting.isEmpty()) {
                out.add(EnumSet.of(u.dmaAddr() == DmaDebug.DMA_MAPPING_ERROR ? Check.U1 : Check.U2));
            } else if (starting.size() == 1 && starting.get(0) instanceof Binding.Single b && !b.misused()) {
                unmapOf(b, u.kind(), 0, u.size(), u.dir(), out);
            } else {
                // several candidates (debug.c picks a best fit), or one already misused
                out.add(EnumSet.of(Check.U2, Check.U3, Check.U4, Check.U6, Check.U7, Check.U9));
            }
        } else if (op instanceof Op.SyncSingle s) {
            find(before, s.handle()).filter(Binding.Single.class::isInstance).map(Binding.Single.class::cast)
                    .ifPresent(b -> {
                        if (!Unsigned.lt(s.offset(), b.size())) {
                            out.add(EnumSet.of(Check.S1)); // no entry contains the start
                        } else if (Unsigned.lt(b.size(), s.size())) {
                            out.add(EnumSet.of(Check.S2));
                        } // else inside at the start and no larger: check_sync() does not see it
                        syncDirection(b.dir(), s.dir(), out);
                    });
        } else if (op instanceof Op.UnmapSg u) {
            find(before, u.handle()).filter(Binding.Sg.class::isInstance).map(Binding.Sg.class::cast).ifPresent(b -> {
                if (u.nents() != b.nents()) {
                    out.add(EnumSet.of(Check.U6));
                }
                if (u.dir() != b.dir()) {
                    out.add(EnumSet.of(Check.U7));
                }
            });
        } else if (op instanceof Op.SyncSg s) {
            find(before, s.handle()).filter(Binding.Sg.class::isInstance).map(Binding.Sg.class::cast).ifPresent(b -> {
                if (s.nents() != b.nents()) {
                    out.add(EnumSet.of(Check.S6));
                }
                syncDirection(b.dir(), s.dir(), out);
            });
        }
        return out;
    }

    /** check_unmap() of a single mapping: the address first (U2 hides the rest), then size, kind, direction. */
    private static void unmapOf(Binding.Single b, Op.MapKind kind, long addrDelta, long size,
                                Direction dir, List<Set<Check>> out) {
        if (addrDelta != 0) {
            out.add(EnumSet.of(Check.U2));
            return;
        }
        if (size != b.size()) {
            out.add(EnumSet.of(Check.U3));
        }
        if (kind != b.kind() && (kind == Op.MapKind.RESOURCE || b.kind() == Op.MapKind.RESOURCE)) {
            out.add(EnumSet.of(Check.U4, Check.U9)); // page vs phys: the same phy entry since v6.18
        }
        if (dir != b.dir()) {
            out.add(EnumSet.of(Check.U7));
        }
    }

    /** check_sync(): a direction other than a non-bidirectional mapping's. */
    private static void syncDirection(Direction mapped,
                                      Direction synced, List<Set<Check>> out) {
        if (mapped != Direction.BIDIRECTIONAL && synced != mapped) {
            out.add(EnumSet.of(Check.S3));
        }
    }

    private static Optional<Binding> find(Collection<Binding> bindings, String handle) {
        return bindings.stream().filter(b -> b.handle().equals(handle)).findFirst();
    }

    private static String ids(Set<Check> checks) {
        return checks.stream().map(Check::id).sorted().collect(Collectors.joining("|"));
    }
}
