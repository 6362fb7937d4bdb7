package org.dmacheck.impl.iommu;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.dmacheck.spec.platform.DomainConfig;
import org.dmacheck.spec.platform.IommuHw;
import org.dmacheck.spec.platform.IovaRange;
import org.dmacheck.spec.platform.Unsigned;

/**
 * A DMA domain's software state ({@code struct iommu_dma_cookie}): the IOVA allocator, the flush
 * queue of a lazy domain, the ledger of live allocations, and the count of PTEs the engine holds.
 * All hardware state (PTEs, IOTLB) stays behind {@link IommuHw}.
 */
final class IommuDmaCookie {
    private static final long DMA_BIT_MASK_32 = 0xFFFF_FFFFL;

    private final IommuHw iommu;
    private final DomainConfig config;
    private final int shift;
    private final long granule;
    private final IovaAllocator iovad;
    private final FlushQueue fq;
    private final LongSupplier clock;
    private final TreeMap<Long, IovaMapping> live = new TreeMap<>();
    private long livePtes;

    /**
     * {@code iommu_dma_init_domain()}: {@code start_pfn = max(1, aperture_start / G)} (rounded up, so
     * an unaligned aperture start is respected), every reserved region of the platform reserved with
     * {@code reserve_iova}, and a flush queue for a DMA_FQ domain.
     */
    IommuDmaCookie(IommuHw iommu, LongSupplier clock) {
        this.iommu = iommu;
        this.config = iommu.config();
        this.clock = clock;
        this.shift = config.granuleShift();
        this.granule = config.granule();
        long start = config.apertureStart();
        long startPfn = start == 0 ? 1 : Math.max(1, ((start - 1) >>> shift) + 1);
        this.iovad = new IovaAllocator(shift, startPfn);
        for (IovaRange r : iommu.reservedRegions()) {
            iovad.reserve(r.start() >>> shift, r.last() >>> shift);
        }
        this.fq = config.lazy() ? new FlushQueue(iommu, iovad) : null;
    }

    IommuHw iommu() {
        return iommu;
    }

    long granule() {
        return granule;
    }

    int shift() {
        return shift;
    }

    /** {@code iova_offset()}. */
    long off(long x) {
        return x & (granule - 1);
    }

    /** {@code iova_align()}. */
    long alignG(long n) {
        return Unsigned.alignUp(n, granule);
    }

    /** {@code iova_align_down()}. */
    long alignDownG(long x) {
        return x & -granule;
    }

    // ---- IOVA allocation ---------------------------------------------------------------------------

    /**
     * {@code iommu_dma_alloc_iova(domain, size, dma_limit, dev)}: the limit is
     * {@code min_not_zero(dma_limit, bus_dma_limit)} clipped to the aperture; PCI devices with the
     * 32-bit workaround try below 4 GiB first and lose the workaround for good when that fails.
     *
     * @param size bytes, a multiple of the granule
     * @return the IOVA, or 0 when the space is exhausted
     */
    long allocIova(IommuDevice dev, long size, long dmaLimit) {
        long pages = size >>> shift;
        long limit = Unsigned.minNotZero(dmaLimit, dev.config().busDmaLimit());
        limit = Unsigned.min(limit, config.apertureEnd());
        if (Unsigned.lt(DMA_BIT_MASK_32, limit) && dev.pci32bitWorkaround()) {
            long pfn = iovad.allocFast(pages, limitPfn(DMA_BIT_MASK_32));
            if (pfn != 0) {
                return pfn << shift;
            }
            dev.dropPci32bitWorkaround(limit);
        }
        return iovad.allocFast(pages, limitPfn(limit)) << shift;
    }

    /** Releases an allocation at once ({@code free_iova_fast}), e.g. after a failed map. */
    void freeIovaNow(long iova) {
        iovad.free(iova >>> shift);
    }

    /** Frames of the allocator node holding {@code iova} (after power-of-two rounding). */
    long nodePages(long iova) {
        IovaAllocator.Range r = iovad.find(iova >>> shift);
        return r == null ? 0 : r.pages();
    }

    /**
     * The last frame whose every byte lies at or below {@code limit}. Linux uses
     * {@code limit >> shift}, which for a limit not of the form {@code k*G - 1} lets the last
     * granule poke above the limit; the correct frame is one lower then.
     */
    private long limitPfn(long limit) {
        long pfn = limit >>> shift;
        return off(limit) == granule - 1 ? pfn : pfn - 1;
    }

    // ---- page table ---------------------------------------------------------------------------------

    /** {@code iommu_map()} (maps and syncs). */
    int map(long iova, long phys, long size, int prot) {
        int ret = iommu.map(iova, phys, size, prot);
        if (ret == 0) {
            livePtes += size >>> shift;
        }
        return ret;
    }

    /** {@code iommu_map_nosync()}: PTEs written, invisible to the device until {@code iommu_sync_map}. */
    int mapNoSync(long iova, long phys, long size, int prot) {
        int ret = iommu.mapNoSync(iova, phys, size, prot);
        if (ret == 0) {
            livePtes += size >>> shift;
        }
        return ret;
    }

    /** {@code iommu_unmap_fast()}: clears PTEs, leaves the IOTLB alone. Returns the bytes unmapped. */
    long unmapFast(long iova, long size) {
        long unmapped = iommu.unmap(iova, size);
        livePtes -= unmapped >>> shift;
        return unmapped;
    }

    /** {@code iommu_unmap()}: clears PTEs and syncs the IOTLB over the range. */
    long unmapStrict(long iova, long size) {
        long unmapped = unmapFast(iova, size);
        iommu.iotlbSync(iova, size);
        return unmapped;
    }

    // ---- ledger -------------------------------------------------------------------------------------

    void record(IovaMapping m) {
        live.put(m.pfn(), m);
    }

    /** The live allocation whose node contains {@code addr}, or null. */
    IovaMapping findContaining(long addr) {
        long pfn = addr >>> shift;
        Map.Entry<Long, IovaMapping> e = live.floorEntry(pfn);
        return e != null && e.getValue().containsPfn(pfn) ? e.getValue() : null;
    }

    /** The live allocation starting exactly at frame {@code pfn}, or null. */
    IovaMapping at(long pfn) {
        return live.get(pfn);
    }

    /**
     * {@code __iommu_dma_unmap()} of a whole recorded mapping: clears every PTE it wrote, then in a
     * strict domain syncs the IOTLB over the range and frees the IOVA, in a lazy domain queues the
     * IOVA for the flush queue. Returns the bytes unmapped.
     */
    long unmapAndRelease(IovaMapping m) {
        long unmapped = 0;
        long lo = m.pfn() << shift;
        long hi = lo;
        for (IovaMapping.Run r : m.runs()) {
            unmapped += unmapFast(r.iova(), r.len());
            hi = r.end();
        }
        release(m, lo, hi - lo);
        return unmapped;
    }

    /**
     * Takes {@code m} off the ledger and releases its IOVA after the PTEs over
     * {@code [gatherStart, gatherStart + gatherLen)} were cleared: strict → IOTLB sync then free;
     * lazy → flush queue.
     */
    void release(IovaMapping m, long gatherStart, long gatherLen) {
        live.remove(m.pfn());
        if (fq != null) {
            fq.queue(m.pfn(), m.pages(), clock.getAsLong());
        } else {
            if (gatherLen != 0) {
                iommu.iotlbSync(gatherStart, gatherLen);
            }
            iovad.free(m.pfn());
        }
    }

    /** Takes {@code m} off the ledger and frees its IOVA at once (nothing of it is mapped). */
    void releaseNow(IovaMapping m) {
        live.remove(m.pfn());
        iovad.free(m.pfn());
    }

    /** Runs the flush-queue timer if it is due. */
    void tick(long now) {
        if (fq != null) {
            fq.tick(now);
        }
    }

    // ---- resource usage -----------------------------------------------------------------------------

    long iovaGranules() {
        return iovad.allocatedPages();
    }

    long flushQueued() {
        return fq == null ? 0 : fq.queuedPages();
    }

    long livePtes() {
        return livePtes;
    }
}
