package org.dmacheck.spec.invariant;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.dmacheck.spec.api.Errno;
import org.dmacheck.spec.driver.OpResult;
import org.dmacheck.spec.model.LedgerChange;
import org.dmacheck.spec.model.Mapping;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DmaAttrs;
import org.dmacheck.spec.platform.DomainConfig;
import org.dmacheck.spec.platform.IommuDomainModel;
import org.dmacheck.spec.platform.IommuPte;
import org.dmacheck.spec.platform.Unsigned;
import org.dmacheck.spec.violation.Evidence;
import org.dmacheck.spec.violation.Violation;

/**
 * Invariant 11: the two-step {@code dma_iova_*} API follows its state machine (§7, §13 F34–F38).
 * {@code try_alloc} succeeds only for a device on dma-iommu and a non-zero size, and maps nothing;
 * {@code link} refuses an unaligned {@code phys} at a non-zero offset with {@code -EIO}, and MMIO that
 * would need a bounce with {@code -EPERM}, and otherwise writes exactly the granules it covers, all
 * inside the reservation; {@code unlink} removes exactly its link's entries; {@code free} and
 * {@code destroy} leave no entry in the reservation — destroy equals unlink plus free. That the
 * linked bytes translate after {@code dma_iova_sync} is {@link Translation}'s part; that the
 * reservation is returned, {@link Balance}'s.
 */
public final class TwoStepRules implements Invariant {
    @Override
    public String description() {
        return "dma_iova_try_alloc succeeds only on dma-iommu devices and maps nothing; links obey the alignment rules "
                + "(-EIO, -EPERM) and map exactly their granules inside the reservation; unlink, free and destroy "
                + "leave no page-table entry behind";
    }

    @Override
    public Optional<Violation> afterStep(StepContext ctx) {
        if (ctx.misuse() || ctx.result() instanceof OpResult.Threw) {
            return Optional.empty();
        }
        Op op = ctx.op();
        if (op instanceof Op.IovaTryAlloc t && ctx.result() instanceof OpResult.IovaAllocated a) {
            return tryAlloc(ctx, t, a);
        }
        if (op instanceof Op.IovaLink l && ctx.result() instanceof OpResult.Status s) {
            return link(ctx, l, s);
        }
        if (op instanceof Op.IovaUnlink u) {
            for (LedgerChange.Update up : ctx.change().updated()) {
                if (up.before() instanceof Mapping.Iova v) {
                    long base = v.addr() + u.offset();
                    return noPtes(ctx, v, base, u.size(), "dma_iova_unlink leaves page-table entries in its range");
                }
            }
        }
        if (op instanceof Op.IovaFree || op instanceof Op.IovaDestroy) {
            for (Mapping m : ctx.change().released()) {
                if (m instanceof Mapping.Iova v) {
                    return noPtes(ctx, v, v.addr(), v.size(), "dma_iova_" + (op instanceof Op.IovaFree ? "free" : "destroy")
                            + " leaves page-table entries in the reservation");
                }
            }
        }
        return Optional.empty();
    }

    private Optional<Violation> tryAlloc(StepContext ctx, Op.IovaTryAlloc t, OpResult.IovaAllocated a) {
        if (!a.ok()) {
            return Optional.empty();
        }
        if (ctx.ledger().translatingDomain(t.dev()).isEmpty()) {
            return fail(ctx, t.dev(), "dma_iova_try_alloc succeeds on a device that does not use dma-iommu",
                    Evidence.addr("state addr", a.addr()), Evidence.hex("size", t.size()));
        }
        if (t.size() == 0) {
            return fail(ctx, t.dev(), "dma_iova_try_alloc succeeds for size 0", Evidence.addr("state addr", a.addr()));
        }
        String d = ctx.ledger().translatingDomain(t.dev()).get().id();
        if (ctx.after().livePtes(d) != ctx.before().livePtes(d)) {
            return fail(ctx, t.dev(), "dma_iova_try_alloc maps something",
                    Evidence.text("ptes " + d, ctx.before().livePtes(d) + "->" + ctx.after().livePtes(d)));
        }
        return Optional.empty();
    }

    private Optional<Violation> link(StepContext ctx, Op.IovaLink l, OpResult.Status s) {
        Mapping.Iova v = iova(ctx, l.handle());
        if (v == null) {
            return Optional.empty();
        }
        DomainConfig d = ctx.ledger().translatingDomain(v.dev()).orElse(null);
        if (d == null) {
            return Optional.empty();
        }
        long g = d.granule();
        long off = l.phys() & (g - 1);
        DeviceConfig dev = ctx.platform().device(v.dev());
        if (off != 0 && l.offset() != 0 && s.code() != -Errno.EIO) {
            // dma_iova_link(): only the first link may start inside a granule
            return fail(ctx, v.dev(), "dma_iova_link of an unaligned phys at a non-zero offset does not fail with -EIO",
                    Evidence.addr("phys", l.phys()), Evidence.hex("offset", l.offset()), Evidence.hex("granule", g),
                    Evidence.text("returned", Errno.name(s.code())), Evidence.text("handle", v.handle()));
        }
        boolean needsBounce = dev.untrusted() && ((l.phys() | l.size()) & (g - 1)) != 0;
        if (DmaAttrs.has(l.attrs(), DmaAttrs.MMIO) && needsBounce && !(off != 0 && l.offset() != 0)
                && s.code() != -Errno.EPERM) {
            return fail(ctx, v.dev(), "dma_iova_link of MMIO that would need a bounce does not fail with -EPERM",
                    Evidence.addr("phys", l.phys()), Evidence.hex("size", l.size()),
                    Evidence.text("returned", Errno.name(s.code())), Evidence.text("handle", v.handle()));
        }
        if (s.failed()) {
            return Optional.empty();
        }
        long want = Unsigned.alignUp(l.size() + off, g) / g;
        long got = ctx.after().livePtes(d.id()) - ctx.before().livePtes(d.id());
        if (got != want) {
            return fail(ctx, v.dev(), "dma_iova_link maps a different number of granules than it covers",
                    Evidence.count("granules mapped", got), Evidence.count("granules covered", want),
                    Evidence.hex("offset", l.offset()), Evidence.hex("size", l.size()), Evidence.text("handle", v.handle()));
        }
        long resStart = Unsigned.alignDown(v.addr(), g);
        long resLast = Unsigned.alignUp(v.addr() + v.size(), g) - 1;
        IommuDomainModel dom = ctx.platform().domain(d.id());
        long first = Unsigned.alignDown(v.addr() + l.offset(), g);
        for (IommuPte p : dom.ptes(first, want * g)) {
            if (Unsigned.lt(p.iova(), resStart) || Unsigned.lt(resLast, p.iova())) {
                return fail(ctx, v.dev(), "dma_iova_link maps outside its reservation",
                        Evidence.addr("iova", p.iova()), Evidence.range("reservation", resStart, resLast),
                        Evidence.text("handle", v.handle()));
            }
        }
        return Optional.empty();
    }

    private Optional<Violation> noPtes(StepContext ctx, Mapping.Iova v, long start, long size, String message) {
        DomainConfig d = ctx.ledger().translatingDomain(v.dev()).orElse(null);
        if (d == null || size == 0) {
            return Optional.empty();
        }
        long g = d.granule();
        long first = Unsigned.alignDown(start, g);
        long len = Unsigned.alignUp(start + size, g) - first;
        for (IommuPte p : ctx.platform().domain(d.id()).ptes(first, len)) {
            return fail(ctx, v.dev(), message, Evidence.addr("iova", p.iova()), Evidence.addr("phys", p.phys()),
                    Evidence.range("range", first, first + len - 1), Evidence.text("handle", v.handle()));
        }
        return Optional.empty();
    }

    private static Mapping.Iova iova(StepContext ctx, String handle) {
        return ctx.ledger().mapping(handle).orElse(null) instanceof Mapping.Iova v ? v : null;
    }

    private Optional<Violation> fail(StepContext ctx, org.dmacheck.spec.platform.DeviceId dev, String message,
                                     Evidence... evidence) {
        return Optional.of(new Violation(name(), ctx.step(), dev, message, new ArrayList<>(List.of(evidence))));
    }
}
