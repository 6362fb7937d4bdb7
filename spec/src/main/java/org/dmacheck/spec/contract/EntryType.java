package org.dmacheck.spec.contract;

/**
 * dma-debug's entry types ({@code type2name[]}), named as its messages print them. Which one a
 * call books depends on the kernel generation: since v6.18 every {@code dma_map_phys}-based single
 * mapping (page, single, resource) is {@link #PHY}; older kernels booked {@link #SINGLE} for
 * map_single/map_page and {@link #RESOURCE} for map_resource. Single syncs always use
 * {@link #SINGLE} as their reference type.
 */
public enum EntryType {
    SINGLE("single"),
    SG("scatter-gather"),
    COHERENT("coherent"),
    /** {@code dma_alloc_pages()} (debug_dma_alloc_pages). */
    NONCOHERENT("noncoherent"),
    /** v6.18+: {@code dma_map_phys()} and everything built on it. */
    PHY("phy"),
    /** Before v7.0: {@code dma_map_resource()}. */
    RESOURCE("resource");

    private final String printed;

    EntryType(String printed) {
        this.printed = printed;
    }

    /** As {@code type2name[]} prints it: {@code scatter-gather}. */
    public String printed() {
        return printed;
    }

    /** Single-buffer mappings: their map result must be checked with {@code dma_mapping_error()}. */
    public boolean isSingle() {
        return this == SINGLE || this == PHY || this == RESOURCE;
    }

    /** Allocations freed with a CPU address that must match (U5). */
    public boolean isAllocation() {
        return this == COHERENT || this == NONCOHERENT;
    }
}
