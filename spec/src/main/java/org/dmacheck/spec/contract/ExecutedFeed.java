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
 * as the kernel's DMA-API wrappers call the {@code debug_dma_*} hooks: after each map — followed by
 * {@code dma_mapping_error()}, which a correct driver calls on every single-map result — before
 * each unmap, after each sync. The two-step calls have no dma-debug hooks (§7). Steps the driver
 * skipped or the engine threw on reach nothing. Use it in misuse mode to report what a misused call
 * broke, with the step as its location.
 */
public final class ExecutedFeed {
    private record Single(DeviceId dev, long dmaAddr, EntryType type) {
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
        if (e.skipped() || e.threw()) {
            return List.of();
        }
        Location at = Location.step(e.step());
        Op op = e.op();
        OpResult r = e.result();
        List<ContractViolation> out = new ArrayList<>();
        if (op instanceof Op.MapSingle m && r instanceof OpResult.Mapped mr) {
            EntryType type = EntryType.PHY; // v6.18+: page, single and resource maps all book "phy"
            out.addAll(debug.map(new ContractEvent.MapSingle(at, m.dev(), type, OptionalLong.of(m.phys()), mr.dmaAddr(),
                    m.size(), m.dir(), hookAttrs(m.kind(), m.attrs()))));
            debug.mappingErrorChecked(m.dev(), mr.dmaAddr());
            if (!mr.failed()) {
                singles.put(m.handle(), new Single(m.dev(), mr.dmaAddr(), type));
            }
        } else if (op instanceof Op.UnmapSingle u && singles.containsKey(u.handle())) {
            Single s = singles.remove(u.handle()); // dma-debug drops the entry at any unmap, correct or not
            if (reachesHook(u.kind(), u.attrs())) {
                out.addAll(debug.unmap(new ContractEvent.UnmapSingle(at, s.dev(), s.type(), s.dmaAddr() + u.addrDelta(),
                        u.size(), u.dir(), hookAttrs(u.kind(), u.attrs()))));
            }
        } else if (op instanceof Op.UnmapUnknown u && reachesHook(u.kind(), u.attrs())) {
            out.addAll(debug.unmap(new ContractEvent.UnmapSingle(at, u.dev(), EntryType.PHY, u.dmaAddr(), u.size(),
                    u.dir(), hookAttrs(u.kind(), u.attrs()))));
            e.released().forEach(singles::remove);
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

    /** {@code dma_map_resource()} / {@code dma_unmap_resource()} call the phys hooks with {@code DMA_ATTR_MMIO} added. */
    private static long hookAttrs(Op.MapKind kind, long attrs) {
        return kind == Op.MapKind.RESOURCE ? attrs | DmaAttrs.MMIO : attrs;
    }

    /** {@code dma_unmap_page_attrs()} returns before the hook when given {@code DMA_ATTR_MMIO}. */
    private static boolean reachesHook(Op.MapKind kind, long attrs) {
        return kind != Op.MapKind.PAGE || !DmaAttrs.has(attrs, DmaAttrs.MMIO);
    }
}
