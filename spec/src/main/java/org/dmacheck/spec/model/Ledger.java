package org.dmacheck.spec.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.dmacheck.spec.driver.Executed;
import org.dmacheck.spec.driver.OpResult;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.op.Pattern;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.DmaAttrs;
import org.dmacheck.spec.platform.DomainConfig;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.platform.Unsigned;

/**
 * The ledger of what the driver believes: every live mapping with its pieces, and the
 * {@link DataModel} of what each side must see. It changes only through {@link #apply}, which reads
 * an executed step (operation, result, misuse) and nothing of the engine: the same ledger judges any
 * engine. A misused handle is abandoned — no longer judged — because the engine may legitimately
 * have released it or not.
 */
public final class Ledger {
    private final Platform platform;
    private final Map<String, Mapping> live = new LinkedHashMap<>();
    /** Abandoned mappings the driver may still release: their final unmap may copy anything back. */
    private final Map<String, Mapping> abandoned = new LinkedHashMap<>();
    private final DataModel data;

    public Ledger(Platform platform) {
        this.platform = platform;
        this.data = new DataModel(platform);
    }

    public Platform platform() {
        return platform;
    }

    public DataModel data() {
        return data;
    }

    public Optional<Mapping> mapping(String handle) {
        return Optional.ofNullable(live.get(handle));
    }

    /** Every live, judged mapping, oldest first. */
    public Collection<Mapping> live() {
        return Collections.unmodifiableCollection(live.values());
    }

    /** The DMA or DMA_FQ domain that translates {@code dev}'s DMA addresses, if any (dma-iommu). */
    public Optional<DomainConfig> translatingDomain(DeviceId dev) {
        DeviceConfig c = platform.device(dev);
        if (!c.hasIommu()) {
            return Optional.empty();
        }
        DomainConfig d = platform.domain(c.iommuDomain()).config();
        return d.type().usesDmaIommu() ? Optional.of(d) : Optional.empty();
    }

    /** Updates the ledger with one executed step. */
    public LedgerChange apply(Executed e) {
        Builder b = new Builder();
        long step = e.step();
        for (String h : e.misused()) {
            Mapping m = live.remove(h);
            if (m != null) {
                data.abandon(h, step);
                b.abandoned.add(m);
                abandoned.put(h, m);
            }
        }
        Op op = e.op();
        OpResult r = e.result();
        if (op instanceof Op.MapSingle m && r instanceof OpResult.Mapped mr && !mr.failed() && !e.isMisuse()) {
            create(new Mapping.Single(m.handle(), m.dev(), step, m.kind(), m.phys(), m.size(), m.dir(), m.attrs(),
                    mr.dmaAddr()), b);
        } else if (op instanceof Op.MapSg m && r instanceof OpResult.MappedSg mr && !mr.failed() && !e.isMisuse()) {
            create(Mapping.Sg.of(m.handle(), m.dev(), step, m.entries(), m.dir(), m.attrs(), mr.segments()), b);
        } else if (op instanceof Op.IovaTryAlloc t && r instanceof OpResult.IovaAllocated ar && ar.ok()) {
            create(new Mapping.Iova(t.handle(), t.dev(), step, t.phys(), t.size(), ar.addr(), ar.rawSize(),
                    List.of()), b);
        } else if (op instanceof Op.AllocCoherent a && r instanceof OpResult.Allocated ar && !ar.failed()) {
            create(new Mapping.Coherent(a.handle(), a.dev(), step, ar.buffer(), a.attrs()), b);
        } else if (op instanceof Op.IovaLink l && r instanceof OpResult.Status s && !s.failed()) {
            link(l, step, b);
        } else if (op instanceof Op.IovaSync s && r instanceof OpResult.Status st && !st.failed()) {
            sync(s, b);
        } else if (op instanceof Op.IovaUnlink u && !e.isMisuse() && !e.threw()) {
            unlink(u, step, b);
        } else if (op instanceof Op.SyncSingle s && !e.isMisuse() && r instanceof OpResult.Done) {
            live(s.handle()).ifPresent(m -> syncRange(m, m.piecesAt(0, s.offset(), s.size()), s.forDevice(), s.dir(), step));
        } else if (op instanceof Op.SyncSg s && !e.isMisuse() && r instanceof OpResult.Done) {
            live(s.handle()).ifPresent(m -> syncRange(m, m.pieces(), s.forDevice(), s.dir(), step));
        } else if (op instanceof Op.CpuWrite w && r instanceof OpResult.Done) {
            data.cpuWrite(w.phys(), Pattern.bytes(w.pattern(), 0, (int) w.len()), step);
        } else if (op instanceof Op.DeviceWrite w && r instanceof OpResult.Transferred t) {
            live(w.handle()).ifPresent(m -> data.deviceWrite(m.handle(),
                    m.piecesAt(t.segment(), t.offset(), t.data().length), t.offset(), t.data(), step));
        }
        for (String h : e.released()) {
            Mapping gone = abandoned.remove(h);
            if (gone != null) {
                data.forgetCpu(gone, step);
            }
            Mapping m = live.remove(h);
            if (m != null) {
                data.finish(m, m.pieces(), DmaAttrs.has(releaseAttrs(op), DmaAttrs.SKIP_CPU_SYNC), step);
                b.released.add(m);
            }
        }
        return new LedgerChange(b.created, b.released, b.updated, b.abandoned);
    }

    private Optional<Mapping> live(String handle) {
        return Optional.ofNullable(live.get(handle));
    }

    private void create(Mapping m, Builder b) {
        live.put(m.handle(), m);
        data.start(m, m.step());
        b.created.add(m);
    }

    private void link(Op.IovaLink l, long step, Builder b) {
        if (!(live.get(l.handle()) instanceof Mapping.Iova v)) {
            return;
        }
        List<Mapping.Link> links = new ArrayList<>(v.links());
        links.add(new Mapping.Link(l.offset(), l.phys(), l.size(), l.dir(), l.attrs(), step, false));
        Mapping.Iova after = v.withLinks(links);
        live.put(v.handle(), after);
        Piece added = after.pieces().get(links.size() - 1);
        data.relink(after, List.of(added), l.attrs(), step);
        b.updated.add(new LedgerChange.Update(v, after));
    }

    private void sync(Op.IovaSync s, Builder b) {
        if (!(live.get(s.handle()) instanceof Mapping.Iova v)) {
            return;
        }
        List<Mapping.Link> links = new ArrayList<>();
        for (Mapping.Link l : v.links()) {
            boolean covered = Unsigned.le(s.offset(), l.offset())
                    && Unsigned.le(l.offset() + l.size(), s.offset() + s.size());
            links.add(covered ? l.withSynced() : l);
        }
        Mapping.Iova after = v.withLinks(links);
        live.put(v.handle(), after);
        b.updated.add(new LedgerChange.Update(v, after));
    }

    private void unlink(Op.IovaUnlink u, long step, Builder b) {
        if (!(live.get(u.handle()) instanceof Mapping.Iova v)) {
            return;
        }
        for (int i = 0; i < v.links().size(); i++) {
            Mapping.Link l = v.links().get(i);
            if (l.offset() == u.offset() && l.size() == u.size()) {
                List<Mapping.Link> links = new ArrayList<>(v.links());
                links.remove(i);
                Mapping.Iova after = v.withLinks(links);
                live.put(v.handle(), after);
                data.unlink(after, List.of(v.pieces().get(i)), DmaAttrs.has(u.attrs(), DmaAttrs.SKIP_CPU_SYNC), step);
                b.updated.add(new LedgerChange.Update(v, after));
                return;
            }
        }
    }

    private void syncRange(Mapping m, List<Piece> pieces, boolean forDevice, Direction dir, long step) {
        if (forDevice) {
            data.syncForDevice(m.handle(), pieces, dir, step);
        } else {
            data.syncForCpu(m.handle(), pieces, dir, step);
        }
    }

    private static long releaseAttrs(Op op) {
        if (op instanceof Op.UnmapSingle u) {
            return u.attrs();
        } else if (op instanceof Op.UnmapUnknown u) {
            return u.attrs();
        } else if (op instanceof Op.UnmapSg u) {
            return u.attrs();
        } else if (op instanceof Op.IovaDestroy d) {
            return d.attrs();
        }
        return 0;
    }

    private static final class Builder {
        final List<Mapping> created = new ArrayList<>();
        final List<Mapping> released = new ArrayList<>();
        final List<LedgerChange.Update> updated = new ArrayList<>();
        final List<Mapping> abandoned = new ArrayList<>();
    }
}
