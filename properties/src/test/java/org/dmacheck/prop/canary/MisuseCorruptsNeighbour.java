package org.dmacheck.prop.canary;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.Hardware;

/**
 * Misuse not contained: an unmap of an address the engine never returned (a double unmap, a
 * wrong address) is matched "fuzzily" to the device's most recent live mapping, which is torn
 * down under the driver's feet.
 */
public final class MisuseCorruptsNeighbour extends CanaryProvider {
    public MisuseCorruptsNeighbour() {
        super("canary-misuse-corrupts", "misuse",
                "reference engine whose unmap of an unknown address unmaps the device's latest live mapping",
                Set.of("Containment"));
    }

    /** A single mapping the engine returned. */
    private record Live(DeviceId dev, long addr, long size, Direction dir, long attrs) {
    }

    @Override
    DmaEngine wrapEngine(DmaEngine reference, Hardware real) {
        return new ForwardingEngine(reference) {
            private final Deque<Live> live = new ArrayDeque<>();

            @Override
            public long mapPhys(DeviceId dev, long phys, long size, Direction dir, long attrs) {
                long addr = inner.mapPhys(dev, phys, size, dir, attrs);
                if (addr != DMA_MAPPING_ERROR) {
                    live.push(new Live(dev, addr, size, dir, attrs));
                }
                return addr;
            }

            @Override
            public long mapPage(DeviceId dev, long pagePhys, long offset, long size, Direction dir, long attrs) {
                return mapPhys(dev, pagePhys + offset, size, dir, attrs);
            }

            @Override
            public void unmapPage(DeviceId dev, long addr, long size, Direction dir, long attrs) {
                unmapPhys(dev, addr, size, dir, attrs);
            }

            @Override
            public void unmapPhys(DeviceId dev, long addr, long size, Direction dir, long attrs) {
                Live exact = live.stream().filter(l -> l.dev().equals(dev) && l.addr() == addr).findFirst().orElse(null);
                if (exact == null) {
                    // the bug: a fuzzy match tears down another live mapping
                    exact = live.stream().filter(l -> l.dev().equals(dev)).findFirst().orElse(null);
                    if (exact == null) {
                        inner.unmapPhys(dev, addr, size, dir, attrs);
                        return;
                    }
                }
                live.remove(exact);
                inner.unmapPhys(exact.dev(), exact.addr(), exact.size(), exact.dir(), exact.attrs());
            }
        };
    }
}
