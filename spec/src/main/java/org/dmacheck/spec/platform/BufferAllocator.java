package org.dmacheck.spec.platform;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Hands out disjoint ranges of System RAM: driver buffers with chosen sizes, in-page offsets and
 * placements, and the pages of coherent allocations ({@link Hardware#allocPages}). Never hands out
 * swiotlb, BAR or MMIO memory. Whole pages are reserved around each buffer, so two buffers never
 * share a page (nor a CPU cache line). Deterministic: the same requests give the same addresses.
 */
public final class BufferAllocator {
    private final long pageSize;
    /** Free extents, start -> last (inclusive), page-aligned. */
    private final TreeMap<Long, Long> free = new TreeMap<>(Long::compareUnsigned);
    /** Live buffers: start -> size. */
    private final Map<Long, Long> live = new HashMap<>();
    private long liveBytes;

    BufferAllocator(long pageSize, List<MemoryRegion> ram) {
        this.pageSize = pageSize;
        for (MemoryRegion r : ram) {
            release(r.start(), r.last());
        }
    }

    /**
     * Allocates {@code size} bytes placed as asked, starting {@code offsetInPage} bytes into a page
     * (ignored by {@link Placement.At} and {@link Placement.EndingAt}, whose start is fixed).
     *
     * @return the physical address of the first byte
     * @throws IllegalArgumentException naming the request when no free RAM fits it
     */
    public long allocate(long size, long offsetInPage, Placement placement) {
        long phys = tryAllocate(size, offsetInPage, placement);
        if (phys == -1) {
            throw new IllegalArgumentException("cannot allocate " + Unsigned.hex(size) + " bytes at page offset "
                    + Unsigned.hex(offsetInPage) + " with placement " + placement + ": no free RAM fits");
        }
        return phys;
    }

    /** {@code allocate(size, 0, Anywhere)}. */
    public long allocate(long size) {
        return allocate(size, 0, new Placement.Anywhere());
    }

    /** Like {@link #allocate} but returns -1 when nothing fits (bad arguments still throw). */
    public long tryAllocate(long size, long offsetInPage, Placement placement) {
        if (size <= 0) {
            throw new IllegalArgumentException("buffer size " + Unsigned.hex(size) + " must be positive");
        }
        if (offsetInPage < 0 || offsetInPage >= pageSize) {
            throw new IllegalArgumentException("buffer offset in page " + Unsigned.hex(offsetInPage)
                    + " must be below PAGE_SIZE " + Unsigned.hex(pageSize));
        }
        long phys = place(size, offsetInPage, placement);
        if (phys != -1) {
            claim(phys, size);
        }
        return phys;
    }

    /**
     * Page allocation for coherent buffers (the caller zeroes): {@code size} rounded up to pages, page-aligned,
     * its last byte at or below {@code limit}, taken from the top of the fitting RAM so an engine
     * that passes too large a limit is caught. Returns -1 when none fits.
     */
    public long allocPages(long size, long limit) {
        if (size <= 0) {
            return -1;
        }
        long rounded = Unsigned.alignUp(size, pageSize);
        if (rounded == 0) {
            return -1;
        }
        long phys = highestFit(rounded, 0, limit);
        if (phys != -1) {
            claim(phys, rounded);
        }
        return phys;
    }

    /**
     * Returns a buffer; {@code phys} and {@code size} must be those of a live allocation (for pages
     * from {@link #allocPages} the size may be the unrounded request).
     */
    public void free(long phys, long size) {
        Long liveSize = live.get(phys);
        if (liveSize == null) {
            throw new IllegalArgumentException("free of " + Unsigned.hex(phys) + ": no buffer starts there");
        }
        if (liveSize != size && liveSize != Unsigned.alignUp(size, pageSize)) {
            throw new IllegalArgumentException("free of " + Unsigned.hex(phys) + " with size " + Unsigned.hex(size)
                    + ": the buffer has size " + Unsigned.hex(liveSize));
        }
        live.remove(phys);
        liveBytes -= liveSize;
        release(Unsigned.alignDown(phys, pageSize), reservedLast(phys, liveSize));
    }

    /** Whether a live buffer starts at {@code phys}. */
    public boolean isAllocated(long phys) {
        return live.containsKey(phys);
    }

    /** Total bytes of live buffers (as requested, not page-rounded). */
    public long allocatedBytes() {
        return liveBytes;
    }

    /** Number of live buffers. */
    public int allocationCount() {
        return live.size();
    }

    private long place(long size, long off, Placement p) {
        if (p instanceof Placement.Anywhere) {
            return lowestFit(size, off, 0, Unsigned.MAX);
        } else if (p instanceof Placement.Below4G) {
            return lowestFit(size, off, 0, Placement.LAST_32BIT);
        } else if (p instanceof Placement.Above4G) {
            return lowestFit(size, off, Placement.LAST_32BIT + 1, Unsigned.MAX);
        } else if (p instanceof Placement.Below b) {
            return lowestFit(size, off, 0, b.limit());
        } else if (p instanceof Placement.AtOrAbove a) {
            return lowestFit(size, off, a.base(), Unsigned.MAX);
        } else if (p instanceof Placement.At at) {
            return exactFit(at.phys(), size);
        } else if (p instanceof Placement.EndingAt e) {
            return Unsigned.lt(e.lastByte(), size - 1) ? -1 : exactFit(e.lastByte() - size + 1, size);
        } else if (p instanceof Placement.Crossing c) {
            return crossing(size, off, c.limit());
        }
        throw new IllegalArgumentException("unknown placement " + p);
    }

    /** The highest start at or below {@code limit} with the offset, if the buffer then passes {@code limit}. */
    private long crossing(long size, long off, long limit) {
        if (Unsigned.lt(limit, off)) {
            return -1;
        }
        long start = Unsigned.alignDown(limit - off, pageSize) + off;
        if (!Unsigned.fits(start, size) || Unsigned.le(start + size - 1, limit)) {
            return -1;
        }
        return exactFit(start, size);
    }

    private long exactFit(long start, long size) {
        if (!Unsigned.fits(start, size)) {
            return -1;
        }
        long first = Unsigned.alignDown(start, pageSize);
        long last = reservedLast(start, size);
        if (last == -1) {
            return -1;
        }
        Map.Entry<Long, Long> e = free.floorEntry(first);
        return e != null && Unsigned.le(last, e.getValue()) ? start : -1;
    }

    /** Lowest start {@code ≡ off (mod page)} whose bytes lie in {@code [lo, hi]} and whose pages are free. */
    private long lowestFit(long size, long off, long lo, long hi) {
        Long from = free.floorKey(lo);
        for (Map.Entry<Long, Long> e : free.tailMap(from == null ? lo : from, true).entrySet()) {
            if (Unsigned.lt(hi, e.getKey())) {
                break;
            }
            long page = Unsigned.max(e.getKey(), Unsigned.alignDown(lo, pageSize));
            long start = page + off;
            if (Unsigned.lt(start, lo)) {
                start += pageSize;
            }
            if (fitsIn(start, size, e.getKey(), e.getValue(), hi)) {
                return start;
            }
        }
        return -1;
    }

    /** Highest start {@code ≡ off (mod page)} whose bytes lie at or below {@code hi}. */
    private long highestFit(long size, long off, long hi) {
        Long from = free.floorKey(hi);
        if (from == null) {
            return -1;
        }
        for (Map.Entry<Long, Long> e : free.headMap(from, true).descendingMap().entrySet()) {
            long top = Unsigned.min(e.getValue(), hi);
            if (Unsigned.lt(top - e.getKey(), size - 1)) {
                continue;
            }
            long maxStart = top - (size - 1);
            if (Unsigned.lt(maxStart, off)) {
                continue;
            }
            long start = Unsigned.alignDown(maxStart - off, pageSize) + off;
            if (Unsigned.le(e.getKey(), start) && fitsIn(start, size, e.getKey(), e.getValue(), hi)) {
                return start;
            }
        }
        return -1;
    }

    private boolean fitsIn(long start, long size, long extStart, long extLast, long hi) {
        if (!Unsigned.fits(start, size) || Unsigned.lt(start, extStart)) {
            return false;
        }
        long last = reservedLast(start, size);
        return last != -1 && Unsigned.le(last, extLast) && Unsigned.le(start + size - 1, hi);
    }

    /** The last byte of the last page the buffer touches, or -1 if that wraps. */
    private long reservedLast(long start, long size) {
        long lastPage = Unsigned.alignDown(start + size - 1, pageSize);
        long last = lastPage + pageSize - 1;
        return Unsigned.lt(last, lastPage) ? -1 : last;
    }

    private void claim(long start, long size) {
        long first = Unsigned.alignDown(start, pageSize);
        long last = reservedLast(start, size);
        Map.Entry<Long, Long> e = free.floorEntry(first);
        free.remove(e.getKey());
        if (Unsigned.lt(e.getKey(), first)) {
            free.put(e.getKey(), first - 1);
        }
        if (Unsigned.lt(last, e.getValue())) {
            free.put(last + 1, e.getValue());
        }
        live.put(start, size);
        liveBytes += size;
    }

    private void release(long first, long last) {
        long start = first;
        long end = last;
        Map.Entry<Long, Long> below = free.lowerEntry(first);
        if (below != null && below.getValue() + 1 == first) {
            start = below.getKey();
            free.remove(below.getKey());
        }
        Long aboveLast = last == Unsigned.MAX ? null : free.remove(last + 1);
        if (aboveLast != null) {
            end = aboveLast;
        }
        free.put(start, end);
    }
}
