package org.dmacheck.prop.canary;

import java.util.Set;
import org.dmacheck.spec.platform.Hardware;

/**
 * The segment boundary is not honoured when laying out map_sg output (bug-classes.md class 8):
 * merged or padded segments may cross {@code seg_boundary_mask}.
 */
public final class SegBoundaryIgnored extends CanaryProvider {
    public SegBoundaryIgnored() {
        super("canary-seg-boundary-ignored", "sg",
                "reference engine that lays out segments as if seg_boundary_mask were all ones",
                Set.of("SegmentRules"));
    }

    @Override
    Hardware wrapHardware(Hardware real) {
        return new DeviceConfigMisread(real, b -> b.segBoundaryMask(-1L));
    }
}
