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
import org.dmacheck.spec.contract.DebugEntry;
import org.dmacheck.spec.contract.DmaDebug;
import org.dmacheck.spec.contract.DmaDebugOptions;
import org.dmacheck.spec.contract.EntryType;
import org.dmacheck.spec.contract.ExecutedFeed;
import org.dmacheck.spec.driver.Binding;
import org.dmacheck.spec.driver.Driver;
import org.dmacheck.spec.driver.Executed;
import org.dmacheck.spec.driver.OpResult;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
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
 * <p>Where debug.c itself is blind, nothing is required: since v6.18 every single map books the
 * same {@code phy} entry, so an unmap with another function shows only where the attributes differ
 * ({@code dma_map_resource} = {@code dma_map_phys} with {@code DMA_ATTR_MMIO},
 * {@link ExecutedFeed#hookAttrs}); and {@code dma_unmap_page_attrs()} with {@code DMA_ATTR_MMIO}
 * returns before the hook ({@link ExecutedFeed#reachesHook}).
 */
final class DebugMirror {
    /** The failure kind of a misuse step dma-debug did not report. */
    static final String MISSED = "dma-debug-missed";

    /** Any finding of check_unmap() on a found or missing entry. */
    private static final Set<Check> ANY_UNMAP_CHECK = Set.copyOf(EnumSet.of(Check.U2, Check.U3, Check.U4, Check.U6,
            Check.U7, Check.U9));

    private final ExecutedFeed feed;
    private final List<String> log = new ArrayList<>();
    private final Books books = new Books();

    DebugMirror(Platform platform) {
        this.feed = new ExecutedFeed(new DmaDebug(dev -> platform.config().devices().stream()
                .filter(d -> d.id().equals(dev)).findFirst(), DmaDebugOptions.DEFAULT));
    }

    /** The dma-debug lines so far, each naming its step. */
    List<String> log() {
        return List.copyOf(log);
    }

    /**
     * Feeds {@code e}; {@code before} are the live bindings it consulted ({@link #consulted}), as they
     * were just before it ran. Returns the failure when {@code e} is a misuse dma-debug should have
     * reported and did not.
     */
    Optional<Finding> accept(Executed e, Collection<Binding> before) {
        List<Set<Check>> expected = e.isMisuse() ? expected(e.op(), before, books) : List.of();
        List<ContractViolation> reported = feed.accept(e);
        reported.forEach(v -> log.add(v.render()));
        if (!e.isMisuse() || (e.result() instanceof OpResult.Threw t && t.bugStyle())) {
            return Optional.empty(); // a correct call, or a BUG() on DMA_NONE: reported by the crash
        }
        Set<Check> got = reported.stream().map(ContractViolation::check).collect(Collectors.toSet());
        List<Set<Check>> missing = expected.stream().filter(any -> any.stream().noneMatch(got::contains)).toList();
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Finding(MISSED, (int) e.step(), "DMA-API: dma-debug mirror missed a misuse [misuse="
                + e.misuse() + "] [expected=" + missing.stream().map(DebugMirror::ids).collect(Collectors.joining(" and "))
                + "] [reported=" + (got.isEmpty() ? "nothing" : ids(got)) + "] [step " + e.step() + "]"));
    }

    /**
     * What debug.c reports for the misuse {@code op}: each set is one mistake, satisfied by any of
     * its checks. Empty when dma-debug has no hook for the call (two-step API, map direction) or
     * when its books make the call look correct — they hold what the driver's calls booked,
     * which after earlier misuse is not the driver's view: an entry found at the address decides.
     *
     * @param before the driver's live bindings the call names or unmaps at ({@link #consulted}), before it
     * @param booked dma-debug's entries before the call
     */
    static List<Set<Check>> expected(Op op, Collection<Binding> before, Booked booked) {
        List<Set<Check>> out = new ArrayList<>();
        if (!ExecutedFeed.reachesHook(op)) {
            return out;
        }
        if (op instanceof Op.UnmapSingle u) {
            find(before, u.handle()).filter(Binding.Single.class::isInstance).map(Binding.Single.class::cast)
                    .ifPresent(b -> unmapAt(b.dev(), b.dmaAddr() + u.addrDelta(), u.addrDelta() == 0 ? b : null, u.kind(),
                            u.size(), u.dir(), u.attrs(), booked, out));
        } else if (op instanceof Op.UnmapUnknown u) {
            List<Binding.Single> there = singlesAt(u.dev(), u.dmaAddr(), before);
            unmapAt(u.dev(), u.dmaAddr(), there.size() == 1 ? there.get(0) : null, u.kind(), u.size(), u.dir(), u.attrs(),
                    booked, out);
        } else if (op instanceof Op.SyncSingle s) {
            find(before, s.handle()).filter(Binding.Single.class::isInstance).map(Binding.Single.class::cast)
                    .ifPresent(b -> checkSync(b, b.dmaAddr() + s.offset(), s.size(), s.dir(), booked, out));
        } else if (op instanceof Op.UnmapSg u) {
            find(before, u.handle()).filter(Binding.Sg.class::isInstance).map(Binding.Sg.class::cast)
                    .ifPresent(b -> unmapSg(b, u, booked, out));
        } else if (op instanceof Op.SyncSg s) {
            find(before, s.handle()).filter(Binding.Sg.class::isInstance).map(Binding.Sg.class::cast)
                    // each segment's check_sync() finds its own entry, and only it: bucket_find_contain()
                    // gives up on several holders without a perfect fit (a misuse never fits perfectly)
                    .filter(b -> b.targets().stream().allMatch(t -> booked.at(b.dev(), t.dmaAddr()).size() == 1
                            && booked.holding(b.dev(), t.dmaAddr(), t.length()).equals(List.of(Booking.of(b, t)))))
                    .ifPresent(b -> {
                        if (s.nents() != b.nents()) {
                            out.add(EnumSet.of(Check.S6));
                        }
                        syncDirection(b.dir(), s.dir(), out);
                    });
        }
        return out;
    }

    /**
     * One dma-debug entry as check_unmap() and check_sync() judge a call against it: where, how
     * long, which direction, which attributes of {@code DMA_ATTR_UNMAP_VALID}. Two entries that agree
     * on these give the same verdicts, whichever mapping booked them.
     */
    record Booking(long dmaAddr, long size, Direction dir, long attrs, EntryType type, int sgCallEnts) {
        Booking {
            attrs &= DmaDebug.UNMAP_VALID_ATTRS;
        }

        /** A single mapping's "phy" entry (every single map books one since v6.18). */
        Booking(long dmaAddr, long size, Direction dir, long attrs) {
            this(dmaAddr, size, dir, attrs, EntryType.PHY, 0);
        }

        /** What a single mapping booked: dma_map_resource() adds {@code DMA_ATTR_MMIO}. */
        static Booking of(Binding.Single b) {
            return new Booking(b.dmaAddr(), b.size(), b.dir(), ExecutedFeed.hookAttrs(b.kind(), b.attrs()));
        }

        /** What segment {@code t} of a mapped scatterlist booked. */
        static Booking of(Binding.Sg b, Binding.Target t) {
            return new Booking(t.dmaAddr(), t.length(), b.dir(), b.attrs(), EntryType.SG, b.nents());
        }

        static Booking of(DebugEntry e) {
            return new Booking(e.devAddr(), e.size(), e.direction(), e.attrs(), e.type(), e.sgCallEnts());
        }

        /** {@code __hash_bucket_find()}'s perfect fit ({@code match_lvl == 4}): size, type, direction, sg_call_ents. */
        boolean fitsPerfectly(Booking ref) {
            return size == ref.size && type == ref.type && dir == ref.dir && sgCallEnts == ref.sgCallEnts;
        }
    }

    /**
     * dma-debug's books: the entries it holds (single mappings, sg segments, allocations), which
     * after earlier misuse may differ from the driver's live bindings.
     */
    @FunctionalInterface
    interface Booked {
        List<Booking> of(DeviceId dev);

        /** The entries of {@code dev} that start at {@code addr}. */
        default List<Booking> at(DeviceId dev, long addr) {
            return of(dev).stream().filter(t -> t.dmaAddr() == addr).toList();
        }

        /** The entries of {@code dev} that hold {@code [addr, addr + size)} ({@code containing_match()}). */
        default List<Booking> holding(DeviceId dev, long addr, long size) {
            return of(dev).stream().filter(t -> DmaDebug.containingMatch(t.dmaAddr(), t.size(), addr, size)).toList();
        }
    }

    /** The books of the running dma-debug, looked up by address (O(log n) each), not listed. */
    private final class Books implements Booked {
        @Override
        public List<Booking> of(DeviceId dev) {
            return bookings(feed.debug().entries(dev));
        }

        @Override
        public List<Booking> at(DeviceId dev, long addr) {
            return bookings(feed.debug().entriesAt(dev, addr));
        }

        @Override
        public List<Booking> holding(DeviceId dev, long addr, long size) {
            return bookings(feed.debug().entriesHolding(dev, addr, size));
        }

        private List<Booking> bookings(List<DebugEntry> entries) {
            return entries.stream().map(Booking::of).toList();
        }
    }

    /**
     * The live bindings {@link #expected} may consult for {@code op}, taken from {@code driver}
     * just before the call: the one it names, or those starting at the address it unmaps.
     */
    static List<Binding> consulted(Op op, Driver driver) {
        String handle = Op.usedHandle(op);
        if (handle != null) {
            return driver.binding(handle).map(List::of).orElse(List.of());
        }
        if (op instanceof Op.UnmapUnknown u) {
            return driver.bindingsStartingAt(u.dev(), u.dmaAddr());
        }
        return List.of();
    }

    /**
     * check_unmap() of each segment of {@code b}. A segment sharing its address with other entries:
     * bucket_find_exact() takes a perfect fit for the call silently (whoever booked it), and
     * without one finds nothing (U2). Otherwise every segment's entry must be its own — one that
     * is gone or another mapping's is what debug.c judges against — and then the count and
     * direction are checked.
     */
    private static void unmapSg(Binding.Sg b, Op.UnmapSg u, Booked booked, List<Set<Check>> out) {
        boolean allOwn = true;
        for (Binding.Target t : b.targets()) {
            List<Booking> there = booked.at(b.dev(), t.dmaAddr());
            if (there.size() > 1) {
                Booking ref = new Booking(t.dmaAddr(), t.length(), u.dir(), u.attrs(), EntryType.SG, u.nents());
                if (there.stream().noneMatch(x -> x.fitsPerfectly(ref))) {
                    out.add(ANY_UNMAP_CHECK);
                }
                return;
            }
            allOwn &= there.equals(List.of(Booking.of(b, t)));
        }
        if (!allOwn) {
            return;
        }
        if (u.nents() != b.nents()) {
            out.add(EnumSet.of(Check.U6));
        }
        if (u.dir() != b.dir()) {
            out.add(EnumSet.of(Check.U7));
        }
    }

    /**
     * check_unmap() at {@code addr}: nothing booked there is U2 (U1 at DMA_MAPPING_ERROR); one
     * entry that is what the driver's {@code own} mapping booked is judged as {@code own}. Several
     * entries (a best fit among them) or one that is not {@code own}'s (its books and debug.c's
     * parted at an earlier misuse, e.g. a twin's wrong unmap fitted {@code own}'s entry perfectly
     * and dropped it) decide nothing.
     */
    private static void unmapAt(DeviceId dev, long addr, Binding.Single own, Op.MapKind kind, long size, Direction dir,
                                long attrs, Booked booked, List<Set<Check>> out) {
        List<Booking> there = booked.at(dev, addr);
        if (there.isEmpty()) {
            out.add(EnumSet.of(addr == DmaDebug.DMA_MAPPING_ERROR ? Check.U1 : Check.U2));
        } else if (own != null && !own.misused() && there.equals(List.of(Booking.of(own)))) {
            unmapOf(own, kind, size, dir, attrs, out);
        } // several: bucket_find_exact() takes a perfect fit silently, else reports against a best fit or U2
    }

    private static List<Binding.Single> singlesAt(DeviceId dev, long addr, Collection<Binding> before) {
        return before.stream().filter(o -> o instanceof Binding.Single s && s.dev().equals(dev) && s.dmaAddr() == addr)
                .map(Binding.Single.class::cast).toList();
    }

    /**
     * check_sync() of {@code [addr, addr + size)} for {@code b}, judged on debug.c's books: the
     * entries that hold the range ({@code containing_match()}). None: S1. Only {@code b}'s own:
     * S2 when the range is longer than the entry, and the direction. Any other entry (another live
     * mapping's, or one the driver no longer knows — debug.c keeps the entry of a mapping whose
     * only unmap missed it) may be the one bucket_find_contain() picks: nothing is required.
     */
    private static void checkSync(Binding.Single b, long addr, long size, Direction dir, Booked booked,
                                  List<Set<Check>> out) {
        List<Booking> holders = booked.holding(b.dev(), addr, size);
        if (holders.isEmpty()) {
            out.add(EnumSet.of(Check.S1));
        } else if (holders.equals(List.of(Booking.of(b)))) {
            if (Unsigned.lt(b.size(), size)) {
                out.add(EnumSet.of(Check.S2));
            }
            syncDirection(b.dir(), dir, out);
        }
    }

    /** check_unmap() against {@code b}'s entry: size, attributes (the unmap function), direction. */
    private static void unmapOf(Binding.Single b, Op.MapKind kind, long size, Direction dir, long attrs,
                                List<Set<Check>> out) {
        if (size != b.size()) {
            out.add(EnumSet.of(Check.U3));
        }
        // every single map books a "phy" entry since v6.18: a wrong unmap function shows only as
        // different attributes (map_resource vs map_phys without DMA_ATTR_MMIO), never as U4
        if ((ExecutedFeed.hookAttrs(kind, attrs) & DmaDebug.UNMAP_VALID_ATTRS) != Booking.of(b).attrs()) {
            out.add(EnumSet.of(Check.U9));
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
