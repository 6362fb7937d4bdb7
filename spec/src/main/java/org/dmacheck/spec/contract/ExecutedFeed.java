package org.dmacheck.spec.contract;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.driver.Executed;
import org.dmacheck.spec.driver.OpResult;
import org.dmacheck.spec.driver.SgSegment;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.violation.Violation;

/**
 * Feeds the harness's executed steps to a {@link ContractChecker}, as the kernel's DMA-API wrappers
 * call dma-debug: after each map (the driver is assumed to call {@code dma_mapping_error()} on every
 * result, as a correct driver does), before each unmap, after each sync. Two-step calls have no
 * dma-debug hooks (§7). Steps the driver skipped or the engine threw on reach nothing.
 */
public final class ExecutedFeed {
    private record Single(DeviceId dev, long dmaAddr) {
    }

    private record Sg(DeviceId dev, List<SgEntry> entries) {
    }

    private record Buffer(DeviceId dev, long size, long dmaAddr, long cpuPhys) {
    }

    private final ContractChecker checker;
    private final Map<String, Single> singles = new HashMap<>();
    private final Map<String, Sg> sgs = new HashMap<>();
    private final Map<String, Buffer> buffers = new HashMap<>();

    public ExecutedFeed(ContractChecker checker) {
        this.checker = checker;
    }

    public ContractChecker checker() {
        return checker;
    }

    /** The contract checks {@code e} broke, pinned to its step. */
    public List<Violation> accept(Executed e) {
        if (e.skipped() || e.threw()) {
            return List.of();
        }
        List<Violation> out = new ArrayList<>();
        Op op = e.op();
        OpResult r = e.result();
        if (op instanceof Op.MapSingle m && r instanceof OpResult.Mapped mr) {
            out.addAll(checker.mapPhys(m.dev(), m.phys(), m.size(), m.dir(), mr.dmaAddr(), m.attrs()));
            checker.mappingErrorChecked(m.dev(), mr.dmaAddr());
            if (!mr.failed()) {
                singles.put(m.handle(), new Single(m.dev(), mr.dmaAddr()));
            }
        } else if (op instanceof Op.UnmapSingle u && singles.containsKey(u.handle())) {
            Single s = singles.get(u.handle());
            out.addAll(checker.unmapPhys(s.dev(), s.dmaAddr() + u.addrDelta(), u.size(), u.dir()));
            singles.remove(u.handle()); // dma-debug drops the entry at any unmap, correct or not
        } else if (op instanceof Op.UnmapUnknown u) {
            out.addAll(checker.unmapPhys(u.dev(), u.dmaAddr(), u.size(), u.dir()));
            e.released().forEach(singles::remove);
        } else if (op instanceof Op.MapSg m && r instanceof OpResult.MappedSg mr && !mr.failed()) {
            List<SgEntry> entries = new ArrayList<>();
            for (int i = 0; i < m.entries().size(); i++) {
                Scatterlist.Chunk c = m.entries().get(i);
                SgSegment d = mr.entries().get(i);
                entries.add(new SgEntry(c.phys(), c.length(), d.dmaAddr(), d.length()));
            }
            out.addAll(checker.mapSg(m.dev(), entries, entries.size(), mr.count(), m.dir(), m.attrs()));
            sgs.put(m.handle(), new Sg(m.dev(), entries));
        } else if (op instanceof Op.UnmapSg u && sgs.containsKey(u.handle())) {
            Sg g = sgs.get(u.handle());
            out.addAll(checker.unmapSg(g.dev(), g.entries(), u.nents(), u.dir()));
            sgs.remove(u.handle());
        } else if (op instanceof Op.SyncSingle s && singles.containsKey(s.handle())) {
            Single m = singles.get(s.handle());
            out.addAll(checker.syncSingle(m.dev(), m.dmaAddr() + s.offset(), s.size(), s.dir(), !s.forDevice()));
        } else if (op instanceof Op.SyncSg s && sgs.containsKey(s.handle())) {
            Sg g = sgs.get(s.handle());
            out.addAll(checker.syncSg(g.dev(), g.entries(), s.nents(), s.dir(), !s.forDevice()));
        } else if (op instanceof Op.AllocCoherent a && r instanceof OpResult.Allocated ar && !ar.failed()) {
            out.addAll(checker.allocCoherent(a.dev(), a.size(), ar.buffer().dmaAddr(), ar.buffer().cpuPhys(), a.attrs()));
            buffers.put(a.handle(), new Buffer(a.dev(), a.size(), ar.buffer().dmaAddr(), ar.buffer().cpuPhys()));
        } else if (op instanceof Op.FreeCoherent f && buffers.containsKey(f.handle())) {
            Buffer b = buffers.remove(f.handle());
            out.addAll(checker.freeCoherent(b.dev(), b.size(), b.dmaAddr(), b.cpuPhys()));
        }
        return out.stream().map(v -> v.atStep(e.step())).toList();
    }
}
