package org.dmacheck.prop.canary;

import java.util.Set;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.Hardware;

/**
 * A garbage map result: {@code dma_map_sg} returns the number of input entries even when it
 * merged them into fewer DMA segments, so the caller programs unused entries
 * ({@code DMA_MAPPING_ERROR}, length 0) into the device.
 */
public final class SgCountUnmerged extends CanaryProvider {
    public SgCountUnmerged() {
        super("canary-sg-count-unmerged", "sg",
                "reference engine whose dma_map_sg returns nents instead of the merged segment count",
                Set.of("ResultWellFormed", "SegmentRules"));
    }

    @Override
    DmaEngine wrapEngine(DmaEngine reference, Hardware real) {
        return new ForwardingEngine(reference) {
            @Override
            public int mapSg(DeviceId dev, Scatterlist sgl, int nents, Direction dir, long attrs) {
                int ents = inner.mapSg(dev, sgl, nents, dir, attrs);
                return ents > 0 ? nents : ents;
            }
        };
    }
}
