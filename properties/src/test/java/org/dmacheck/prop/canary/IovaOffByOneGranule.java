package org.dmacheck.prop.canary;

import java.util.Set;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.api.DmaIovaState;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Hardware;

/**
 * IOVA allocation off by one granule: {@code dma_iova_try_alloc} hands out a range starting one
 * granule below the one the allocator recorded, so the granule under it is still free and the next
 * allocation (top-down) lands on it: two live ranges of one domain overlap.
 */
public final class IovaOffByOneGranule extends CanaryProvider {
    @Override
    public String name() {
        return "canary-iova-off-by-one";
    }

    @Override
    public String description() {
        return "reference engine whose dma_iova_try_alloc returns an IOVA one granule below its reservation";
    }

    @Override
    Set<String> caughtBy() {
        return Set.of("NoIovaOverlap");
    }

    @Override
    String property() {
        return "two-step";
    }

    @Override
    DmaEngine wrapEngine(DmaEngine reference, Hardware real) {
        return new ForwardingEngine(reference) {
            @Override
            public boolean iovaTryAlloc(DeviceId dev, DmaIovaState state, long phys, long size) {
                boolean ok = inner.iovaTryAlloc(dev, state, phys, size);
                if (ok) {
                    long granule = real.iommu(dev).orElseThrow().config().granule();
                    state.set(state.addr() - granule, state.rawSize()); // the bug
                }
                return ok;
            }
        };
    }
}
