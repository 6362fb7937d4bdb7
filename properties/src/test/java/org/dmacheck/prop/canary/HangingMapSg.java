package org.dmacheck.prop.canary;

import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.Hardware;

/** An engine whose {@code dma_map_sg} never returns: the per-call timeout must turn it into a report. */
public final class HangingMapSg extends CanaryProvider {
    public HangingMapSg() {
        super("canary-hanging-map-sg", "sg",
                "reference engine whose dma_map_sg never returns",
                Set.of("engine-hang"));
    }

    @Override
    DmaEngine wrapEngine(DmaEngine reference, Hardware real) {
        return new ForwardingEngine(reference) {
            @Override
            public int mapSg(DeviceId dev, Scatterlist sgl, int nents, Direction dir, long attrs) {
                try {
                    new CountDownLatch(1).await(); // the bug: waits for nothing, forever
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return -1;
            }
        };
    }
}
