package org.dmacheck.spec.contract;

/**
 * The kernel configuration dma-debug's judgement depends on.
 *
 * @param l1CacheBytes           {@code L1_CACHE_BYTES}: the cache-line granule of the overlap
 *                               tracker (a power of two)
 * @param dmaCacheAlignment      {@code dma_get_cache_alignment()}: {@code ARCH_DMA_MINALIGN} on
 *                               architectures with non-coherent DMA (arm64: 128), 1 on x86. M7 is
 *                               reported only when it is at least {@code l1CacheBytes}.
 * @param bounceUnalignedKmalloc {@code CONFIG_DMA_BOUNCE_UNALIGNED_KMALLOC} with swiotlb active:
 *                               small kmalloc buffers are bounced, so M7 is not reported
 * @param judgeMapErrorChecks    whether the caller reports every {@code dma_mapping_error()} call;
 *                               when false (a kernel trace cannot see them) single mappings are
 *                               booked as not applicable and U8 never fires
 */
public record DmaDebugOptions(long l1CacheBytes, long dmaCacheAlignment, boolean bounceUnalignedKmalloc,
                              boolean judgeMapErrorChecks) {
    /** A non-coherent arm64-like kernel: 64-byte lines, ARCH_DMA_MINALIGN 128, map errors reported. */
    public static final DmaDebugOptions DEFAULT = new DmaDebugOptions(64, 128, false, true);

    public DmaDebugOptions {
        if (l1CacheBytes <= 0 || Long.bitCount(l1CacheBytes) != 1) {
            throw new IllegalArgumentException("l1CacheBytes " + l1CacheBytes + " is not a power of two");
        }
        if (dmaCacheAlignment <= 0) {
            throw new IllegalArgumentException("dmaCacheAlignment " + dmaCacheAlignment + " must be positive");
        }
    }

    public DmaDebugOptions withJudgeMapErrorChecks(boolean v) {
        return new DmaDebugOptions(l1CacheBytes, dmaCacheAlignment, bounceUnalignedKmalloc, v);
    }

    public DmaDebugOptions withDmaCacheAlignment(long v) {
        return new DmaDebugOptions(l1CacheBytes, v, bounceUnalignedKmalloc, judgeMapErrorChecks);
    }

    /** {@code log2(L1_CACHE_BYTES)}: {@code L1_CACHE_SHIFT}. */
    int l1CacheShift() {
        return Long.numberOfTrailingZeros(l1CacheBytes);
    }
}
