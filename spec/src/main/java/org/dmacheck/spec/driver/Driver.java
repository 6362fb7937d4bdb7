package org.dmacheck.spec.driver;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.dmacheck.spec.api.CoherentBuffer;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.api.DmaIovaState;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.op.Pattern;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.DmaAccess;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.platform.Unsigned;

/**
 * Executes {@link Op}s against a {@link DmaEngine} on a {@link Platform}, the way a kernel driver
 * would: it binds each handle to the live object a map call returned, turns symbolic references
 * into concrete calls ({@code DeviceWrite(h, segment, offset, len, pattern)} becomes
 * {@code platform.dmaWrite(dev, segmentAddress + offset, pattern bytes)}), and returns an
 * {@link Executed} step. It is the one executor the harness, trace replay and out-of-process
 * validation share.
 *
 * <p>Rules that keep every sequence valid, so shrinking can delete any step:
 * <ul>
 *   <li>an operation on a handle that is not live (never bound, its map failed, already released)
 *       is {@link OpResult.Skipped}, as is a map that would rebind a live handle; so is the release of
 *       a misused binding whose device addresses another live binding now holds (the engine
 *       released it at the misuse; the call would release the other one), which drops it;</li>
 *   <li>a device access picks segment {@code segment mod (number of segments)} of its handle, starts
 *       at {@code offset mod (segment length)} and is cut at the segment's end, so it always stays
 *       inside what the handle maps. Segments are the single mapping, the returned DMA segments of a
 *       scatterlist, the links of a two-step state (in link order), or the coherent buffer;</li>
 *   <li>CPU and device writes put {@code Pattern.bytes(pattern, 0, len)} (the pattern from its
 *       first byte).</li>
 * </ul>
 *
 * <p>Engine exceptions are caught and returned as {@link OpResult.Threw}; the caller decides what
 * they mean (an {@link IllegalArgumentException} on a misused call is the engine's documented
 * {@code BUG()}). A call that breaks the driver contract is still executed and is flagged in
 * {@link Executed#misuse()}; the binding it targeted becomes {@link Binding#misused()} and from then
 * on only a correct release is issued on it.
 *
 * <p>Not thread-safe, but not tied to a thread either: a harness may run each call on a worker
 * thread (for a per-call timeout) as long as calls do not overlap.
 */
public final class Driver {
    /** The largest CPU or device access the driver performs, in bytes. */
    public static final int MAX_ACCESS = 1 << 28;

    private final Platform platform;
    private final DmaEngine engine;
    private final BindingTable bindings = new BindingTable();
    private long step;

    public Driver(Platform platform, DmaEngine engine) {
        this.platform = platform;
        this.engine = engine;
    }

    public Platform platform() {
        return platform;
    }

    public DmaEngine engine() {
        return engine;
    }

    /** The number of steps executed so far (the last step's number). */
    public long steps() {
        return step;
    }

    /** The live binding of {@code handle}, if any. */
    public Optional<Binding> binding(String handle) {
        return Optional.ofNullable(bindings.get(handle));
    }

    /** The live bindings of {@code dev} with a segment (or a two-step state) starting at {@code addr}, oldest first. */
    public List<Binding> bindingsStartingAt(DeviceId dev, long addr) {
        return bindings.startingAt(dev, addr);
    }

    /** Every live binding, oldest first. */
    public Collection<Binding> bindings() {
        return Collections.unmodifiableCollection(bindings.values());
    }

    /** Executes {@code op} as the next step. */
    public Executed execute(Op op) {
        step++;
        Outcome o = new Outcome();
        if (op instanceof Op.MapSingle m) {
            mapSingle(m, o);
        } else if (op instanceof Op.UnmapSingle u) {
            unmapSingle(u, o);
        } else if (op instanceof Op.UnmapUnknown u) {
            unmapUnknown(u, o);
        } else if (op instanceof Op.MapSg m) {
            mapSg(m, o);
        } else if (op instanceof Op.UnmapSg u) {
            unmapSg(u, o);
        } else if (op instanceof Op.SyncSingle s) {
            syncSingle(s, o);
        } else if (op instanceof Op.SyncSg s) {
            syncSg(s, o);
        } else if (op instanceof Op.IovaTryAlloc t) {
            iovaTryAlloc(t, o);
        } else if (op instanceof Op.IovaLink l) {
            iovaLink(l, o);
        } else if (op instanceof Op.IovaSync s) {
            iovaSync(s, o);
        } else if (op instanceof Op.IovaUnlink u) {
            iovaUnlink(u, o);
        } else if (op instanceof Op.IovaFree f) {
            iovaFree(f, o);
        } else if (op instanceof Op.IovaDestroy d) {
            iovaDestroy(d, o);
        } else if (op instanceof Op.AllocCoherent a) {
            allocCoherent(a, o);
        } else if (op instanceof Op.FreeCoherent f) {
            freeCoherent(f, o);
        } else if (op instanceof Op.CpuWrite w) {
            cpuWrite(w, o);
        } else if (op instanceof Op.CpuRead r) {
            cpuRead(r, o);
        } else if (op instanceof Op.DeviceWrite w) {
            deviceAccess(w.handle(), w.segment(), w.offset(), w.len(), w.pattern(), true, o);
        } else if (op instanceof Op.DeviceRead r) {
            deviceAccess(r.handle(), r.segment(), r.offset(), r.len(), 0, false, o);
        } else if (op instanceof Op.Tick t) {
            o.result = call(() -> {
                engine.advanceClock(t.millis());
                return new OpResult.Done();
            });
        } else {
            throw new IllegalArgumentException("unknown operation " + op);
        }
        return new Executed(step, op, o.result, o.misuse, o.released, o.misused);
    }

    /**
     * Operations that release every live binding correctly, newest first: unmaps with the map's own
     * kind, size, direction, entry count and attributes (a {@code dma_map_phys(DMA_ATTR_MMIO)} is
     * unmapped with {@code DMA_ATTR_MMIO}), two-step destroy (or unlink each link, then free), and
     * coherent frees. The harness runs them at teardown, then lets time pass.
     */
    public List<Op> teardownOps() {
        List<Binding> live = new ArrayList<>(bindings.values());
        Collections.reverse(live);
        List<Op> ops = new ArrayList<>();
        for (Binding b : live) {
            if (b instanceof Binding.Single s) {
                ops.add(new Op.UnmapSingle(s.handle(), s.kind(), 0, s.size(), s.dir(), s.attrs()));
            } else if (b instanceof Binding.Sg g) {
                ops.add(new Op.UnmapSg(g.handle(), g.nents(), g.dir(), g.attrs()));
            } else if (b instanceof Binding.Iova v) {
                long tiled = tiledLength(v.links());
                if (tiled >= 0 && !v.links().isEmpty()) {
                    ops.add(new Op.IovaDestroy(v.handle(), tiled, v.links().get(0).dir(), 0));
                } else {
                    for (Binding.Link l : v.links()) {
                        ops.add(new Op.IovaUnlink(v.handle(), l.offset(), l.size(), l.dir(), 0));
                    }
                    ops.add(new Op.IovaFree(v.handle()));
                }
            } else if (b instanceof Binding.Coherent c) {
                ops.add(new Op.FreeCoherent(c.handle(), 0));
            }
        }
        return ops;
    }

    // ---- single mappings ------------------------------------------------------------------------

    private void mapSingle(Op.MapSingle m, Outcome o) {
        if (rebinds(m.handle(), o)) {
            return;
        }
        o.misuse = m.dir().isValid() ? null : "map with DMA_NONE";
        long pageSize = platform.config().pageSize();
        o.result = call(() -> new OpResult.Mapped(switch (m.kind()) {
            case PHYS -> engine.mapPhys(m.dev(), m.phys(), m.size(), m.dir(), m.attrs());
            case PAGE -> engine.mapPage(m.dev(), Unsigned.alignDown(m.phys(), pageSize), m.phys() & (pageSize - 1),
                    m.size(), m.dir(), m.attrs());
            case RESOURCE -> engine.mapResource(m.dev(), m.phys(), m.size(), m.dir(), m.attrs());
        }));
        if (o.result instanceof OpResult.Mapped r && !r.failed()) {
            bindings.put(new Binding.Single(m.handle(), m.dev(), m.kind(), m.phys(), m.size(), m.dir(),
                    m.attrs(), r.dmaAddr(), o.misuse != null));
        }
    }

    private void unmapSingle(Op.UnmapSingle u, Outcome o) {
        if (!(bindings.get(u.handle()) instanceof Binding.Single b)) {
            o.result = notLive(u.handle(), "single mapping");
            return;
        }
        if (takenOver(b, o)) {
            return;
        }
        List<String> wrong = new ArrayList<>();
        if (u.kind() != b.kind()) {
            wrong.add("kind " + u.kind() + " (mapped " + b.kind() + ")");
        }
        if (u.addrDelta() != 0) {
            wrong.add("address " + Unsigned.hex(b.dmaAddr() + u.addrDelta()) + " (mapped " + Unsigned.hex(b.dmaAddr()) + ")");
        }
        if (u.size() != b.size()) {
            wrong.add("size " + Unsigned.hex(u.size()) + " (mapped " + Unsigned.hex(b.size()) + ")");
        }
        if (u.dir() != b.dir()) {
            wrong.add("direction " + u.dir() + " (mapped " + b.dir() + ")");
        }
        o.result = call(() -> {
            unmapByKind(u.kind(), b.dev(), b.dmaAddr() + u.addrDelta(), u.size(), u.dir(), u.attrs());
            return new OpResult.Released();
        });
        settleRelease(b, wrong, "unmap of " + b.handle(), o);
    }

    private void unmapUnknown(Op.UnmapUnknown u, Outcome o) {
        List<Binding> starting = bindings.startingAt(u.dev(), u.dmaAddr());
        Binding.Single exact = null;
        for (Binding b : starting) {
            if (b instanceof Binding.Single s && s.kind() == u.kind() && s.size() == u.size() && s.dir() == u.dir()) {
                exact = s;
            }
        }
        o.result = call(() -> {
            unmapByKind(u.kind(), u.dev(), u.dmaAddr(), u.size(), u.dir(), u.attrs());
            return new OpResult.Released();
        });
        if (exact != null && starting.size() == 1) {
            // Indistinguishable from the live mapping's own unmap: that is what it is.
            bindings.remove(exact.handle());
            o.released.add(exact.handle());
            return;
        }
        o.misuse = starting.isEmpty()
                ? "unmap of " + Unsigned.hex(u.dmaAddr()) + ", where no live mapping of " + u.dev() + " starts"
                : "unmap by address of " + starting.stream().map(Binding::handle).toList() + " with wrong arguments";
        for (Binding b : starting) {
            markMisused(b, o);
        }
    }

    private void unmapByKind(Op.MapKind kind, DeviceId dev, long addr, long size, Direction dir, long attrs) {
        switch (kind) {
            case PHYS -> engine.unmapPhys(dev, addr, size, dir, attrs);
            case PAGE -> engine.unmapPage(dev, addr, size, dir, attrs);
            case RESOURCE -> engine.unmapResource(dev, addr, size, dir, attrs);
        }
    }

    private void syncSingle(Op.SyncSingle s, Outcome o) {
        if (!(bindings.get(s.handle()) instanceof Binding.Single b) || b.misused()) {
            o.result = notLive(s.handle(), "single mapping");
            return;
        }
        List<String> wrong = new ArrayList<>();
        if (s.size() == 0 || !Unsigned.fits(s.offset(), s.size()) || Unsigned.lt(b.size(), s.offset() + s.size())) {
            wrong.add("range [" + Unsigned.hex(s.offset()) + ", +" + Unsigned.hex(s.size()) + ") outside the "
                    + Unsigned.hex(b.size()) + "-byte mapping");
        }
        wrongSyncDirection(b.dir(), s.dir(), wrong);
        o.result = call(() -> {
            if (s.forDevice()) {
                engine.syncSingleForDevice(b.dev(), b.dmaAddr() + s.offset(), s.size(), s.dir());
            } else {
                engine.syncSingleForCpu(b.dev(), b.dmaAddr() + s.offset(), s.size(), s.dir());
            }
            return new OpResult.Done();
        });
        flagMisuse(b, wrong, "sync of " + b.handle(), o);
    }

    // ---- scatterlists ---------------------------------------------------------------------------

    private void mapSg(Op.MapSg m, Outcome o) {
        if (rebinds(m.handle(), o)) {
            return;
        }
        Scatterlist sgl;
        try {
            sgl = new Scatterlist(m.entries());
        } catch (IllegalArgumentException e) {
            o.result = new OpResult.Skipped("invalid scatterlist: " + e.getMessage());
            return;
        }
        o.misuse = m.dir().isValid() ? null : "map_sg with DMA_NONE";
        int nents = sgl.size();
        o.result = call(() -> {
            int count = engine.mapSg(m.dev(), sgl, nents, m.dir(), m.attrs());
            return new OpResult.MappedSg(count, sgl.entries().stream().map(SgSegment::of).toList());
        });
        if (o.result instanceof OpResult.MappedSg r && !r.failed()) {
            int count = Math.min(r.count(), nents);
            bindings.put(new Binding.Sg(m.handle(), m.dev(), sgl, nents, m.dir(), m.attrs(), count,
                    o.misuse != null));
        }
    }

    private void unmapSg(Op.UnmapSg u, Outcome o) {
        Binding.Sg b = usableSg(u.handle(), u.nents(), true, o);
        if (b == null || takenOver(b, o)) {
            return;
        }
        List<String> wrong = wrongNents(b, u.nents());
        if (u.dir() != b.dir()) {
            wrong.add("direction " + u.dir() + " (mapped " + b.dir() + ")");
        }
        o.result = call(() -> {
            engine.unmapSg(b.dev(), b.sgl(), u.nents(), u.dir(), u.attrs());
            return new OpResult.Released();
        });
        settleRelease(b, wrong, "unmap_sg of " + b.handle(), o);
    }

    private void syncSg(Op.SyncSg s, Outcome o) {
        Binding.Sg b = usableSg(s.handle(), s.nents(), false, o);
        if (b == null) {
            return;
        }
        List<String> wrong = wrongNents(b, s.nents());
        wrongSyncDirection(b.dir(), s.dir(), wrong);
        o.result = call(() -> {
            if (s.forDevice()) {
                engine.syncSgForDevice(b.dev(), b.sgl(), s.nents(), s.dir());
            } else {
                engine.syncSgForCpu(b.dev(), b.sgl(), s.nents(), s.dir());
            }
            return new OpResult.Done();
        });
        bindings.refresh(b.handle());
        flagMisuse(b, wrong, "sync_sg of " + b.handle(), o);
    }

    /**
     * The live list {@code handle} if a call with {@code nents} can run on it (1..list size; a
     * misused list only takes its release); otherwise sets a skip and returns null.
     */
    private Binding.Sg usableSg(String handle, int nents, boolean release, Outcome o) {
        if (!(bindings.get(handle) instanceof Binding.Sg b) || (b.misused() && !release)) {
            o.result = notLive(handle, "scatterlist");
            return null;
        }
        if (nents < 1 || nents > b.sgl().size()) {
            o.result = new OpResult.Skipped("nents " + nents + " outside the list's 1.." + b.sgl().size());
            return null;
        }
        return b;
    }

    private static List<String> wrongNents(Binding.Sg b, int nents) {
        List<String> wrong = new ArrayList<>();
        if (nents != b.nents()) {
            wrong.add("nents " + nents + " (mapped " + b.nents() + ")");
        }
        return wrong;
    }

    // ---- two-step API -----------------------------------------------------------------------------

    private void iovaTryAlloc(Op.IovaTryAlloc t, Outcome o) {
        if (rebinds(t.handle(), o)) {
            return;
        }
        DmaIovaState state = new DmaIovaState();
        o.result = call(() -> {
            boolean ok = engine.iovaTryAlloc(t.dev(), state, t.phys(), t.size());
            return new OpResult.IovaAllocated(ok, state.addr(), state.rawSize());
        });
        if (o.result instanceof OpResult.IovaAllocated) {
            bindings.put(new Binding.Iova(t.handle(), t.dev(), state, t.phys(), t.size(), List.of(), false));
        }
    }

    private void iovaLink(Op.IovaLink l, Outcome o) {
        Binding.Iova b = usableIova(l.handle(), o);
        if (b == null) {
            return;
        }
        List<String> wrong = new ArrayList<>();
        if (!insideState(b, l.offset(), l.size())) {
            wrong.add("range [" + Unsigned.hex(l.offset()) + ", +" + Unsigned.hex(l.size()) + ") outside the "
                    + Unsigned.hex(b.state().size()) + "-byte allocation");
        } else {
            for (Binding.Link k : b.links()) {
                if (Unsigned.lt(l.offset(), k.end()) && Unsigned.lt(k.offset(), l.offset() + l.size())) {
                    wrong.add("range overlapping the link at " + Unsigned.hex(k.offset()));
                    break;
                }
            }
        }
        if (!l.dir().isValid()) {
            wrong.add("direction DMA_NONE");
        }
        o.result = call(() -> new OpResult.Status(
                engine.iovaLink(b.dev(), b.state(), l.phys(), l.offset(), l.size(), l.dir(), l.attrs())));
        bindings.refresh(b.handle());
        if (o.result instanceof OpResult.Status s && !s.failed()) {
            List<Binding.Link> links = new ArrayList<>(b.links());
            links.add(new Binding.Link(l.offset(), l.phys(), l.size(), l.dir(), l.attrs()));
            bindings.put(b.withLinks(links));
        }
        flagMisuse(bindings.get(b.handle()), wrong, "dma_iova_link into " + b.handle(), o);
    }

    private void iovaSync(Op.IovaSync s, Outcome o) {
        Binding.Iova b = usableIova(s.handle(), o);
        if (b == null) {
            return;
        }
        List<String> wrong = new ArrayList<>();
        if (!insideState(b, s.offset(), s.size())) {
            wrong.add("range [" + Unsigned.hex(s.offset()) + ", +" + Unsigned.hex(s.size()) + ") outside the "
                    + Unsigned.hex(b.state().size()) + "-byte allocation");
        }
        o.result = call(() -> new OpResult.Status(engine.iovaSync(b.dev(), b.state(), s.offset(), s.size())));
        bindings.refresh(b.handle());
        flagMisuse(b, wrong, "dma_iova_sync of " + b.handle(), o);
    }

    private void iovaUnlink(Op.IovaUnlink u, Outcome o) {
        Binding.Iova b = usableIova(u.handle(), o);
        if (b == null) {
            return;
        }
        int idx = b.linkIndex(u.offset(), u.size());
        List<String> wrong = new ArrayList<>();
        if (idx < 0) {
            wrong.add("range [" + Unsigned.hex(u.offset()) + ", +" + Unsigned.hex(u.size()) + ") that is not a link");
        }
        if (!u.dir().isValid()) {
            wrong.add("direction DMA_NONE");
        }
        o.result = call(() -> {
            engine.iovaUnlink(b.dev(), b.state(), u.offset(), u.size(), u.dir(), u.attrs());
            return new OpResult.Done();
        });
        bindings.refresh(b.handle());
        if (idx >= 0) {
            List<Binding.Link> links = new ArrayList<>(b.links());
            links.remove(idx);
            bindings.put(b.withLinks(links));
        }
        flagMisuse(bindings.get(b.handle()), wrong, "dma_iova_unlink of " + b.handle(), o);
    }

    private void iovaFree(Op.IovaFree f, Outcome o) {
        Binding.Iova b = iovaToRelease(f.handle(), o);
        if (b == null || takenOver(b, o)) {
            return;
        }
        String misuse = b.links().isEmpty() ? null : "dma_iova_free of " + b.handle() + " with "
                + b.links().size() + " links still linked";
        o.result = call(() -> {
            engine.iovaFree(b.dev(), b.state());
            return new OpResult.Released();
        });
        finishIova(b, misuse, o);
    }

    private void iovaDestroy(Op.IovaDestroy d, Outcome o) {
        Binding.Iova b = iovaToRelease(d.handle(), o);
        if (b == null || takenOver(b, o)) {
            return;
        }
        long tiled = tiledLength(b.links());
        String misuse = tiled == d.mappedLen() ? null : "dma_iova_destroy of " + b.handle() + " with mapped_len "
                + Unsigned.hex(d.mappedLen()) + (tiled < 0 ? ", links not contiguous from 0"
                : " (linked [0, " + Unsigned.hex(tiled) + "))");
        o.result = call(() -> {
            engine.iovaDestroy(b.dev(), b.state(), d.mappedLen(), d.dir(), d.attrs());
            return new OpResult.Released();
        });
        finishIova(b, misuse, o);
    }

    private Binding.Iova usableIova(String handle, Outcome o) {
        if (!(bindings.get(handle) instanceof Binding.Iova b) || b.misused()) {
            o.result = notLive(handle, "two-step state");
            return null;
        }
        if (!b.state().inUse()) {
            o.result = new OpResult.Skipped("dma_iova_try_alloc of " + handle + " failed");
            return null;
        }
        return b;
    }

    /** A state to free or destroy: a state whose try_alloc failed is released without a call. */
    private Binding.Iova iovaToRelease(String handle, Outcome o) {
        if (!(bindings.get(handle) instanceof Binding.Iova b)) {
            o.result = notLive(handle, "two-step state");
            return null;
        }
        if (!b.state().inUse()) {
            bindings.remove(handle);
            o.released.add(handle);
            o.result = new OpResult.Skipped("dma_iova_try_alloc of " + handle + " failed; nothing to release");
            return null;
        }
        return b;
    }

    private void finishIova(Binding.Iova b, String misuse, Outcome o) {
        bindings.remove(b.handle());
        o.released.add(b.handle());
        if (misuse != null) {
            o.misuse = misuse;
            o.misused.add(b.handle());
        }
    }

    private static boolean insideState(Binding.Iova b, long offset, long size) {
        return size != 0 && Unsigned.fits(offset, size) && Unsigned.le(offset + size, b.state().size());
    }

    /** The length L when the links tile exactly {@code [0, L)}; 0 for no links; -1 otherwise. */
    static long tiledLength(List<Binding.Link> links) {
        List<Binding.Link> sorted = new ArrayList<>(links);
        sorted.sort(Comparator.comparing(Binding.Link::offset, Long::compareUnsigned));
        long end = 0;
        for (Binding.Link l : sorted) {
            if (l.offset() != end) {
                return -1;
            }
            end = l.end();
        }
        return end;
    }

    // ---- coherent ---------------------------------------------------------------------------------

    private void allocCoherent(Op.AllocCoherent a, Outcome o) {
        if (rebinds(a.handle(), o)) {
            return;
        }
        o.result = call(() -> new OpResult.Allocated(engine.allocCoherent(a.dev(), a.size(), a.attrs())));
        if (o.result instanceof OpResult.Allocated r && !r.failed()) {
            bindings.put(new Binding.Coherent(a.handle(), a.dev(), r.buffer(), a.attrs(), false));
        }
    }

    private void freeCoherent(Op.FreeCoherent f, Outcome o) {
        if (!(bindings.get(f.handle()) instanceof Binding.Coherent b)) {
            o.result = notLive(f.handle(), "coherent buffer");
            return;
        }
        if (takenOver(b, o)) {
            return;
        }
        CoherentBuffer buf = b.buffer();
        o.result = call(() -> {
            engine.freeCoherent(b.dev(), buf, f.attrs());
            return new OpResult.Released();
        });
        settleRelease(b, List.of(), "free of " + b.handle(), o);
    }

    // ---- CPU and device accesses ------------------------------------------------------------------

    private void cpuWrite(Op.CpuWrite w, Outcome o) {
        if (w.len() <= 0 || w.len() > MAX_ACCESS) {
            o.result = new OpResult.Skipped("CPU write of " + w.len() + " bytes");
            return;
        }
        try {
            platform.cpuWrite(w.phys(), Pattern.bytes(w.pattern(), 0, (int) w.len()));
            o.result = new OpResult.Done();
        } catch (IllegalArgumentException e) {
            o.result = new OpResult.Skipped(e.getMessage());
        }
    }

    private void cpuRead(Op.CpuRead r, Outcome o) {
        if (r.len() <= 0 || r.len() > MAX_ACCESS) {
            o.result = new OpResult.Skipped("CPU read of " + r.len() + " bytes");
            return;
        }
        try {
            o.result = new OpResult.CpuData(r.phys(), platform.cpuRead(r.phys(), (int) r.len()));
        } catch (IllegalArgumentException e) {
            o.result = new OpResult.Skipped(e.getMessage());
        }
    }

    private void deviceAccess(String handle, int segment, long offset, long len, int pattern, boolean write,
                              Outcome o) {
        Binding b = bindings.get(handle);
        if (b == null || b.misused()) {
            o.result = notLive(handle, "handle");
            return;
        }
        List<Binding.Target> targets = b.targets();
        if (targets.isEmpty()) {
            o.result = new OpResult.Skipped(handle + " has no segment to access");
            return;
        }
        int seg = Math.floorMod(segment, targets.size());
        Binding.Target t = targets.get(seg);
        if (t.length() <= 0 || len <= 0) {
            o.result = new OpResult.Skipped("empty access to segment " + seg + " of " + handle);
            return;
        }
        long off = Long.remainderUnsigned(offset, t.length());
        int n = (int) Math.min(Math.min(len, t.length() - off), MAX_ACCESS);
        long addr = t.dmaAddr() + off;
        DmaAccess a = write
                ? platform.dmaWrite(b.dev(), addr, Pattern.bytes(pattern, 0, n))
                : platform.dmaRead(b.dev(), addr, n);
        if (a instanceof DmaAccess.Fault f) {
            o.result = new OpResult.Faulted(seg, off, addr, n, f);
        } else {
            byte[] data = write ? Pattern.bytes(pattern, 0, n) : ((DmaAccess.Done) a).data();
            o.result = new OpResult.Transferred(seg, off, addr, data);
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private OpResult call(Supplier<OpResult> engineCall) {
        try {
            return engineCall.get();
        } catch (Throwable t) {
            return new OpResult.Threw(t);
        }
    }

    private boolean rebinds(String handle, Outcome o) {
        if (bindings.contains(handle)) {
            o.result = new OpResult.Skipped("handle " + handle + " is already live");
            return true;
        }
        return false;
    }

    private static OpResult notLive(String handle, String what) {
        return new OpResult.Skipped(handle + " is not a live " + what);
    }

    private static void wrongSyncDirection(Direction mapped, Direction synced, List<String> wrong) {
        if (!synced.isValid()) {
            wrong.add("direction DMA_NONE");
        } else if (mapped != Direction.BIDIRECTIONAL && synced != mapped) {
            wrong.add("direction " + synced + " (mapped " + mapped + ")");
        }
    }

    /**
     * After an unmap or free of {@code b}: a correct call that returned releases the binding; a
     * misused one (or one the engine threw on) leaves it misused, for a correct release at teardown.
     */
    private void settleRelease(Binding b, List<String> wrong, String what, Outcome o) {
        if (wrong.isEmpty() && !(o.result instanceof OpResult.Threw)) {
            bindings.remove(b.handle());
            o.released.add(b.handle());
        } else {
            flagMisuse(b, wrong, what, o);
            markMisused(b, o);
        }
    }

    /**
     * A release of a misused binding whose device addresses another live binding of the same
     * address space now covers is not issued: the engine released the misused mapping at the misuse
     * (as Linux does for a wrong size, direction or kind) and handed the addresses out again, so the
     * same call would release the other mapping — a double unmap no engine can tell from the other
     * mapping's own unmap. The binding is dropped without a call. O(live bindings), misused only.
     */
    private boolean takenOver(Binding b, Outcome o) {
        if (!b.misused()) {
            return false;
        }
        List<Binding.Target> mine = addressRanges(b);
        for (Binding other : bindings.values()) {
            if (other == b || !sameAddressSpace(b.dev(), other.dev())) {
                continue;
            }
            for (Binding.Target t : addressRanges(other)) {
                for (Binding.Target m : mine) {
                    if (m.length() > 0 && t.length() > 0 && Unsigned.overlaps(m.dmaAddr(), m.dmaAddr() + m.length() - 1,
                            t.dmaAddr(), t.dmaAddr() + t.length() - 1)) {
                        bindings.remove(b.handle());
                        o.released.add(b.handle());
                        o.result = new OpResult.Skipped("release of misused " + b.handle() + ": its device address "
                                + Unsigned.hex(m.dmaAddr()) + " now belongs to " + other.handle());
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The device addresses a binding holds: its targets, or a two-step state's whole IOVA range. */
    private static List<Binding.Target> addressRanges(Binding b) {
        if (b instanceof Binding.Iova v) {
            return v.state().inUse() ? List.of(new Binding.Target(v.state().addr(), v.state().size())) : List.of();
        }
        return b.targets();
    }

    /** Same device, or devices translated by one dma-iommu domain (one IOVA space). */
    private boolean sameAddressSpace(DeviceId a, DeviceId b) {
        if (a.equals(b)) {
            return true;
        }
        String da = platform.device(a).iommuDomain();
        return da != null && da.equals(platform.device(b).iommuDomain())
                && platform.domain(da).config().type().usesDmaIommu();
    }

    private void flagMisuse(Binding b, List<String> wrong, String what, Outcome o) {
        if (!wrong.isEmpty()) {
            o.misuse = what + " with wrong " + String.join(", ", wrong);
            markMisused(b, o);
        }
    }

    private void markMisused(Binding b, Outcome o) {
        Binding m = b;
        if (m instanceof Binding.Single s) {
            bindings.put(s.asMisused());
        } else if (m instanceof Binding.Sg g) {
            bindings.put(g.asMisused());
        } else if (m instanceof Binding.Iova v) {
            bindings.put(v.asMisused());
        } else if (m instanceof Binding.Coherent c) {
            bindings.put(new Binding.Coherent(c.handle(), c.dev(), c.buffer(), c.attrs(), true));
        }
        if (m != null && !o.misused.contains(m.handle())) {
            o.misused.add(m.handle());
        }
    }

    private static final class Outcome {
        OpResult result;
        String misuse;
        final List<String> released = new ArrayList<>();
        final List<String> misused = new ArrayList<>();
    }
}
