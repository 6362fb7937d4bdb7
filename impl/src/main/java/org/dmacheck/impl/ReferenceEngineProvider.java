package org.dmacheck.impl;

import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.api.DmaEngineProvider;
import org.dmacheck.spec.platform.Hardware;

/** The {@code reference} engine: Linux 6.18+ dma-direct, swiotlb, dma-iommu, P2PDMA and the two-step API. */
public final class ReferenceEngineProvider implements DmaEngineProvider {
    @Override
    public String name() {
        return "reference";
    }

    @Override
    public String description() {
        return "Linux-like reference engine (dma-direct, swiotlb, dma-iommu with IOVA and flush queue, P2PDMA, dma_iova_*), after v6.18/v7.0";
    }

    @Override
    public DmaEngine create(Hardware hardware) {
        return new ReferenceEngine(hardware);
    }
}
