package org.dmacheck.spec.contract;

import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;

/**
 * One {@code struct dma_debug_entry}: a live mapping or allocation as dma-debug records it. Only
 * {@link #mapErr} changes after creation ({@code dma_mapping_error()} marks it checked).
 */
public final class DebugEntry {
    /** {@code enum map_err_types}. */
    public enum MapErr { NOT_APPLICABLE, NOT_CHECKED, CHECKED }

    private final DeviceId dev;
    private final long devAddr;
    private final long size;
    private final EntryType type;
    private final Direction direction;
    private final int sgCallEnts;
    private final int sgMappedEnts;
    private final long paddr;
    private final long attrs;
    private MapErr mapErr;

    DebugEntry(DeviceId dev, long devAddr, long size, EntryType type, Direction direction, int sgCallEnts,
               int sgMappedEnts, long paddr, long attrs, MapErr mapErr) {
        this.dev = dev;
        this.devAddr = devAddr;
        this.size = size;
        this.type = type;
        this.direction = direction;
        this.sgCallEnts = sgCallEnts;
        this.sgMappedEnts = sgMappedEnts;
        this.paddr = paddr;
        this.attrs = attrs;
        this.mapErr = mapErr;
    }

    public DeviceId dev() {
        return dev;
    }

    public long devAddr() {
        return devAddr;
    }

    public long size() {
        return size;
    }

    public EntryType type() {
        return type;
    }

    public Direction direction() {
        return direction;
    }

    public int sgCallEnts() {
        return sgCallEnts;
    }

    public int sgMappedEnts() {
        return sgMappedEnts;
    }

    public long paddr() {
        return paddr;
    }

    public long attrs() {
        return attrs;
    }

    public MapErr mapErr() {
        return mapErr;
    }

    void mapErr(MapErr e) {
        this.mapErr = e;
    }

    /** {@code hash_fn()}: bits 13..26 of the DMA address. */
    int bucket() {
        return ContractChecker.bucketOf(devAddr);
    }
}
