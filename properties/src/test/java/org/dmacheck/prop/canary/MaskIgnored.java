package org.dmacheck.prop.canary;

import java.util.Set;
import org.dmacheck.spec.platform.Hardware;
import org.dmacheck.spec.platform.Unsigned;

/** Mask ignored: the engine behaves as if every device could address all 64 bits, with no bus limit. */
public final class MaskIgnored extends CanaryProvider {
    public MaskIgnored() {
        super("canary-mask-ignored", "single-maps",
                "reference engine that ignores dma_mask, coherent_dma_mask and bus_dma_limit",
                Set.of("MaskRespected"));
    }

    @Override
    Hardware wrapHardware(Hardware real) {
        return new DeviceConfigMisread(real, b -> b.masks(Unsigned.MAX).busDmaLimit(0));
    }
}
