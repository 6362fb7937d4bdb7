package org.dmacheck.prop.canary;

import java.util.Set;
import org.dmacheck.spec.platform.Hardware;

/**
 * min_align_mask low bits dropped (SWT-ALIGNMASK-AND-OR's effect): bounce slots are chosen
 * without reproducing the original address's low bits.
 */
public final class MinAlignDropped extends CanaryProvider {
    public MinAlignDropped() {
        super("canary-min-align-dropped", "swiotlb-pressure",
                "reference engine that ignores min_align_mask when bouncing",
                Set.of("AlignmentPreserved"));
    }

    @Override
    Hardware wrapHardware(Hardware real) {
        return new DeviceConfigMisread(real, b -> b.minAlignMask(0));
    }
}
