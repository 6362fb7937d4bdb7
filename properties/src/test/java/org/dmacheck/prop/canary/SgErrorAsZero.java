package org.dmacheck.prop.canary;

import java.util.Set;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.Hardware;

/**
 * The two map_sg conventions confused: {@code dma_map_sg()} returns 0 on failure, but
 * {@code __dma_map_sg_attrs()} (what an engine implements, and what {@code dma_map_sgtable()}
 * passes on) must return a negative errno ({@code -EREMOTEIO}, {@code -ENOMEM} ...). This engine
 * answers every failed map_sg with 0.
 */
public final class SgErrorAsZero extends CanaryProvider {
    public SgErrorAsZero() {
        super("canary-sg-error-as-zero", "sg",
                "reference engine whose failed dma_map_sg returns 0 instead of a negative errno",
                Set.of("ResultWellFormed"));
    }

    @Override
    DmaEngine wrapEngine(DmaEngine reference, Hardware real) {
        return new ForwardingEngine(reference) {
            @Override
            public int mapSg(DeviceId dev, Scatterlist sgl, int nents, Direction dir, long attrs) {
                return Math.max(0, inner.mapSg(dev, sgl, nents, dir, attrs));
            }
        };
    }
}
