package org.dmacheck.spec.contract;

/**
 * The dma-debug checks mirrored here, by their ids in kernel-dma-semantics.md §9, each with the
 * message {@code kernel/dma/debug.c} prints (the evidence follows in brackets) and a short slug
 * for reports that group findings.
 */
public enum Check {
    /** {@code check_sg_segment()}: a list entry's CPU length exceeds {@code dma_get_max_seg_size()}. */
    M5("sg-segment-too-long", "mapping sg segment longer than device claims to support"),
    /** {@code check_sg_segment()}: a mapped DMA segment crosses the device's segment boundary. */
    M6("sg-segment-boundary", "mapping sg segment across boundary"),
    /**
     * {@code add_dma_entry()}: the first cache line of a device-writable mapping is already active.
     * debug.c prints no evidence but the stack; dmacheck adds the line and the mapping already on it.
     */
    M7("cacheline-overlap", "cacheline tracking EEXIST, overlapping mappings aren't supported"),
    /** {@code active_cacheline_inc_overlap()}: the 3-bit overlap counter overflowed (WARN_ONCE). */
    M8("cacheline-overlap-limit", "exceeded 7 overlapping mappings of cacheline"),
    /** {@code check_unmap()}: nothing booked, and the address is {@code DMA_MAPPING_ERROR}. */
    U1("invalid-address", "device driver tries to free an invalid DMA memory address"),
    /** {@code check_unmap()}: nothing booked at the address (or several, none fitting perfectly). */
    U2("unknown-address", "device driver tries to free DMA memory it has not allocated"),
    /** {@code check_unmap()}: size differs. */
    U3("size-mismatch", "device driver frees DMA memory with different size"),
    /** {@code check_unmap()}: type differs (unmap function does not match the map function). */
    U4("wrong-function", "device driver frees DMA memory with wrong function"),
    /** {@code check_unmap()}: an allocation freed with a different CPU address. */
    U5("cpu-address-mismatch", "device driver frees DMA memory with different CPU address"),
    /** {@code check_unmap()}: an sg list unmapped with a different {@code nents} than mapped. */
    U6("sg-count-mismatch", "device driver frees DMA sg list with different entry count"),
    /** {@code check_unmap()}: direction differs. */
    U7("direction-mismatch", "device driver frees DMA memory with different direction"),
    /** {@code check_unmap()}: the single mapping's result was never given to {@code dma_mapping_error()}. */
    U8("map-error-not-checked", "device driver failed to check map error"),
    /** {@code check_unmap()} (2026 tree): attributes of {@code DMA_ATTR_UNMAP_VALID} differ. */
    U9("attrs-mismatch", "device driver frees DMA memory with different attributes"),
    /** {@code check_sync()}: no booked range contains the synced range. */
    S1("sync-unknown", "device driver tries to sync DMA memory it has not allocated"),
    /** {@code check_sync()}: the sync is larger than the entry (reachable only when the sync's end wraps). */
    S2("sync-outside", "device driver syncs DMA memory outside allocated range"),
    /** {@code check_sync()}: sync direction differs from a non-bidirectional mapping's. */
    S3("sync-direction", "device driver syncs DMA memory with different direction"),
    /** {@code check_sync()}: sync for cpu of memory the device only reads. */
    S4("sync-read-only-for-cpu", "device driver syncs device read-only DMA memory for cpu"),
    /** {@code check_sync()}: sync for device of memory the device only writes. */
    S5("sync-write-only-to-device", "device driver syncs device write-only DMA memory to device"),
    /** {@code check_sync()}: an sg list synced with a different {@code nents} than mapped. */
    S6("sync-sg-count-mismatch", "device driver syncs DMA sg list with different entry count"),
    /** {@code dma_debug_device_change()}: entries left when the driver unbinds (§9.5). */
    L1("leak", "device driver has pending DMA allocations while released from device");

    private final String slug;
    private final String message;

    Check(String slug, String message) {
        this.slug = slug;
        this.message = message;
    }

    /** The id used in kernel-dma-semantics.md §9: {@code U3}. */
    public String id() {
        return name();
    }

    /** A short name for reports: {@code size-mismatch}. */
    public String slug() {
        return slug;
    }

    /** What debug.c prints before the evidence. */
    public String message() {
        return message;
    }
}
