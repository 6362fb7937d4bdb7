package org.dmacheck.impl.swiotlb;

/**
 * The slot bookkeeping of one swiotlb pool ({@code struct io_tlb_pool}, {@code io_tlb_area}).
 *
 * <p>Linux keeps, per slot, the length of the free run that starts there ({@code slots[i].list})
 * and scans an area slot by slot from its next-fit cursor. This class answers the same question —
 * the first acceptable run in cyclic order from the cursor — without touching every slot: each
 * 128-slot segment is a bit set of free slots, and a max-tree over the segments' longest free runs
 * skips every segment too fragmented for the request in O(log segments). Inside a segment the
 * candidates are found with a few word operations, and at most 128 candidates are tried against the
 * device's segment boundary. The only segments examined without success are those holding a long
 * enough run that violates the alignment or the boundary, so a call costs O(log n) for the common
 * case and at worst one word-level pass per such segment (never a pass per slot).
 *
 * <p>Areas: the pool is split into {@code nareas} areas of {@code area_nslabs} slots, each with a
 * next-fit cursor ({@code area->index}) and a use count. Linux starts the search in the area of the
 * current CPU; this model always starts in area 0 and goes on to 1, 2, ... (as if every call ran on
 * CPU 0), so results are deterministic. Linux lets the area count shrink until every area holds at
 * least one segment ({@code limit_nareas}); here the area count is halved until it does. A run never
 * crosses a segment or an area end; slots past {@code nareas * area_nslabs} are never used.
 */
final class SlotPool {
    static final int SEGSIZE = 128;

    private final int nslabs;
    private final int nareas;
    private final int areaNslabs;
    private final long[] free;
    private final int leaves;
    private final int[] tree;
    private final int[] cursor;
    private final int[] used;
    private long totalUsed;

    SlotPool(int nslabs, int requestedAreas) {
        if (nslabs < 0) {
            throw new IllegalArgumentException("swiotlb pool: negative slot count " + nslabs);
        }
        int areas = Math.max(1, Integer.highestOneBit(Math.max(1, requestedAreas)));
        while (areas > 1 && (long) areas * SEGSIZE > nslabs) {
            areas >>= 1;
        }
        this.nslabs = nslabs;
        this.nareas = areas;
        this.areaNslabs = nslabs / areas;
        int nsegs = (nslabs + SEGSIZE - 1) / SEGSIZE;
        this.free = new long[2 * Math.max(nsegs, 1)];
        int l = 1;
        while (l < Math.max(nsegs, 1)) {
            l <<= 1;
        }
        this.leaves = l;
        this.tree = new int[2 * l];
        this.cursor = new int[areas];
        this.used = new int[areas];
        int usable = areas * areaNslabs;
        for (int seg = 0; seg < nsegs; seg++) {
            int from = seg * SEGSIZE;
            int to = Math.min(from + SEGSIZE, usable);
            if (to > from) {
                setBits(seg, SegmentBits.range(0, to - from));
            }
        }
    }

    int nslabs() {
        return nslabs;
    }

    int nareas() {
        return nareas;
    }

    long used() {
        return totalUsed;
    }

    /** Whether slot {@code i} is free. */
    boolean isFree(int i) {
        long word = free[2 * (i / SEGSIZE) + ((i % SEGSIZE) >= 64 ? 1 : 0)];
        return (word & (1L << (i % 64))) != 0;
    }

    /**
     * {@code swiotlb_pool_find_slots}: finds and takes {@code nslots} free slots whose first index
     * {@code s} satisfies {@code s ≡ residue (mod period)} and does not make the run cross the
     * device's segment boundary; returns {@code s} or -1.
     *
     * @param period          candidate spacing in slots, a power of two
     * @param residue         candidate index modulo {@code period}
     * @param boundaryShift   {@code nr_slots(tbl_dma_addr)} of {@code iommu_is_span_boundary}
     * @param boundarySlots   {@code max_slots}: the boundary size in slots, a power of two
     */
    int allocate(int nslots, long period, long residue, long boundaryShift, long boundarySlots) {
        if (nslots < 1 || nslots > SEGSIZE) {
            return -1;
        }
        for (int a = 0; a < nareas; a++) {
            // swiotlb_search_pool_area(): early exit when the area cannot hold the request
            if (nslots > areaNslabs - used[a]) {
                continue;
            }
            int lo = a * areaNslabs;
            int hi = lo + areaNslabs;
            int start = lo + cursor[a];
            Search q = new Search(nslots, period, residue, boundaryShift, boundarySlots, hi);
            int idx = q.first(start, hi);
            if (idx < 0) {
                idx = q.first(lo, start);
            }
            if (idx >= 0) {
                take(idx, nslots);
                int next = idx - lo + nslots;
                cursor[a] = next >= areaNslabs ? 0 : next;
                used[a] += nslots;
                totalUsed += nslots;
                return idx;
            }
        }
        return -1;
    }

    /** {@code swiotlb_release_slots}: returns {@code nslots} slots from {@code index} to the free map. */
    void release(int index, int nslots) {
        int seg = index / SEGSIZE;
        int off = index % SEGSIZE;
        setBits(seg, bits(seg).or(SegmentBits.range(off, off + nslots)));
        used[Math.min(index / areaNslabs, nareas - 1)] -= nslots;
        totalUsed -= nslots;
    }

    private void take(int index, int nslots) {
        int seg = index / SEGSIZE;
        int off = index % SEGSIZE;
        setBits(seg, bits(seg).andNot(SegmentBits.range(off, off + nslots)));
    }

    private SegmentBits bits(int seg) {
        return new SegmentBits(free[2 * seg], free[2 * seg + 1]);
    }

    private void setBits(int seg, SegmentBits b) {
        free[2 * seg] = b.lo();
        free[2 * seg + 1] = b.hi();
        int node = leaves + seg;
        tree[node] = b.longestRun();
        for (node >>= 1; node >= 1; node >>= 1) {
            tree[node] = Math.max(tree[2 * node], tree[2 * node + 1]);
        }
    }

    /** The first segment {@code >= seg} whose longest free run is at least {@code k}, or -1. */
    private int firstSegmentWithRun(int seg, int k) {
        return firstSegmentWithRun(1, 0, leaves, seg, k);
    }

    private int firstSegmentWithRun(int node, int nodeLo, int nodeHi, int seg, int k) {
        if (nodeHi <= seg || tree[node] < k) {
            return -1;
        }
        if (nodeHi - nodeLo == 1) {
            return nodeLo;
        }
        int mid = (nodeLo + nodeHi) >>> 1;
        int r = firstSegmentWithRun(2 * node, nodeLo, mid, seg, k);
        return r >= 0 ? r : firstSegmentWithRun(2 * node + 1, mid, nodeHi, seg, k);
    }

    /** One slot search: the constraints of a request inside one area ending at {@code areaHi}. */
    private final class Search {
        private final int nslots;
        private final long period;
        private final long residue;
        private final long boundaryShift;
        private final long boundarySlots;
        private final int areaHi;

        Search(int nslots, long period, long residue, long boundaryShift, long boundarySlots, int areaHi) {
            this.nslots = nslots;
            this.period = period;
            this.residue = residue;
            this.boundaryShift = boundaryShift;
            this.boundarySlots = boundarySlots;
            this.areaHi = areaHi;
        }

        /** The first acceptable run start in {@code [from, to)}, or -1. */
        int first(int from, int to) {
            long s = nextCandidate(from);
            while (s < to) {
                int seg = (int) (s / SEGSIZE);
                int g = firstSegmentWithRun(seg, nslots);
                if (g < 0 || (long) g * SEGSIZE >= to) {
                    return -1;
                }
                if (g > seg) {
                    s = nextCandidate((long) g * SEGSIZE);
                    continue;
                }
                int found = scanSegment(seg, (int) (s - (long) seg * SEGSIZE), to);
                if (found >= 0) {
                    return found;
                }
                s = nextCandidate((long) (seg + 1) * SEGSIZE);
            }
            return -1;
        }

        private long nextCandidate(long from) {
            return from + ((residue - from) & (period - 1));
        }

        private int scanSegment(int seg, int fromOff, int to) {
            int segStart = seg * SEGSIZE;
            int limit = Math.min(SEGSIZE, Math.min(to, areaHi) - segStart);
            int runLimit = Math.min(SEGSIZE, areaHi - segStart);
            SegmentBits freeInArea = bits(seg).and(SegmentBits.range(0, runLimit));
            SegmentBits starts = freeInArea.runStarts(nslots)
                    .and(candidates(segStart))
                    .and(SegmentBits.range(fromOff, limit));
            for (SegmentBits c = starts; !c.isEmpty(); c = c.withoutLowest()) {
                int slot = segStart + c.lowest();
                if (!spansBoundary(slot)) {
                    return slot;
                }
            }
            return -1;
        }

        /** The positions of a segment whose index is {@code ≡ residue (mod period)}. */
        private SegmentBits candidates(int segStart) {
            if (period >= SEGSIZE) {
                long s = nextCandidate(segStart);
                return s - segStart < SEGSIZE ? SegmentBits.range((int) (s - segStart), (int) (s - segStart) + 1)
                        : SegmentBits.NONE;
            }
            long word = 0;
            for (long p = residue & (period - 1); p < 64; p += period) {
                word |= 1L << p;
            }
            return new SegmentBits(word, word);
        }

        /** {@code iommu_is_span_boundary(index, nslots, shift, max_slots)}. */
        private boolean spansBoundary(int index) {
            long pos = (boundaryShift + index) & (boundarySlots - 1);
            return pos + nslots > boundarySlots;
        }
    }
}
