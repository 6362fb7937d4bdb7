package org.dmacheck.spec.op;

import java.util.List;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;

/**
 * One step of a driver's life: a DMA-API call, a CPU or device access, or the passing of time.
 * Operations name live objects symbolically — a mapping, a scatterlist, a two-step state or a
 * coherent buffer is bound to a {@code handle} by the operation that creates it, and later
 * operations refer to that handle — so a sequence can be printed, stored as a trace and replayed
 * exactly. Physical addresses are concrete: they belong to the platform.
 */
public sealed interface Op {

    /** How a single mapping was made; the unmap must use the same kind. */
    enum MapKind {
        /** {@code dma_map_phys}. */
        PHYS,
        /** {@code dma_map_page_attrs} (page + offset). */
        PAGE,
        /** {@code dma_map_resource} (MMIO). */
        RESOURCE
    }

    /** {@code dma_map_phys}/{@code dma_map_page_attrs}/{@code dma_map_resource}; binds {@code handle}. */
    record MapSingle(String handle, DeviceId dev, MapKind kind, long phys, long size, Direction dir, long attrs)
            implements Op {
    }

    /**
     * The matching unmap of a live single mapping. A correct driver repeats the map's kind, size and
     * direction; misuse mode varies them. {@code addrDelta} is added to the mapped address (0 for a
     * correct unmap).
     */
    record UnmapSingle(String handle, MapKind kind, long addrDelta, long size, Direction dir, long attrs)
            implements Op {
    }

    /** An unmap of an address no mapping returned (misuse: unknown address, or a double unmap). */
    record UnmapUnknown(DeviceId dev, MapKind kind, long dmaAddr, long size, Direction dir, long attrs)
            implements Op {
    }

    /** {@code dma_map_sg_attrs} of a fresh list of {@code entries}; binds {@code handle}. */
    record MapSg(String handle, DeviceId dev, List<Scatterlist.Chunk> entries, Direction dir, long attrs)
            implements Op {
        public MapSg {
            entries = List.copyOf(entries);
        }
    }

    /** {@code dma_unmap_sg_attrs} of the list bound to {@code handle}, with {@code nents} entries. */
    record UnmapSg(String handle, int nents, Direction dir, long attrs) implements Op {
    }

    /**
     * {@code dma_sync_single_for_cpu/device} of {@code [offset, offset+size)} inside the single
     * mapping {@code handle}.
     */
    record SyncSingle(String handle, boolean forDevice, long offset, long size, Direction dir) implements Op {
    }

    /** {@code dma_sync_sg_for_cpu/device} of the list {@code handle}. */
    record SyncSg(String handle, boolean forDevice, int nents, Direction dir) implements Op {
    }

    /** {@code dma_iova_try_alloc}; binds {@code handle} to the state whether or not it succeeds. */
    record IovaTryAlloc(String handle, DeviceId dev, long phys, long size) implements Op {
    }

    /** {@code dma_iova_link} into the state {@code handle}. */
    record IovaLink(String handle, long phys, long offset, long size, Direction dir, long attrs) implements Op {
    }

    /** {@code dma_iova_sync}. */
    record IovaSync(String handle, long offset, long size) implements Op {
    }

    /** {@code dma_iova_unlink}. */
    record IovaUnlink(String handle, long offset, long size, Direction dir, long attrs) implements Op {
    }

    /** {@code dma_iova_free}. */
    record IovaFree(String handle) implements Op {
    }

    /** {@code dma_iova_destroy} with {@code mappedLen}. */
    record IovaDestroy(String handle, long mappedLen, Direction dir, long attrs) implements Op {
    }

    /** {@code dma_alloc_attrs}; binds {@code handle}. */
    record AllocCoherent(String handle, DeviceId dev, long size, long attrs) implements Op {
    }

    /** {@code dma_free_attrs} of {@code handle}. */
    record FreeCoherent(String handle, long attrs) implements Op {
    }

    /** The CPU writes {@code len} bytes of {@code pattern} at {@code phys}. */
    record CpuWrite(long phys, long len, int pattern) implements Op {
    }

    /** The CPU reads {@code len} bytes at {@code phys}. */
    record CpuRead(long phys, long len) implements Op {
    }

    /**
     * The device writes {@code len} bytes of {@code pattern} at a DMA address: segment
     * {@code segment} of the live object {@code handle} plus {@code offset}.
     */
    record DeviceWrite(String handle, int segment, long offset, long len, int pattern) implements Op {
    }

    /** The device reads {@code len} bytes at segment {@code segment} of {@code handle} plus {@code offset}. */
    record DeviceRead(String handle, int segment, long offset, long len) implements Op {
    }

    /** Logical time passes: flush-queue timers may fire. */
    record Tick(long millis) implements Op {
    }

    /**
     * The live handle {@code op} works on — the mapping, list, state or buffer it unmaps, syncs,
     * links, frees or accesses — or null when it names none (maps and allocations bind a new one;
     * unmaps by address, CPU accesses and time name none).
     */
    static String usedHandle(Op op) {
        if (op instanceof Op.UnmapSingle u) {
            return u.handle();
        } else if (op instanceof Op.UnmapSg u) {
            return u.handle();
        } else if (op instanceof Op.SyncSingle s) {
            return s.handle();
        } else if (op instanceof Op.SyncSg s) {
            return s.handle();
        } else if (op instanceof Op.IovaLink l) {
            return l.handle();
        } else if (op instanceof Op.IovaSync s) {
            return s.handle();
        } else if (op instanceof Op.IovaUnlink u) {
            return u.handle();
        } else if (op instanceof Op.IovaFree f) {
            return f.handle();
        } else if (op instanceof Op.IovaDestroy d) {
            return d.handle();
        } else if (op instanceof Op.FreeCoherent f) {
            return f.handle();
        } else if (op instanceof Op.DeviceWrite w) {
            return w.handle();
        } else if (op instanceof Op.DeviceRead r) {
            return r.handle();
        }
        return null;
    }
}
