package org.dmacheck.prop.canary;

import java.util.Set;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.Hardware;

/** Non-coherent sync skipped: {@code arch_sync_dma_for_device} never cleans the CPU cache. */
public final class SkippedCacheClean extends CanaryProvider {
    public SkippedCacheClean() {
        super("canary-skipped-cache-clean", "noncoherent-syncs",
                "reference engine whose arch_sync_dma_for_device does nothing (non-coherent data stays in the CPU cache)",
                Set.of("DataVisibility"));
    }

    @Override
    Hardware wrapHardware(Hardware real) {
        return new ForwardingHardware(real) {
            @Override
            public void archSyncForDevice(long phys, long size, Direction dir) {
                // the bug: no cache clean
            }
        };
    }
}
