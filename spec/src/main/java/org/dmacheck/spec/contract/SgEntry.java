package org.dmacheck.spec.contract;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * One entry of a scatterlist as dma-debug reads it: the CPU side ({@code sg_phys}, {@code length})
 * and the DMA side ({@code sg_dma_address}, {@code sg_dma_len}) the map call wrote. Entries past the
 * returned count carry whatever the list holds (usually 0).
 *
 * @param phys       {@code sg_phys(s)}; empty when unknown
 * @param length     {@code s->length}, the CPU-side length M5 judges; 0 when unknown
 * @param dmaAddress {@code sg_dma_address(s)}
 * @param dmaLength  {@code sg_dma_len(s)}
 */
public record SgEntry(OptionalLong phys, long length, long dmaAddress, long dmaLength) {
    public SgEntry {
        Objects.requireNonNull(phys, "phys");
    }

    /** An entry whose CPU side is known. */
    public static SgEntry of(long phys, long length, long dmaAddress, long dmaLength) {
        return new SgEntry(OptionalLong.of(phys), length, dmaAddress, dmaLength);
    }

    /** An entry of which only the DMA side is known (a trace's sync or unmap). */
    public static SgEntry dmaOnly(long dmaAddress, long dmaLength) {
        return new SgEntry(OptionalLong.empty(), 0, dmaAddress, dmaLength);
    }
}
