package org.dmacheck.spec.contract;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.driver.Executed;
import org.dmacheck.spec.driver.OpResult;
import org.dmacheck.spec.driver.SgSegment;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.DmaAttrs;

/**
 * Feeds the harness's executed steps ({@link org.dmacheck.spec.driver.Driver}) to {@link DmaDebug}
 * as the kernel's DMA-API wrappers ({@code kernel/dma/mapping.c}) call the {@code debug_dma_*}
 * hooks: after each map — followed by {@code dma_mapping_error()}, which a correct driver calls on
 * every single-map result — and at each unmap, free and sync. The two-step calls have no
 * dma-debug hooks (§7). Steps the driver skipped or the engine threw on reach nothing. Use it in
 * misuse mode to report what a misused call broke, with the step as its location.
 *
 * <p>A single unmap reaches debug.c as an address, not a handle: the feed remembers the device and
 * DMA address each handle was mapped at and feeds every single unmap as "unmap of
 * {@code dmaAddr + addrDelta}". So an unmap inside a mapping finds no entry there (U2) and
 * {@code check_unmap()} keeps the mapping's own entry for its later unmap; and an unmap at exactly
 * an entry's address drops that entry whatever else is wrong, so the driver's later release of the
 * same handle (its binding survives a misused unmap) is debug.c's double unmap: U2, or a finding
 * against whatever was booked there since. The feed forgets a handle only when the driver released
 * it ({@link Executed#released()}), never at a misused unmap.
 *
 * <p>Two wrapper details decide what the hook sees: {@code dma_map_resource()} and
 * {@code dma_unmap_resource()} are {@code dma_map_phys()} / {@code dma_unmap_phys()} with
 * {@code DMA_ATTR_MMIO} added (v6.18+), so a resource mapping unmapped as a page or phys (or the
 * reverse) differs only in the attributes (U9; {@link #hookAttrs}); and
 * {@code dma_unmap_page_attrs()} with {@code DMA_ATTR_MMIO} returns before the hook, so debug.c
 * hears nothing and keeps the entry ({@link #reachesHook}).
 */
public final class ExecutedFeed {
    private record Single(DeviceId dev, long dmaAddr) {
    }

    private record Sg(DeviceId dev, List<SgEntry> entries) {
    }

    private record Buffer(DeviceId dev, long size, long dmaAddr, long cpuPhys) {
    }

    private final DmaDebug debug;
    private final Map<String, Single> singles = new HashMap<>();
    private final Map<String, Sg> sgs = new HashMap<>();
    private final Map<String, Buffer> buffers = new HashMap<>();

    public ExecutedFeed(DmaDebug debug) {
        this.debug = debug;
    }

    public DmaDebug debug() {
        return debug;
    }

    /** The dma-debug checks {@code e} broke, located at its step. */
    public List<ContractViolation> accept(Executed e) {
        List<ContractViolation> out = e.skipped() || e.threw() ? List.of() : callHooks(e);
        // the driver's releases, including a skipped release of a misused handle whose address another now holds
        e.released().forEach(singles::remove);
        return out;
    }

    private List<ContractViolation> callHooks(Executed e) {
        Location at = Location.step(e.step());
        Op op = e.op();
        OpResult r = e.result();
        List<ContractViolation> out = new ArrayList<>();
        if (op instanceof Op.MapSingle m && r instanceof OpResult.Mapped mr) {
            // v6.18+: page, single and resource maps all book "phy"
            out.addAll(debug.map(new ContractEvent.MapSingle(at, m.dev(), EntryType.PHY, OptionalLong.of(m.phys()), mr.dmaAddr(),
                    m.size(), m.dir(), hookAttrs(m.kind(), m.attrs()))));
            debug.mappingErrorChecked(m.dev(), mr.dmaAddr());
            if (!mr.failed()) {
                singles.put(m.handle(), new Single(m.dev(), mr.dmaAddr()));
            }
        } else if (op instanceof Op.UnmapSingle u && singles.containsKey(u.handle())) {
            Single s = singles.get(u.handle());
            out.addAll(unmapAt(at, s.dev(), s.dmaAddr() + u.addrDelta(), u.kind(), u.size(), u.dir(), u.attrs()));
        } else if (op instanceof Op.UnmapUnknown u) {
            out.addAll(unmapAt(at, u.dev(), u.dmaAddr(), u.kind(), u.size(), u.dir(), u.attrs()));
        } else if (op instanceof Op.MapSg m && r instanceof OpResult.MappedSg mr && !mr.failed()) {
            List<SgEntry> entries = new ArrayList<>();
            for (int i = 0; i < m.entries().size(); i++) {
                Scatterlist.Chunk c = m.entries().get(i);
                SgSegment d = mr.entries().get(i);
                entries.add(SgEntry.of(c.phys(), c.length(), d.dmaAddr(), d.length()));
            }
            out.addAll(debug.map(new ContractEvent.MapSg(at, m.dev(), entries.size(), entries, mr.count(), m.dir(),
                    m.attrs())));
            sgs.put(m.handle(), new Sg(m.dev(), entries));
        } else if (op instanceof Op.UnmapSg u && sgs.containsKey(u.handle())) {
            Sg g = sgs.remove(u.handle());
            out.addAll(debug.unmap(new ContractEvent.UnmapSg(at, g.dev(), u.nents(), g.entries(), u.dir(), u.attrs())));
        } else if (op instanceof Op.SyncSingle s && singles.containsKey(s.handle())) {
            Single m = singles.get(s.handle());
            out.addAll(debug.sync(new ContractEvent.SyncSingle(at, m.dev(), !s.forDevice(), m.dmaAddr() + s.offset(),
                    s.size(), s.dir())));
        } else if (op instanceof Op.SyncSg s && sgs.containsKey(s.handle())) {
            Sg g = sgs.get(s.handle());
            out.addAll(debug.sync(new ContractEvent.SyncSg(at, g.dev(), !s.forDevice(), s.nents(), g.entries(), s.dir())));
        } else if (op instanceof Op.AllocCoherent a && r instanceof OpResult.Allocated ar && !ar.failed()) {
            Buffer b = new Buffer(a.dev(), a.size(), ar.buffer().dmaAddr(), ar.buffer().cpuPhys());
            out.addAll(debug.alloc(new ContractEvent.Alloc(at, b.dev(), EntryType.COHERENT, OptionalLong.of(b.cpuPhys()),
                    b.cpuPhys(), b.dmaAddr(), b.size(), Direction.BIDIRECTIONAL, a.attrs())));
            buffers.put(a.handle(), b);
        } else if (op instanceof Op.FreeCoherent f && buffers.containsKey(f.handle())) {
            Buffer b = buffers.remove(f.handle());
            out.addAll(debug.free(new ContractEvent.Free(at, b.dev(), EntryType.COHERENT, b.cpuPhys(), b.dmaAddr(),
                    b.size(), Direction.BIDIRECTIONAL, f.attrs())));
        }
        return out;
    }

    /**
     * {@code debug_dma_unmap_phys()} at {@code addr}, unless the wrapper returns before it.
     * {@code check_unmap()} looks up whatever entry is booked there: none is U2 (U1 at
     * {@code DMA_MAPPING_ERROR}); one it finds is dropped, however the call differs from its map.
     */
    private List<ContractViolation> unmapAt(Location at, DeviceId dev, long addr, Op.MapKind kind, long size,
                                            Direction dir, long attrs) {
        if (!reachesUnmapHook(kind, attrs)) {
            return List.of();
        }
        return debug.unmap(new ContractEvent.UnmapSingle(at, dev, EntryType.PHY, addr, size, dir, hookAttrs(kind, attrs)));
    }

    /**
     * The attributes the {@code debug_dma_*} hook of a single map or unmap sees:
     * {@code dma_map_resource()} and {@code dma_unmap_resource()} call {@code dma_map_phys()} /
     * {@code dma_unmap_phys()} with {@code DMA_ATTR_MMIO} added (v6.18+); the phys and page calls
     * pass {@code attrs} as given.
     */
    public static long hookAttrs(Op.MapKind kind, long attrs) {
        return kind == Op.MapKind.RESOURCE ? attrs | DmaAttrs.MMIO : attrs;
    }

    /**
     * Whether the call {@code op} reaches its dma-debug hook: false for a page unmap with
     * {@code DMA_ATTR_MMIO} — of a handle or of an address — since {@code dma_unmap_page_attrs()}
     * (which {@code dma_unmap_single_attrs()} is) returns before the hook then, and debug.c keeps
     * the entry. True for every other operation; the map counterpart, {@code dma_map_page_attrs()}
     * with {@code DMA_ATTR_MMIO}, returns {@code DMA_MAPPING_ERROR}, for which
     * {@code debug_dma_map_phys()} books nothing anyway.
     */
    public static boolean reachesHook(Op op) {
        if (op instanceof Op.UnmapSingle u) {
            return reachesUnmapHook(u.kind(), u.attrs());
        }
        if (op instanceof Op.UnmapUnknown u) {
            return reachesUnmapHook(u.kind(), u.attrs());
        }
        return true;
    }

    private static boolean reachesUnmapHook(Op.MapKind kind, long attrs) {
        return kind != Op.MapKind.PAGE || !DmaAttrs.has(attrs, DmaAttrs.MMIO);
    }
}
