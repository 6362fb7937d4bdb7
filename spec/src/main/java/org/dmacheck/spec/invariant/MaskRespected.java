package org.dmacheck.spec.invariant;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.dmacheck.spec.driver.SgSegment;
import org.dmacheck.spec.model.Mapping;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.Unsigned;
import org.dmacheck.spec.violation.Evidence;
import org.dmacheck.spec.violation.Violation;

/**
 * Invariant 2: every DMA address range a new mapping hands the device lies at or below
 * {@code min_not_zero(dma_mask, bus_dma_limit)} (§3.2 {@code dma_capable}, §6.3) — for coherent
 * allocations the coherent mask — and does not wrap. A two-step reservation counts as one range.
 * P2P bus-address segments are exempt: Linux programs {@code phys + bus_offset} without a mask check
 * (§3.7), and {@link P2pTranslation} judges them exactly.
 */
public final class MaskRespected implements Invariant {
    @Override
    public String description() {
        return "every DMA address a mapping hands out lies at or below min(dma_mask, bus_dma_limit) "
                + "(the coherent mask for coherent allocations), without wrapping";
    }

    @Override
    public Optional<Violation> afterStep(StepContext ctx) {
        for (Mapping m : ctx.change().created()) {
            Optional<Violation> v = check(m, ctx.platform().device(m.dev()), ctx.step());
            if (v.isPresent()) {
                return v;
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<Violation> sweep(SweepContext ctx) {
        for (Mapping m : ctx.ledger().live()) {
            Optional<Violation> v = check(m, ctx.platform().device(m.dev()), 0);
            if (v.isPresent()) {
                return v;
            }
        }
        return Optional.empty();
    }

    private Optional<Violation> check(Mapping m, DeviceConfig dev, long step) {
        boolean coherent = m instanceof Mapping.Coherent;
        long limit = coherent ? dev.coherentLimit() : dev.streamingLimit();
        for (long[] r : ranges(m)) {
            if (!Unsigned.rangeAtOrBelow(r[0], r[1], limit)) {
                List<Evidence> ev = new ArrayList<>();
                ev.add(Evidence.addr("device address", r[0]));
                ev.add(Evidence.bytes("map size", r[1]));
                ev.add(Evidence.hex(coherent ? "coherent_dma_mask" : "dma_mask", coherent ? dev.coherentMask() : dev.dmaMask()));
                if (dev.busDmaLimit() != 0) {
                    ev.add(Evidence.hex("bus_dma_limit", dev.busDmaLimit()));
                }
                ev.add(Evidence.text("handle", m.handle()));
                return Optional.of(new Violation(name(), step, m.dev(),
                        "device driver maps memory beyond " + (coherent ? "coherent_dma_mask" : "dma_mask"), ev));
            }
        }
        return Optional.empty();
    }

    /** {@code {start, length}} of each device-visible range the mapping was given. */
    private static List<long[]> ranges(Mapping m) {
        List<long[]> out = new ArrayList<>();
        if (m instanceof Mapping.Single s) {
            out.add(new long[] {s.dmaAddr(), s.size()});
        } else if (m instanceof Mapping.Sg g) {
            for (SgSegment s : g.segments()) {
                if (!s.busAddress()) {
                    out.add(new long[] {s.dmaAddr(), s.length()});
                }
            }
        } else if (m instanceof Mapping.Iova v) {
            out.add(new long[] {v.addr(), v.size()});
        } else if (m instanceof Mapping.Coherent c) {
            out.add(new long[] {c.buffer().dmaAddr(), c.buffer().size()});
        }
        return out;
    }
}
