package org.dmacheck.prop.canary;

import java.util.Set;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.api.DmaIovaState;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Hardware;

/** Two-step: {@code dma_iova_sync} reports success without making the linked PTEs visible. */
public final class TwoStepNoSync extends CanaryProvider {
    public TwoStepNoSync() {
        super("canary-two-step-no-sync", "two-step",
                "reference engine whose dma_iova_sync returns 0 and does nothing",
                Set.of("TwoStepRules", "Translation"));
    }

    @Override
    DmaEngine wrapEngine(DmaEngine reference, Hardware real) {
        return new ForwardingEngine(reference) {
            @Override
            public int iovaSync(DeviceId dev, DmaIovaState state, long offset, long size) {
                return 0; // the bug: iommu_sync_map never happens
            }
        };
    }
}
