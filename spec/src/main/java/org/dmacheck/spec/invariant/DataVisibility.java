package org.dmacheck.spec.invariant;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.dmacheck.spec.driver.OpResult;
import org.dmacheck.spec.model.ByteMap;
import org.dmacheck.spec.model.DataModel;
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

    /** Whether the device may use the piece: always, except a two-step link before its sync. */
    private static boolean visible(Mapping m, Piece p) {
        return !(m instanceof Mapping.Iova v) || v.links().get(p.segment()).synced();
    }

}
