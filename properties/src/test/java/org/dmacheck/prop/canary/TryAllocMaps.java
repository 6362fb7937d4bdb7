package org.dmacheck.prop.canary;

import java.util.Set;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.api.DmaIovaState;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.Hardware;

/**
 * A two-step state-machine bug: {@code dma_iova_try_alloc()} only reserves IOVA space (§7), but
 * this engine also maps the whole reservation to {@code phys} at once, as if the first
 * {@code dma_iova_link()} were folded into the allocation — the device reaches memory the driver
 * never linked.
 */
public final class TryAllocMaps extends CanaryProvider {
    public TryAllocMaps() {
        super("canary-try-alloc-maps", "two-step",
                "reference engine whose dma_iova_try_alloc also links the whole reservation",
                Set.of("TwoStepRules"));
    }

    @Override
    DmaEngine wrapEngine(DmaEngine reference, Hardware real) {
        return new ForwardingEngine(reference) {
            @Override
            public boolean iovaTryAlloc(DeviceId dev, DmaIovaState state, long phys, long size) {
                boolean ok = inner.iovaTryAlloc(dev, state, phys, size);
                if (ok) {
                    inner.iovaLink(dev, state, phys, 0, size, Direction.BIDIRECTIONAL, 0); // the bug
                }
                return ok;
            }
        };
    }
}
