package org.dmacheck.prop.canary;

import java.util.Set;
import org.dmacheck.spec.platform.Hardware;
import org.dmacheck.spec.platform.Unsigned;

/** Mask ignored: the engine behaves as if every device could address all 64 bits, with no bus limit. */
public final class MaskIgnored extends CanaryProvider {
    @Override
    public String name() {
        return "canary-mask-ignored";
    }

    @Override
    public String description() {
        return "reference engine that ignores dma_mask, coherent_dma_mask and bus_dma_limit";
    }

    @Override
    Set<String> caughtBy() {
        return Set.of("MaskRespected");
    }

    @Override
    String property() {
        return "single-maps";
    }

    @Override
    Hardware wrapHardware(Hardware real) {
        return new DeviceConfigMisread(real, b -> b.masks(Unsigned.MAX).busDmaLimit(0));
    }
}
