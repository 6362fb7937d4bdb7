package org.dmacheck.spec.api;

/** The result of {@code dma_alloc_coherent}: the CPU physical address, the DMA handle and the size. */
public record CoherentBuffer(long cpuPhys, long dmaAddr, long size) {
}
