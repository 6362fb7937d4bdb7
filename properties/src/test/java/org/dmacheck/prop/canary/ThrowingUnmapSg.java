package org.dmacheck.prop.canary;

import java.util.Set;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.Hardware;

/** An engine that crashes: {@code dma_unmap_sg} throws a NullPointerException. */
public final class ThrowingUnmapSg extends CanaryProvider {
    public ThrowingUnmapSg() {
        super("canary-throwing-unmap-sg", "sg",
                "reference engine whose dma_unmap_sg throws NullPointerException",
                Set.of("engine-exception"));
    }

    @Override
    DmaEngine wrapEngine(DmaEngine reference, Hardware real) {
        return new ForwardingEngine(reference) {
            @Override
            public void unmapSg(DeviceId dev, Scatterlist sgl, int nents, Direction dir, long attrs) {
                throw new NullPointerException("sg_dma_address of a NULL entry"); // the bug
            }
        };
    }
}
