package org.dmacheck.gen.dma;

import java.util.Locale;

/**
 * The paths a step can exercise, as coverage labels ({@link PathClassifier}). The first nine are the
 * paths issue 5 sets coverage thresholds on; the rest are extra detail for coverage tables.
 */
public enum DmaPath {
    /** dma-direct without bouncing (no IOMMU, an identity or a blocked domain). */
    DIRECT,
    /** A swiotlb bounce slot: dma-direct, or dma-iommu for an untrusted or unaligned buffer. */
    BOUNCE,
    /** dma-iommu in a strict (DMA) domain. */
    IOMMU_STRICT,
    /** dma-iommu in a lazy (DMA_FQ) domain. */
    IOMMU_LAZY,
    /** A P2P scatterlist entry mapped to its PCI bus address (shared switch, no IOMMU). */
    P2P_BUS_ADDRESS,
    /** P2P memory mapped through an allow-listed host bridge. */
    HOST_BRIDGE,
    /** The two-step API: a successful try_alloc or link. */
    TWO_STEP,
    /** map_sg merged entries: fewer DMA segments than entries. */
    SG_MERGE,
    /** map_sg output split at a seg boundary: a segment ends on the boundary and the next starts there. */
    SG_SPLIT_AT_BOUNDARY,
    /** A map, map_sg, try_alloc, link or coherent allocation that failed. */
    MAP_FAILED,
    /** map_sg refused P2P memory the device cannot reach ({@code -EREMOTEIO}). */
    P2P_REFUSED,
    /** A successful coherent allocation. */
    COHERENT,
    /** Time passed the 10 ms flush-queue timeout with a lazy domain present. */
    FLUSH_TIMEOUT;

    /** The label as coverage tables print it, e.g. {@code iommu strict} ({@code two-step} for {@link #TWO_STEP}). */
    public String label() {
        return this == TWO_STEP ? "two-step" : name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** The coverage label the harness uses, e.g. {@code path: iommu strict}. */
    public String coverageLabel() {
        return "path: " + label();
    }

    @Override
    public String toString() {
        return label();
    }
}
