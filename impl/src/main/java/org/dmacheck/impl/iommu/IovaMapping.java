package org.dmacheck.impl.iommu;

import java.util.List;
import org.dmacheck.spec.platform.DeviceId;

/**
 * One live IOVA allocation of a domain and what the engine mapped into it: the software record that
 * lets an unmap release exactly what its map took, whatever (possibly wrong) size the caller passes.
 * Linux keeps the equivalent implicitly (the IOVA rbtree node plus the caller's arguments); keeping it
 * explicitly is what keeps a misused unmap from clearing a neighbour's PTEs.
 */
final class IovaMapping {
    /** Which API created the allocation. */
    enum Kind { SINGLE, SG, COHERENT, IOVA_STATE }

    /** A granule-aligned range {@code [iova, iova + len)} this mapping wrote PTEs for. */
    record Run(long iova, long len) {
        long end() {
            return iova + len;
        }
    }

    private final Kind kind;
    private final DeviceId device;
    private final long pfn;
    private final long pages;
    private final long handle;
    private final long size;
    private final List<Run> runs;
    /** Two-step only: bytes currently linked. */
    private long linkedBytes;

    private IovaMapping(Kind kind, DeviceId device, long pfn, long pages, long handle, long size, List<Run> runs) {
        this.kind = kind;
        this.device = device;
        this.pfn = pfn;
        this.pages = pages;
        this.handle = handle;
        this.size = size;
        this.runs = List.copyOf(runs);
    }

    /**
     * A streaming or coherent mapping.
     *
     * @param handle the DMA address handed to the caller (the first segment's for a list)
     * @param size   the byte length the caller asked to map (the sg total for a list)
     * @param runs   the granule-aligned ranges whose PTEs were written, in address order
     */
    static IovaMapping mapped(Kind kind, DeviceId device, long pfn, long pages, long handle, long size,
                              List<Run> runs) {
        return new IovaMapping(kind, device, pfn, pages, handle, size, runs);
    }

    /** A {@code dma_iova_try_alloc} reservation: {@code state->addr} and {@code size}; nothing linked. */
    static IovaMapping iovaState(DeviceId device, long pfn, long pages, long addr, long size) {
        return new IovaMapping(Kind.IOVA_STATE, device, pfn, pages, addr, size, List.of());
    }

    Kind kind() {
        return kind;
    }

    DeviceId device() {
        return device;
    }

    /** First frame of the allocator node. */
    long pfn() {
        return pfn;
    }

    /** Frames of the allocator node (after power-of-two rounding). */
    long pages() {
        return pages;
    }

    /** The DMA address handed to the caller. */
    long handle() {
        return handle;
    }

    /** The byte length the caller mapped or reserved. */
    long size() {
        return size;
    }

    List<Run> runs() {
        return runs;
    }

    long linkedBytes() {
        return linkedBytes;
    }

    void addLinked(long bytes) {
        linkedBytes += bytes;
    }

    boolean containsPfn(long p) {
        return p >= pfn && p - pfn < pages;
    }
}
