package org.dmacheck.spec.invariant;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.api.Errno;
import org.dmacheck.spec.driver.OpResult;
import org.dmacheck.spec.driver.SgSegment;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.DomainConfig;
import org.dmacheck.spec.platform.MemoryRegion;
import org.dmacheck.spec.platform.RegionKind;
import org.dmacheck.spec.platform.Unsigned;
import org.dmacheck.spec.violation.Evidence;
import org.dmacheck.spec.violation.Violation;

/**
 * Invariant 1: every result is in the kernel's encoding (§13 A1, A4, A5) and a failure leaves no
 * trace. A single map returns an address whose range does not wrap, or {@code DMA_MAPPING_ERROR};
 * {@code map_sg} returns 1..nents segments or {@code -EINVAL/-ENOMEM/-EIO/-EREMOTEIO};
 * {@code dma_iova_try_alloc} false leaves the state zeroed; the two-step calls return 0 or a
 * negative errno; a correct call never throws; and after any failed call the IOVA held, the
 * page-table entries and the swiotlb slots are no more than before it (a failure may still let a
 * flush queue drain).
 */
public final class ResultWellFormed implements Invariant {
    private static final Set<Integer> MAP_SG_ERRORS = Set.of(-Errno.EINVAL, -Errno.ENOMEM, -Errno.EIO, -Errno.EREMOTEIO);

    @Override
    public String description() {
        return "every call answers in the kernel's encoding (an address or DMA_MAPPING_ERROR, 1..nents or -errno), "
                + "never throws on correct use, and a failed call leaves no IOVA, PTE or swiotlb slot behind";
    }

    @Override
    public Optional<Violation> afterStep(StepContext ctx) {
        if (ctx.misuse()) {
            return Optional.empty();
        }
        OpResult r = ctx.result();
        Op op = ctx.op();
        if (r instanceof OpResult.Threw t) {
            return fail(ctx, "DMA engine threw on a correct call", Evidence.text("call", callName(op)),
                    Evidence.text("exception", String.valueOf(t.exception())));
        }
        if (ctx.after().engineError() != null) {
            return fail(ctx, "DMA engine usage() threw", Evidence.text("exception", String.valueOf(ctx.after().engineError())));
        }
        if (op instanceof Op.MapSingle m && r instanceof OpResult.Mapped mr) {
            if (!mr.failed() && !Unsigned.fits(mr.dmaAddr(), m.size())) {
                return fail(ctx, "DMA engine returns a mapping that wraps past 2^64",
                        Evidence.addr("device address", mr.dmaAddr()), Evidence.bytes("map size", m.size()));
            }
            return mr.failed() ? leftBehind(ctx, "dma_map_phys") : Optional.empty();
        }
        if (op instanceof Op.MapSg m && r instanceof OpResult.MappedSg sg) {
            return mapSg(ctx, m, sg);
        }
        if (op instanceof Op.IovaTryAlloc t && r instanceof OpResult.IovaAllocated a) {
            if (!a.ok() && (a.addr() != 0 || a.rawSize() != 0)) {
                return fail(ctx, "dma_iova_try_alloc failed but left the state non-zero",
                        Evidence.addr("state addr", a.addr()), Evidence.hex("state size", a.rawSize()));
            }
            if (a.ok() && (a.addr() == 0 || (a.rawSize() & ~org.dmacheck.spec.api.DmaIovaState.USE_SWIOTLB) != t.size())) {
                return fail(ctx, "dma_iova_try_alloc succeeded with a malformed state",
                        Evidence.addr("state addr", a.addr()), Evidence.hex("state size", a.rawSize()),
                        Evidence.hex("requested size", t.size()));
            }
            return a.ok() ? Optional.empty() : leftBehind(ctx, "dma_iova_try_alloc");
        }
        if ((op instanceof Op.IovaLink || op instanceof Op.IovaSync) && r instanceof OpResult.Status s) {
            if (s.code() > 0) {
                return fail(ctx, "DMA engine returns a positive status", Evidence.text("call", callName(op)),
                        Evidence.count("status", s.code()));
            }
            return s.failed() && op instanceof Op.IovaLink ? leftBehind(ctx, "dma_iova_link") : Optional.empty();
        }
        if (op instanceof Op.AllocCoherent a && r instanceof OpResult.Allocated ar) {
            return allocCoherent(ctx, a, ar);
        }
        return Optional.empty();
    }

    private Optional<Violation> mapSg(StepContext ctx, Op.MapSg m, OpResult.MappedSg sg) {
        int nents = m.entries().size();
        int count = sg.count();
        if (count > nents || count == 0 || (count < 0 && !MAP_SG_ERRORS.contains(count))) {
            return fail(ctx, "dma_map_sg returns an impossible count", Evidence.count("nents", nents),
                    Evidence.text("returned", count < 0 ? Errno.name(count) : Integer.toString(count)));
        }
        if (count > 0) {
            for (int i = 0; i < count; i++) {
                SgSegment s = sg.entries().get(i);
                if (s.length() <= 0 || s.dmaAddr() == DmaEngine.DMA_MAPPING_ERROR || !Unsigned.fits(s.dmaAddr(), s.length())) {
                    return fail(ctx, "dma_map_sg returns a malformed segment", Evidence.count("segment", i),
                            Evidence.addr("device address", s.dmaAddr()), Evidence.bytes("length", s.length()));
                }
            }
            return Optional.empty();
        }
        for (int i = 0; i < sg.entries().size(); i++) {
            if (sg.entries().get(i).busAddress()) {
                return fail(ctx, "failed dma_map_sg leaves SG_DMA_BUS_ADDRESS set", Evidence.count("entry", i),
                        Evidence.text("returned", Errno.name(count)));
            }
        }
        return leftBehind(ctx, "dma_map_sg");
    }

    private Optional<Violation> allocCoherent(StepContext ctx, Op.AllocCoherent a, OpResult.Allocated ar) {
        if (ar.failed()) {
            return leftBehind(ctx, "dma_alloc_attrs");
        }
        var buf = ar.buffer();
        MemoryRegion region = ctx.platform().regionOf(buf.cpuPhys());
        if (buf.size() != a.size() || buf.dmaAddr() == DmaEngine.DMA_MAPPING_ERROR
                || region == null || region.kind() != RegionKind.SYSTEM_RAM || !region.containsRange(buf.cpuPhys(), a.size())) {
            return fail(ctx, "dma_alloc_attrs returns a malformed buffer", Evidence.addr("cpu address", buf.cpuPhys()),
                    Evidence.addr("device address", buf.dmaAddr()), Evidence.bytes("size", buf.size()),
                    Evidence.bytes("requested size", a.size()));
        }
        return Optional.empty();
    }

    /** A failed call: nothing it could have taken may have grown. */
    private Optional<Violation> leftBehind(StepContext ctx, String call) {
        Usage b = ctx.before();
        Usage a = ctx.after();
        List<Evidence> grew = new ArrayList<>();
        for (DomainConfig d : ctx.platform().config().domains()) {
            String id = d.id();
            if (a.heldIova(id) > b.heldIova(id)) {
                grew.add(Evidence.text("iova granules " + id, b.heldIova(id) + "->" + a.heldIova(id)));
            }
            if (a.livePtes(id) > b.livePtes(id)) {
                grew.add(Evidence.text("ptes " + id, b.livePtes(id) + "->" + a.livePtes(id)));
            }
            long pb = b.pendingPtes().getOrDefault(id, 0L);
            long pa = a.pendingPtes().getOrDefault(id, 0L);
            if (pa > pb) {
                grew.add(Evidence.text("pending ptes " + id, pb + "->" + pa));
            }
        }
        if (a.swiotlbSlots() > b.swiotlbSlots()) {
            grew.add(Evidence.text("swiotlb slots", b.swiotlbSlots() + "->" + a.swiotlbSlots()));
        }
        if (a.coherentBytes() > b.coherentBytes()) {
            grew.add(Evidence.text("coherent bytes", b.coherentBytes() + "->" + a.coherentBytes()));
        }
        if (grew.isEmpty()) {
            return Optional.empty();
        }
        grew.add(0, Evidence.text("call", call));
        return Optional.of(new Violation(name(), ctx.step(), deviceOf(ctx), "failed call leaves resources behind", grew));
    }

    private Optional<Violation> fail(StepContext ctx, String message, Evidence... evidence) {
        return Optional.of(new Violation(name(), ctx.step(), deviceOf(ctx), message, List.of(evidence)));
    }

    static org.dmacheck.spec.platform.DeviceId deviceOf(StepContext ctx) {
        Op op = ctx.op();
        if (op instanceof Op.MapSingle m) {
            return m.dev();
        } else if (op instanceof Op.MapSg m) {
            return m.dev();
        } else if (op instanceof Op.IovaTryAlloc t) {
            return t.dev();
        } else if (op instanceof Op.AllocCoherent a) {
            return a.dev();
        } else if (op instanceof Op.UnmapUnknown u) {
            return u.dev();
        }
        String handle = Op.usedHandle(op);
        if (handle != null) {
            var b = ctx.ledger().mapping(handle);
            if (b.isPresent()) {
                return b.get().dev();
            }
            for (var m : ctx.change().released()) {
                if (m.handle().equals(handle)) {
                    return m.dev();
                }
            }
        }
        return null;
    }

    static String callName(Op op) {
        return op.getClass().getSimpleName();
    }
}
