package org.dmacheck.prop;

import java.util.List;
import java.util.Objects;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.PlatformConfig;

/** One generated (or replayed) case: a machine and what the driver does on it. */
public record DmaCase(PlatformConfig platform, List<Op> ops) {
    public DmaCase {
        Objects.requireNonNull(platform, "platform");
        ops = List.copyOf(ops);
    }
}
