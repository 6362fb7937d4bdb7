package org.dmacheck.spec.contract;

/**
 * One scatterlist entry as dma-debug sees it: the CPU side ({@code sg_phys}, {@code length}) and the
 * DMA side ({@code sg_dma_address}, {@code sg_dma_len}) of the same list slot.
 */
public record SgEntry(long paddr, long length, long dmaAddr, long dmaLength) {
}
