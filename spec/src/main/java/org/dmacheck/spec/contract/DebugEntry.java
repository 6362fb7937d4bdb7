package org.dmacheck.spec.contract;

import java.util.Objects;
import java.util.OptionalLong;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;

/**
 * One booked mapping, sg segment or allocation: debug.c's {@code struct dma_debug_entry}.
 *
 * @param dev          the device
 * @param devAddr      the DMA address (for sg: this segment's {@code sg_dma_address})
 * @param size         bytes (for sg: this segment's {@code sg_dma_len})
 * @param type         how it was made
 * @param direction    the mapping's direction ({@code BIDIRECTIONAL} for coherent allocations)
 * @param sgCallEnts   {@code nents} passed to {@code dma_map_sg} (0 for others)
 * @param sgMappedEnts the count {@code dma_map_sg} returned (0 for others)
 * @param paddr        the CPU physical address of the first byte (for sg: of list entry i, a
 *                     debug.c quirk); empty when the caller does not know it, and then the
 *                     cache-line tracker ignores the entry
 * @param cpuAddr      for allocations, the CPU address the free must repeat (U5); 0 otherwise
 * @param mapErr       whether {@code dma_mapping_error()} was called on it
 * @param attrs        {@code DMA_ATTR_*} of the map call
 * @param mappedAt     the caller's location of the map or allocation
 * @param seq          booking order (debug.c's hash lists keep insertion order)
 */
public record DebugEntry(DeviceId dev, long devAddr, long size, EntryType type, Direction direction, int sgCallEnts,
                         int sgMappedEnts, OptionalLong paddr, long cpuAddr, MapErr mapErr, long attrs,
                         Location mappedAt, long seq) {

    /** {@code enum map_err_types}. */
    public enum MapErr {
        /** sg and allocations: nothing to check. */
        CHECK_NOT_APPLICABLE,
        /** A single mapping nobody has passed to {@code dma_mapping_error()} yet. */
        NOT_CHECKED,
        CHECKED
    }

    public DebugEntry {
        Objects.requireNonNull(dev, "dev");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(paddr, "paddr");
        Objects.requireNonNull(mapErr, "mapErr");
        Objects.requireNonNull(mappedAt, "mappedAt");
    }

    DebugEntry withMapErr(MapErr e) {
        return new DebugEntry(dev, devAddr, size, type, direction, sgCallEnts, sgMappedEnts, paddr, cpuAddr, e, attrs,
                mappedAt, seq);
    }
}
