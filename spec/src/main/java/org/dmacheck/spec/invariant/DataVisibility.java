package org.dmacheck.spec.invariant;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.dmacheck.spec.driver.OpResult;
import org.dmacheck.spec.model.ByteMap;
import org.dmacheck.spec.model.DataModel;
import org.dmacheck.spec.model.LedgerChange;
import org.dmacheck.spec.model.Mapping;
import org.dmacheck.spec.model.Piece;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.violation.Evidence;
import org.dmacheck.spec.violation.Violation;

/**
 * Invariant 8: data crosses between CPU and device exactly when the DMA API says (§4.6, §10.1
 * D5–D6, §13 D24, H43). The device reads what the CPU wrote before the map or the last
 * {@code sync_for_device}; the CPU reads what the device wrote once {@code sync_for_cpu} or the
 * unmap has run (FROM_DEVICE, BIDIRECTIONAL); bytes the device did not write keep their value
 * (CVE-2022-0854); a device write through a TO_DEVICE mapping behind an IOMMU faults, while an
 * access a live, visible mapping allows does not. Expectations come from {@link DataModel}; bytes
 * it calls unknown are not judged. Checked on every CPU read and device access.
 */
public final class DataVisibility implements Invariant {
    @Override
    public String description() {
        return "the device reads what the CPU handed over at map or sync_for_device, the CPU reads what the device "
                + "wrote after sync_for_cpu or unmap, untouched bytes keep their value, and TO_DEVICE writes fault";
    }

    @Override
    public Optional<Violation> afterStep(StepContext ctx) {
        if (ctx.misuse()) {
            return Optional.empty();
        }
        Op op = ctx.op();
        OpResult r = ctx.result();
        if (op instanceof Op.CpuRead && r instanceof OpResult.CpuData d) {
            return cpuRead(ctx, d);
        }
        Optional<Violation> handedOver = copiedIn(ctx).or(() -> copiedOut(ctx));
        if (handedOver.isPresent()) {
            return handedOver;
        }
        String handle = op instanceof Op.DeviceRead dr ? dr.handle() : op instanceof Op.DeviceWrite dw ? dw.handle() : null;
        if (handle == null) {
            return Optional.empty();
        }
        Mapping m = ctx.ledger().mapping(handle).orElse(null);
        if (m == null) {
            return Optional.empty();
        }
        boolean write = op instanceof Op.DeviceWrite;
        if (r instanceof OpResult.Transferred t) {
            List<Piece> pieces = m.piecesAt(t.segment(), t.offset(), t.data().length);
            return write ? writeLanded(ctx, m, pieces) : deviceRead(ctx, m, pieces, t);
        }
        if (r instanceof OpResult.Faulted f) {
            return faulted(ctx, m, f, write);
        }
        return Optional.empty();
    }

    private Optional<Violation> cpuRead(StepContext ctx, OpResult.CpuData d) {
        Optional<ByteMap.Mismatch> mm = ctx.ledger().data().cpu().firstMismatch(d.phys(), d.data());
        if (mm.isEmpty()) {
            return Optional.empty();
        }
        ByteMap.Mismatch x = mm.get();
        return Optional.of(new Violation(name(), ctx.step(), null, "CPU reads data the DMA API does not allow there",
                List.of(Evidence.addr("phys", x.addr()), Evidence.hex("expected", x.expected() & 0xff),
                        Evidence.hex("read", x.actual() & 0xff), Evidence.count("expected since step", x.step()))));
    }

    private Optional<Violation> deviceRead(StepContext ctx, Mapping m, List<Piece> pieces, OpResult.Transferred t) {
        DataModel.Track track = ctx.ledger().data().track(m.handle());
        if (track == null || !track.judged()) {
            return Optional.empty();
        }
        for (Piece p : pieces) {
            if (!p.dir().deviceMayRead() || !visible(m, p)) {
                continue;
            }
            byte[] got = new byte[(int) p.length()];
            System.arraycopy(t.data(), (int) (p.segmentOffset() - t.offset()), got, 0, got.length);
            Optional<ByteMap.Mismatch> mm = track.device().firstMismatch(p.phys(), got);
            if (mm.isPresent()) {
                ByteMap.Mismatch x = mm.get();
                long dma = p.dmaAddr() + (x.addr() - p.phys());
                return Optional.of(new Violation(name(), ctx.step(), m.dev(), "device reads data the CPU did not hand over",
                        List.of(Evidence.addr("device address", dma), Evidence.addr("phys", x.addr()),
                                Evidence.hex("expected", x.expected() & 0xff), Evidence.hex("read", x.actual() & 0xff),
                                Evidence.count("expected since step", x.step()), Evidence.text("handle", m.handle()),
                                Evidence.text("direction", p.dir().name()))));
            }
        }
        return Optional.empty();
    }

    /** A completed device write: behind an IOMMU, no byte of it may have gone through a TO_DEVICE piece. */
    private Optional<Violation> writeLanded(StepContext ctx, Mapping m, List<Piece> pieces) {
        if (ctx.ledger().translatingDomain(m.dev()).isEmpty()) {
            return Optional.empty();
        }
        for (Piece p : pieces) {
            if (p.dir() == Direction.TO_DEVICE && !p.busAddress()) {
                return Optional.of(new Violation(name(), ctx.step(), m.dev(),
                        "device write through a TO_DEVICE mapping did not fault",
                        List.of(Evidence.addr("device address", p.dmaAddr()), Evidence.bytes("size", p.length()),
                                Evidence.text("handle", m.handle()))));
            }
        }
        return Optional.empty();
    }

    /** A fault on an access the mapping allows, through a visible, reachable piece, is the engine's. */
    private Optional<Violation> faulted(StepContext ctx, Mapping m, OpResult.Faulted f, boolean write) {
        long at = f.fault().dmaAddr();
        for (Piece p : m.pieces()) {
            if (Long.compareUnsigned(at, p.dmaAddr()) < 0 || Long.compareUnsigned(at, p.dmaLast()) > 0) {
                continue;
            }
            boolean allowed = write ? p.dir().deviceMayWrite() : p.dir().deviceMayRead();
            long phys = p.phys() + (at - p.dmaAddr());
            if (allowed && visible(m, p) && !Samples.unreachableP2p(ctx.platform(), m.dev(), phys)) {
                return Optional.of(new Violation(name(), ctx.step(), m.dev(),
                        "device " + (write ? "write to" : "read of") + " a live " + p.dir() + " mapping faulted",
                        List.of(Evidence.addr("device address", at), Evidence.addr("phys", phys),
                                Evidence.text("reason", f.fault().reason()), Evidence.text("handle", m.handle()),
                                Evidence.count("mapped at step", m.step()))));
            }
        }
        return Optional.empty();
    }

    /**
     * Right after a copy in (map, {@code sync_for_device}, a link made visible by {@code dma_iova_sync}):
     * sampled bytes the device would read now are what the CPU handed over.
     */
    private Optional<Violation> copiedIn(StepContext ctx) {
        List<Mapping> touched = new ArrayList<>();
        List<List<Piece>> pieces = new ArrayList<>();
        for (Mapping m : ctx.change().created()) {
            touched.add(m);
            pieces.add(m.pieces());
        }
        for (LedgerChange.Update u : ctx.change().updated()) {
            if (ctx.op() instanceof Op.IovaSync && u.after() instanceof Mapping.Iova v && u.before() instanceof Mapping.Iova b) {
                List<Piece> fresh = new ArrayList<>();
                for (int i = 0; i < v.links().size(); i++) {
                    if (v.links().get(i).synced() && !b.links().contains(v.links().get(i))) {
                        fresh.add(v.pieces().get(i));
                    }
                }
                touched.add(v);
                pieces.add(fresh);
            }
        }
        synced(ctx, true, touched, pieces);
        for (int i = 0; i < touched.size(); i++) {
            Mapping m = touched.get(i);
            DataModel.Track track = ctx.ledger().data().track(m.handle());
            if (track == null || !track.judged()) {
                continue;
            }
            long g = Translation.granuleOf(ctx.platform(), m);
            for (Piece p : pieces.get(i)) {
                if (!p.dir().deviceMayRead() || !visible(m, p)) {
                    continue;
                }
                Optional<Views.Mismatch> mm = Views.deviceSees(ctx, m.dev(), p, track.device(), g);
                if (mm.isPresent()) {
                    Views.Mismatch x = mm.get();
                    return Optional.of(new Violation(name(), ctx.step(), m.dev(),
                            "device would read data the CPU did not hand over",
                            List.of(Evidence.addr("device address", x.dmaAddr()), Evidence.addr("phys", x.phys()),
                                    Evidence.hex("expected", x.expected() & 0xff), Evidence.hex("device sees", x.seen() & 0xff),
                                    Evidence.count("expected since step", x.since()), Evidence.text("handle", m.handle()),
                                    Evidence.text("after", ResultWellFormed.callName(ctx.op())))));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Right after a copy out or a release (unmap, {@code sync_for_cpu}, unlink): sampled bytes of the
     * buffer a CPU load would return now are what the rules expect — the device's writes where it
     * wrote, the old contents where it did not.
     */
    private Optional<Violation> copiedOut(StepContext ctx) {
        List<Mapping> touched = new ArrayList<>();
        List<List<Piece>> pieces = new ArrayList<>();
        for (Mapping m : ctx.change().released()) {
            touched.add(m);
            pieces.add(m.pieces());
        }
        for (LedgerChange.Update u : ctx.change().updated()) {
            if (ctx.op() instanceof Op.IovaUnlink && u.before() instanceof Mapping.Iova b) {
                List<Piece> gone = new ArrayList<>(b.pieces());
                gone.removeAll(u.after().pieces());
                touched.add(b);
                pieces.add(gone);
            }
        }
        synced(ctx, false, touched, pieces);
        for (int i = 0; i < touched.size(); i++) {
            Mapping m = touched.get(i);
            long g = Translation.granuleOf(ctx.platform(), m);
            for (Piece p : pieces.get(i)) {
                Optional<Views.Mismatch> mm = Views.cpuSees(ctx, p, ctx.ledger().data().cpu(), g);
                if (mm.isPresent()) {
                    Views.Mismatch x = mm.get();
                    return Optional.of(new Violation(name(), ctx.step(), m.dev(),
                            "CPU would read data the DMA API does not allow there",
                            List.of(Evidence.addr("phys", x.phys()), Evidence.hex("expected", x.expected() & 0xff),
                                    Evidence.hex("cpu sees", x.seen() & 0xff), Evidence.count("expected since step", x.since()),
                                    Evidence.text("handle", m.handle()), Evidence.text("direction", p.dir().name()),
                                    Evidence.text("after", ResultWellFormed.callName(ctx.op())))));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The pieces a sync of this step covered, when it went {@code forDevice} (and could copy in) or
     * for the CPU (and could copy out).
     */
    private static void synced(StepContext ctx, boolean forDevice, List<Mapping> touched, List<List<Piece>> pieces) {
        Op op = ctx.op();
        if (op instanceof Op.SyncSingle s && s.forDevice() == forDevice && (!forDevice || s.dir().deviceMayRead())) {
            ctx.ledger().mapping(s.handle()).ifPresent(m -> {
                touched.add(m);
                pieces.add(m.piecesAt(0, s.offset(), s.size()));
            });
        } else if (op instanceof Op.SyncSg s && s.forDevice() == forDevice && (!forDevice || s.dir().deviceMayRead())) {
            ctx.ledger().mapping(s.handle()).ifPresent(m -> {
                touched.add(m);
                pieces.add(m.pieces());
            });
        }
    }

    /** Whether the device may use the piece: always, except a two-step link before its sync. */
    private static boolean visible(Mapping m, Piece p) {
        return !(m instanceof Mapping.Iova v) || v.links().get(p.segment()).synced();
    }

}
