package org.dmacheck.spec.contract;

/** dma-debug's entry types ({@code type2name[]} in {@code kernel/dma/debug.c}, newest tree). */
public enum EntryType {
    /** Used only as the type of single-buffer sync references. */
    SINGLE("single"),
    SCATTER_GATHER("scatter-gather"),
    COHERENT("coherent"),
    NONCOHERENT("noncoherent"),
    /** Every {@code dma_map_phys}-based single mapping: page, single, resource (v6.18+). */
    PHY("phy");

    private final String debugName;

    EntryType(String debugName) {
        this.debugName = debugName;
    }

    /** The name dma-debug prints ({@code [mapped as phy]}). */
    public String debugName() {
        return debugName;
    }
}
