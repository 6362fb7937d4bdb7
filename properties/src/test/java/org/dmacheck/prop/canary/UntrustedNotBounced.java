package org.dmacheck.prop.canary;

import java.util.Set;
import org.dmacheck.spec.platform.Hardware;

/**
 * Sub-granule exposure (bug-classes.md class 4): an untrusted device's unaligned buffer is mapped
 * in place, so the whole granule around it, neighbours included, is reachable.
 */
public final class UntrustedNotBounced extends CanaryProvider {
    public UntrustedNotBounced() {
        super("canary-untrusted-not-bounced", "single-maps",
                "reference engine that treats untrusted devices as trusted (no sub-granule bouncing)",
                Set.of("Translation"));
    }

    @Override
    Hardware wrapHardware(Hardware real) {
        return new DeviceConfigMisread(real, b -> b.untrusted(false));
    }
}
