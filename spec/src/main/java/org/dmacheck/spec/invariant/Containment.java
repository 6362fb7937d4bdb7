package org.dmacheck.spec.invariant;

import java.util.List;
import java.util.Optional;
import org.dmacheck.spec.driver.OpResult;
import org.dmacheck.spec.model.Mapping;
import org.dmacheck.spec.model.Piece;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.Resolution;
import org.dmacheck.spec.violation.Evidence;
import org.dmacheck.spec.violation.Violation;

/**
 * Invariant 12 (misuse mode): a misused call — wrong size, direction, kind or entry count, a double
 * unmap, an unknown address, DMA_NONE — may be refused or warned about, but never harms anyone
 * else. The engine throws nothing but its documented BUG-style {@link IllegalArgumentException}; a
 * map with DMA_NONE does not succeed; and every other live mapping still reaches its own bytes
 * (first and last byte of each piece probed). The mapping the call targeted is abandoned by the
 * ledger and not judged. Later reads judge the others' data as usual ({@link DataVisibility}).
 * Unlike the incremental invariants this one probes every live mapping, but only on misused steps.
 */
public final class Containment implements Invariant {
    @Override
    public String description() {
        return "a misused call (wrong size, direction or kind, double unmap, unknown address) throws at most a BUG-style "
                + "IllegalArgumentException and leaves every other live mapping reaching its own bytes";
    }

    @Override
    public Optional<Violation> afterStep(StepContext ctx) {
        if (!ctx.misuse()) {
            return Optional.empty();
        }
        String misuse = ctx.executed().misuse();
        if (ctx.result() instanceof OpResult.Threw t && !t.bugStyle()) {
            return Optional.of(new Violation(name(), ctx.step(), ResultWellFormed.deviceOf(ctx),
                    "DMA engine throws on a misused call instead of refusing it",
                    List.of(Evidence.text("misuse", misuse), Evidence.text("exception", String.valueOf(t.exception())))));
        }
        boolean noneMapped = (ctx.op() instanceof Op.MapSingle m && !m.dir().isValid()
                && ctx.result() instanceof OpResult.Mapped r && !r.failed())
                || (ctx.op() instanceof Op.MapSg g && !g.dir().isValid()
                && ctx.result() instanceof OpResult.MappedSg s && !s.failed());
        if (noneMapped) {
            return Optional.of(new Violation(name(), ctx.step(), ResultWellFormed.deviceOf(ctx),
                    "DMA engine maps with DMA_NONE", List.of(Evidence.text("returned", ctx.result().describe()))));
        }
        for (Mapping m : ctx.ledger().live()) {
            for (Piece p : visible(m)) {
                for (long k : new long[] {0, p.length() - 1}) {
                    long want = p.phys() + k;
                    if (Samples.unreachableP2p(ctx.platform(), m.dev(), want)) {
                        continue;
                    }
                    Resolution r = ctx.resolve(m.dev(), p.dmaAddr() + k, !p.dir().deviceMayRead());
                    boolean ok = r instanceof Resolution.Reached at
                            && (at.phys() == want || Samples.inPool(ctx.platform(), at.phys()));
                    if (!ok) {
                        return Optional.of(new Violation(name(), ctx.step(), m.dev(),
                                "misused call disturbs another live mapping", List.of(
                                        Evidence.text("misuse", misuse), Evidence.text("handle", m.handle()),
                                        Evidence.addr("device address", p.dmaAddr() + k), Evidence.addr("expected phys", want),
                                        Evidence.text("now", r instanceof Resolution.Reached at
                                                ? "reaches " + org.dmacheck.spec.platform.Unsigned.hex(at.phys())
                                                : ((Resolution.Unreachable) r).reason()))));
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static List<Piece> visible(Mapping m) {
        if (!(m instanceof Mapping.Iova v)) {
            return m.pieces();
        }
        List<Piece> pieces = v.pieces();
        return pieces.stream().filter(p -> v.links().get(p.segment()).synced()).toList();
    }
}
