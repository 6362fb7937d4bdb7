package org.dmacheck.prop.canary;

import java.util.Set;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.api.DmaIovaState;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.Hardware;

/**
 * A two-step state-machine bug: {@code dma_iova_unlink()} returns without clearing the page-table
 * entries of its range (as if {@code __iommu_dma_iova_unlink()} skipped {@code iommu_unmap_fast()}),
 * so the device keeps reaching memory the driver has given back.
 */
public final class UnlinkNoOp extends CanaryProvider {
    public UnlinkNoOp() {
        super("canary-unlink-no-op", "two-step",
                "reference engine whose dma_iova_unlink leaves the linked range mapped",
                Set.of("TwoStepRules", "Balance")); // the unlink took back fewer PTEs than its link set
    }

    @Override
    DmaEngine wrapEngine(DmaEngine reference, Hardware real) {
        return new ForwardingEngine(reference) {
            @Override
            public void iovaUnlink(DeviceId dev, DmaIovaState state, long offset, long size, Direction dir, long attrs) {
                // the bug: nothing is unmapped
            }
        };
    }
}
