package org.dmacheck.spec.platform;

/** {@code IOMMU_DOMAIN_*} default-domain types. */
public enum IommuDomainType {
    /** Translated, strict invalidation: IOTLB synced before an IOVA is freed. */
    DMA,
    /** Translated, lazy invalidation through a flush queue. */
    DMA_FQ,
    /** Passthrough: DMA addresses are physical (through {@code dma_range_map}); dma-direct is used. */
    IDENTITY,
    /** Every device access faults. */
    BLOCKED;

    /** Whether dma-iommu manages this domain ({@code use_dma_iommu()}). */
    public boolean usesDmaIommu() {
        return this == DMA || this == DMA_FQ;
    }
}
