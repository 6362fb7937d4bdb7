package org.dmacheck.spec.platform;

/** What a physical address range is. */
public enum RegionKind {
    /** Normal memory with {@code struct page}; cacheable by the CPU. */
    SYSTEM_RAM,
    /** The swiotlb bounce pool: RAM reserved for bounce slots (bookkeeping belongs to the engine). */
    SWIOTLB,
    /** A PCI P2PDMA provider's memory BAR ({@code MEMORY_DEVICE_PCI_P2PDMA} pages). */
    P2P_BAR,
    /** An MMIO resource without {@code struct page} (registers, doorbells); mapped with {@code DMA_ATTR_MMIO}. */
    MMIO;

    /** Whether the CPU maps this memory cacheable (RAM and the swiotlb pool). */
    public boolean cacheable() {
        return this == SYSTEM_RAM || this == SWIOTLB;
    }
}
