package org.dmacheck.gen.dma;

/**
 * The kinds of step an operation sequence is made of; a {@link DmaProfile} gives each a weight. The
 * first is the simplest step (a single {@code dma_map_phys}), so the all-zero choice list picks it.
 * Kinds marked {@link #misuse()} break the driver contract on purpose and appear only in misuse
 * profiles.
 */
public enum OpKind {
    /** {@code dma_map_phys} of RAM (or, with {@code DMA_ATTR_MMIO}, of a peer BAR). */
    MAP_PHYS,
    /** {@code dma_map_page_attrs} of RAM. */
    MAP_PAGE,
    /** {@code dma_map_sg}: 1..N entries, RAM and P2P mixed. */
    MAP_SG,
    /** {@code dma_map_resource} of an MMIO resource or a peer BAR. */
    MAP_RESOURCE,
    /** The matching unmap of a live single mapping. */
    UNMAP,
    /** The matching {@code dma_unmap_sg} of a live list. */
    UNMAP_SG,
    /** A whole or partial {@code dma_sync_single_for_cpu/device}. */
    SYNC_SINGLE,
    /** {@code dma_sync_sg_for_cpu/device}. */
    SYNC_SG,
    /** {@code dma_iova_try_alloc}. */
    IOVA_TRY_ALLOC,
    /** {@code dma_iova_link} of the next piece of a two-step state. */
    IOVA_LINK,
    /** {@code dma_iova_sync}. */
    IOVA_SYNC,
    /** {@code dma_iova_unlink} of one link. */
    IOVA_UNLINK,
    /** {@code dma_iova_destroy} of a state whose links tile {@code [0, len)}. */
    IOVA_DESTROY,
    /** {@code dma_iova_free} of a state without links. */
    IOVA_FREE,
    /** {@code dma_alloc_attrs}. */
    ALLOC_COHERENT,
    /** {@code dma_free_attrs}. */
    FREE_COHERENT,
    /** A CPU store into memory the CPU owns. */
    CPU_WRITE,
    /** A CPU load from memory the CPU owns. */
    CPU_READ,
    /** A device write through a live mapping the device owns. */
    DEVICE_WRITE,
    /** A device read through a live mapping the device owns. */
    DEVICE_READ,
    /** Time passes: below or at/above the 10 ms flush-queue timeout. */
    TICK,
    /** Misuse: unmap with a size other than the mapped one. */
    UNMAP_WRONG_SIZE(true),
    /** Misuse: unmap with another direction. */
    UNMAP_WRONG_DIR(true),
    /** Misuse: unmap with another kind (page vs phys vs resource). */
    UNMAP_WRONG_KIND(true),
    /** Misuse: unmap of an address a correct unmap already released. */
    DOUBLE_UNMAP(true),
    /** Misuse: unmap of an address no map returned (inside a mapping, or nowhere). */
    UNMAP_UNKNOWN(true),
    /** Misuse: sync of a range reaching outside its mapping. */
    SYNC_OUTSIDE(true),
    /** Misuse: sync with a direction other than the mapping's (not BIDIRECTIONAL). */
    SYNC_WRONG_DIR(true),
    /** Misuse: {@code dma_unmap_sg} with the returned count instead of nents. */
    UNMAP_SG_RETURNED_COUNT(true);

    private final boolean misuse;

    OpKind() {
        this(false);
    }

    OpKind(boolean misuse) {
        this.misuse = misuse;
    }

    /** Whether the step breaks the driver contract on purpose. */
    public boolean misuse() {
        return misuse;
    }
}
