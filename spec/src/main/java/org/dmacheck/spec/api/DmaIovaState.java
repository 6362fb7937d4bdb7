package org.dmacheck.spec.api;

import org.dmacheck.spec.platform.Unsigned;

/**
 * {@code struct dma_iova_state} (§1.5): the IOVA handed to the device for byte 0 of the range,
 * and the requested size whose bit 63 ({@code DMA_IOVA_USE_SWIOTLB}) records that a linked piece
 * was bounced. Mutable, like the kernel's: {@code dma_iova_try_alloc} fills it in.
 */
public final class DmaIovaState {
    /** {@code DMA_IOVA_USE_SWIOTLB}. */
    public static final long USE_SWIOTLB = 1L << 63;

    private long addr;
    private long rawSize;

    public long addr() {
        return addr;
    }

    /** {@code state->__size}, bit 63 included. */
    public long rawSize() {
        return rawSize;
    }

    /** {@code dma_iova_size()}: the size without the swiotlb bit. */
    public long size() {
        return rawSize & ~USE_SWIOTLB;
    }

    /** {@code dma_use_iova()}. */
    public boolean inUse() {
        return rawSize != 0;
    }

    public boolean usesSwiotlb() {
        return (rawSize & USE_SWIOTLB) != 0;
    }

    public void set(long addr, long size) {
        this.addr = addr;
        this.rawSize = size;
    }

    public void markSwiotlb() {
        this.rawSize |= USE_SWIOTLB;
    }

    /** Zeroes the state, as {@code dma_iova_try_alloc} does first. */
    public void clear() {
        this.addr = 0;
        this.rawSize = 0;
    }

    @Override
    public String toString() {
        return "{addr=" + Unsigned.hex(addr) + " size=" + Unsigned.hex(size()) + (usesSwiotlb() ? " SWIOTLB" : "") + "}";
    }
}
