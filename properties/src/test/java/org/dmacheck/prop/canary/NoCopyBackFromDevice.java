package org.dmacheck.prop.canary;

import java.util.Set;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.DmaAttrs;
import org.dmacheck.spec.platform.Hardware;

/**
 * A flipped copy-matrix cell (bug-classes.md class 5): unmap of a FROM_DEVICE mapping does not
 * copy the bounce slot back (as if {@code DMA_ATTR_SKIP_CPU_SYNC} were always set for it).
 */
public final class NoCopyBackFromDevice extends CanaryProvider {
    public NoCopyBackFromDevice() {
        super("canary-no-copy-back", "swiotlb-pressure",
                "reference engine that skips the bounce copy-out at unmap for DMA_FROM_DEVICE",
                Set.of("DataVisibility"));
    }

    @Override
    DmaEngine wrapEngine(DmaEngine reference, Hardware real) {
        return new ForwardingEngine(reference) {
            @Override
            public void unmapPhys(DeviceId dev, long addr, long size, Direction dir, long attrs) {
                inner.unmapPhys(dev, addr, size, dir, flip(dir, attrs));
            }

            @Override
            public void unmapPage(DeviceId dev, long addr, long size, Direction dir, long attrs) {
                inner.unmapPage(dev, addr, size, dir, flip(dir, attrs));
            }
        };
    }

    private static long flip(Direction dir, long attrs) {
        return dir == Direction.FROM_DEVICE ? attrs | DmaAttrs.SKIP_CPU_SYNC : attrs;
    }
}
