package org.dmacheck.impl.swiotlb;

import java.util.Map;
import java.util.TreeMap;
import org.dmacheck.impl.addressing.DmaAddressing;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.DmaAttrs;
import org.dmacheck.spec.platform.Hardware;
import org.dmacheck.spec.platform.MemoryRegion;
import org.dmacheck.spec.platform.Unsigned;

/**
 * The software IO TLB ({@code kernel/dma/swiotlb.c}, §4): bounce slots in the platform's swiotlb
 * pool, shared by dma-direct and by dma-iommu (untrusted devices). The pool bytes are RAM owned by
 * the platform; this class keeps only the slot bookkeeping, and every copy is a CPU copy through
 * {@link Hardware#cpuCopy} (cache maintenance of the slot is the caller's job, as in Linux).
 *
 * <p>Bad input never corrupts another bounce buffer: an unmap or sync of an address that is not a
 * live bounce buffer of that device logs a warning and does nothing; a sync running past the end
 * of its mapping is clamped to the mapping (Linux clamps to the allocation, which may include
 * alignment round-up beyond the caller's buffer).
 */
public final class Swiotlb {
    /** {@code IO_TLB_SHIFT}. */
    public static final int IO_TLB_SHIFT = 11;
    /** {@code IO_TLB_SIZE}: 2 KiB slots. */
    public static final long IO_TLB_SIZE = 1L << IO_TLB_SHIFT;
    /** {@code IO_TLB_SEGSIZE}: an allocation never crosses a 128-slot segment. */
    public static final int IO_TLB_SEGSIZE = SlotPool.SEGSIZE;

    private static final long SLOT_MASK = IO_TLB_SIZE - 1;

    private final Hardware hw;
    private final MemoryRegion pool;
    private final SlotPool slots;
    /** Live bounce buffers by the index of their first slot (padding slots included). */
    private final TreeMap<Integer, Bounce> live = new TreeMap<>();
    private boolean warnedAlignMask;

    /** One live bounce buffer: the slots taken and where its bytes come from. */
    private record Bounce(DeviceId dev, int firstSlot, int nslots, long orig, long tlbAddr, long mappingSize) {
        boolean holdsSlot(int slot) {
            return slot >= firstSlot && slot < firstSlot + nslots;
        }
    }

    public Swiotlb(Hardware hw) {
        this.hw = hw;
        this.pool = hw.config().swiotlbPool();
        int nslabs = pool == null ? 0 : (int) Math.min(Integer.MAX_VALUE, Long.divideUnsigned(pool.size(), IO_TLB_SIZE));
        this.slots = new SlotPool(nslabs, Math.max(1, hw.config().swiotlbAreas()));
    }

    /** {@code is_swiotlb_active}: a pool with at least one slot exists. */
    public boolean active() {
        return pool != null && slots.nslabs() > 0;
    }

    /** Slots in use, including alignment padding slots. */
    public long slotsUsed() {
        return slots.used();
    }

    /** Number of slots in the pool ({@code nslabs}). */
    public long totalSlots() {
        return slots.nslabs();
    }

    /**
     * {@code is_swiotlb_buffer} / {@code swiotlb_find_pool}: whether {@code phys} lies inside the
     * pool. Like Linux this says nothing about whether the slot is allocated; unmap and sync of an
     * unallocated slot are caught (and ignored with a warning) by those calls.
     */
    public boolean isBounceSlot(long phys) {
        return active() && pool.contains(phys);
    }

    /**
     * {@code swiotlb_max_mapping_size}: {@code IO_TLB_SIZE * IO_TLB_SEGSIZE} less
     * {@code roundup(min_align_mask, IO_TLB_SIZE)} when the device has a min_align_mask.
     */
    public long maxMappingSize(DeviceId dev) {
        long minAlign = hw.device(dev).minAlignMask();
        long pad = minAlign == 0 ? 0 : Unsigned.alignUp(minAlign, IO_TLB_SIZE);
        return IO_TLB_SIZE * IO_TLB_SEGSIZE - pad;
    }

    /**
     * {@code swiotlb_tbl_map_single(dev, orig, mapping_size, alloc_align_mask, dir, attrs)}: takes
     * slots for the buffer and copies it in (always, whatever the direction: the CVE-2022-0854 fix).
     *
     * @param allocAlignMask alignment of the allocation (dma-iommu passes {@code granule - 1}; dma-direct 0)
     * @return the pool address of the buffer's first byte, whose bits under
     *         {@code min_align_mask} equal those of {@code origPhys}; or -1 on failure
     */
    public long mapSingle(DeviceId dev, long origPhys, long mappingSize, long allocAlignMask, Direction dir, long attrs) {
        DeviceConfig cfg = hw.device(dev);
        requireDirection(dir, "swiotlb_tbl_map_single");
        if ((allocAlignMask & (allocAlignMask + 1)) != 0) {
            throw new IllegalArgumentException("alloc_align_mask " + Unsigned.hex(allocAlignMask)
                    + " is not of the form 2^n-1");
        }
        if (!active()) {
            hw.warn(dev + ": Can not allocate SWIOTLB buffer earlier and can't now provide you with the DMA bounce buffer");
            return -1;
        }
        if (!Unsigned.fits(origPhys, mappingSize)) {
            hw.warn(dev + ": swiotlb_tbl_map_single: invalid buffer " + Unsigned.hex(origPhys) + " size "
                    + Unsigned.hex(mappingSize));
            return -1;
        }
        if (Unsigned.lt(hw.config().pageSize() - 1, allocAlignMask) && !warnedAlignMask) {
            warnedAlignMask = true;
            hw.warn(dev + ": Alloc alignment may prevent fulfilling requests with max mapping_size");
        }
        // swiotlb_align_offset(dev, alloc_align_mask, orig)
        long offset = origPhys & cfg.minAlignMask() & (allocAlignMask | SLOT_MASK);
        long maxAlloc = IO_TLB_SIZE * IO_TLB_SEGSIZE;
        long size = Unsigned.lt(maxAlloc - offset, mappingSize) ? -1
                : Unsigned.alignUp(mappingSize + offset, allocAlignMask + 1);
        int index = size == -1 || Unsigned.lt(maxAlloc, size) ? -1 : findSlots(cfg, origPhys, size, allocAlignMask);
        if (index < 0) {
            if (!DmaAttrs.has(attrs, DmaAttrs.NO_WARN)) {
                hw.warn(dev + ": swiotlb buffer is full (sz: " + Long.toUnsignedString(mappingSize + offset)
                        + " bytes), total " + slots.nslabs() + " (slots), used " + slots.used() + " (slots)");
            }
            return -1;
        }
        int padSlots = (int) (offset >>> IO_TLB_SHIFT);
        long tlbAddr = slotAddr(index + padSlots) + (offset & SLOT_MASK);
        try {
            hw.cpuCopy(tlbAddr, origPhys, mappingSize);
        } catch (IllegalArgumentException notMemory) {
            // the buffer is not memory (a driver bug Linux would crash on): give the slots back first
            slots.release(index, nrSlots(size));
            throw notMemory;
        }
        live.put(index, new Bounce(dev, index, nrSlots(size), origPhys, tlbAddr, mappingSize));
        return tlbAddr;
    }

    /**
     * {@code swiotlb_tbl_unmap_single}: copies the buffer back for FROM_DEVICE and BIDIRECTIONAL
     * unless SKIP_CPU_SYNC, then releases exactly the slots the map took (padding included).
     */
    public void unmapSingle(DeviceId dev, long tlbAddr, long mappingSize, Direction dir, long attrs) {
        hw.device(dev);
        requireDirection(dir, "swiotlb_tbl_unmap_single");
        Bounce b = liveAt(dev, tlbAddr, "swiotlb_tbl_unmap_single");
        if (b == null) {
            return;
        }
        if (b.tlbAddr != tlbAddr) {
            hw.warn(dev + ": swiotlb_tbl_unmap_single of " + Unsigned.hex(tlbAddr)
                    + " inside the bounce buffer mapped at " + Unsigned.hex(b.tlbAddr) + "; ignored");
            return;
        }
        if (mappingSize != b.mappingSize) {
            hw.warn(dev + ": swiotlb_tbl_unmap_single of " + Unsigned.hex(tlbAddr) + " with size "
                    + Unsigned.hex(mappingSize) + ", mapped with size " + Unsigned.hex(b.mappingSize));
        }
        if (!DmaAttrs.has(attrs, DmaAttrs.SKIP_CPU_SYNC) && dir.deviceMayWrite()) {
            hw.cpuCopy(b.orig, b.tlbAddr, Unsigned.min(mappingSize, b.mappingSize));
        }
        live.remove(b.firstSlot);
        slots.release(b.firstSlot, b.nslots);
    }

    /** {@code swiotlb_sync_single_for_device}: copies {@code [tlbAddr, +size)} in for TO_DEVICE and BIDIRECTIONAL. */
    public void syncForDevice(DeviceId dev, long tlbAddr, long size, Direction dir) {
        requireDirection(dir, "swiotlb_sync_single_for_device");
        if (dir.deviceMayRead()) {
            bounce(dev, tlbAddr, size, true);
        }
    }

    /** {@code swiotlb_sync_single_for_cpu}: copies {@code [tlbAddr, +size)} out for FROM_DEVICE and BIDIRECTIONAL. */
    public void syncForCpu(DeviceId dev, long tlbAddr, long size, Direction dir) {
        requireDirection(dir, "swiotlb_sync_single_for_cpu");
        if (dir.deviceMayWrite()) {
            bounce(dev, tlbAddr, size, false);
        }
    }

    /**
     * {@code swiotlb_bounce}: copies a sub-range of a live bounce buffer, at the same offset on both
     * sides (the 5.12 partial-sync regression, bug-classes example 3), clamped to the mapping.
     */
    private void bounce(DeviceId dev, long tlbAddr, long size, boolean toDevice) {
        Bounce b = liveAt(dev, tlbAddr, "swiotlb sync");
        if (b == null) {
            return;
        }
        if (Unsigned.lt(tlbAddr, b.tlbAddr)) {
            hw.warn(dev + ": swiotlb sync: Access before mapping start detected at " + Unsigned.hex(tlbAddr)
                    + " (mapping starts at " + Unsigned.hex(b.tlbAddr) + ")");
            return;
        }
        long off = tlbAddr - b.tlbAddr;
        if (!Unsigned.lt(off, b.mappingSize)) {
            hw.warn(dev + ": swiotlb sync: Buffer overflow detected. Mapping size: " + b.mappingSize
                    + ". Offset: " + Long.toUnsignedString(off) + ".");
            return;
        }
        long len = size;
        if (Unsigned.lt(b.mappingSize - off, size)) {
            hw.warn(dev + ": swiotlb sync: Buffer overflow detected. Mapping size: " + b.mappingSize
                    + ". Sync size: " + Long.toUnsignedString(off) + "+" + Long.toUnsignedString(size) + ".");
            len = b.mappingSize - off;
        }
        if (len == 0) {
            return;
        }
        if (toDevice) {
            hw.cpuCopy(tlbAddr, b.orig + off, len);
        } else {
            hw.cpuCopy(b.orig + off, tlbAddr, len);
        }
    }

    /** The live bounce buffer of {@code dev} holding {@code tlbAddr}, or null (with a warning). */
    private Bounce liveAt(DeviceId dev, long tlbAddr, String what) {
        Bounce b = null;
        if (isBounceSlot(tlbAddr)) {
            int slot = (int) ((tlbAddr - pool.start()) >>> IO_TLB_SHIFT);
            Map.Entry<Integer, Bounce> e = live.floorEntry(slot);
            if (e != null && e.getValue().holdsSlot(slot)) {
                b = e.getValue();
            }
        }
        if (b == null) {
            hw.warn(dev + ": " + what + ": " + Unsigned.hex(tlbAddr) + " is not a live swiotlb bounce buffer; ignored");
            return null;
        }
        if (!b.dev.equals(dev)) {
            hw.warn(dev + ": " + what + ": " + Unsigned.hex(tlbAddr) + " is a bounce buffer of " + b.dev + "; ignored");
            return null;
        }
        return b;
    }

    /**
     * {@code swiotlb_search_pool_area}: the alignment and boundary rules turned into "first slot
     * index ≡ r (mod period) whose run does not cross the segment boundary", then the search.
     */
    private int findSlots(DeviceConfig cfg, long orig, long allocSize, long allocAlignMask) {
        int nslots = nrSlots(allocSize);
        long iotlbAlignMask = cfg.minAlignMask();
        long alignMask = allocAlignMask;
        // Historically, allocations >= PAGE_SIZE were page-aligned when nothing else was asked
        // (14cebf689a78, bug-classes example 10)
        if (alignMask == 0 && iotlbAlignMask == 0 && !Unsigned.lt(allocSize, hw.config().pageSize())) {
            alignMask = hw.config().pageSize() - 1;
        }
        // at least slot-aligned; min_align bits under alloc_align are kept by the in-slot offset
        alignMask |= SLOT_MASK;
        iotlbAlignMask &= ~alignMask;
        // a candidate's DMA address must satisfy both masks at once: (addr & alloc) == 0 and
        // (addr & iotlb) == (orig & iotlb) — combined with OR (the 6.3 "braino", example 6)
        long matchMask = alignMask | (orig != 0 ? iotlbAlignMask : 0);
        long want = orig != 0 ? orig & iotlbAlignMask : 0;

        // Linux checks alignment on phys_to_dma(pool start) & seg_boundary_mask; the unmasked DMA
        // address is what the device sees, so alignment uses it (identical unless the boundary mask
        // is narrower than the alignment).
        long poolDma = DmaAddressing.physToDma(cfg, pool.start());
        if (poolDma == DmaEngine.DMA_MAPPING_ERROR) {
            poolDma = pool.start();
        }
        if ((poolDma & SLOT_MASK) != (want & SLOT_MASK)) {
            return -1;
        }
        long period = (matchMask >>> IO_TLB_SHIFT) + 1;
        long residue = ((want >>> IO_TLB_SHIFT) - (poolDma >>> IO_TLB_SHIFT)) & (period - 1);

        long boundaryMask = cfg.segBoundaryMask();
        long tblDma = poolDma & boundaryMask;
        long shift = (tblDma >>> IO_TLB_SHIFT) + ((tblDma & SLOT_MASK) != 0 ? 1 : 0);
        long maxSlots = (boundaryMask >>> IO_TLB_SHIFT) + 1;
        return slots.allocate(nslots, period, residue, shift, maxSlots);
    }

    private long slotAddr(int index) {
        return pool.start() + ((long) index << IO_TLB_SHIFT);
    }

    private static int nrSlots(long size) {
        return (int) ((size + SLOT_MASK) >>> IO_TLB_SHIFT);
    }

    private static void requireDirection(Direction dir, String call) {
        if (dir == null || !dir.isValid()) {
            throw new IllegalArgumentException("dir: " + (dir == null ? "null" : "DMA_" + dir.name())
                    + " is not a valid DMA direction for " + call);
        }
    }
}
