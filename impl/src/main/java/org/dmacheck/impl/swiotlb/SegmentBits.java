package org.dmacheck.impl.swiotlb;

/**
 * The 128 slots of one swiotlb segment as a bit set ({@code lo} holds slots 0-63, {@code hi}
 * slots 64-127). Used both for the free map of a segment and for candidate masks.
 */
record SegmentBits(long lo, long hi) {
    static final SegmentBits NONE = new SegmentBits(0, 0);

    /** Bits {@code [from, to)} set, {@code 0 <= from <= to <= 128}. */
    static SegmentBits range(int from, int to) {
        return new SegmentBits(wordRange(from, to, 0), wordRange(from, to, 64));
    }

    private static long wordRange(int from, int to, int base) {
        int a = Math.max(from - base, 0);
        int b = Math.min(to - base, 64);
        if (a >= b) {
            return 0;
        }
        long upto = b == 64 ? -1L : (1L << b) - 1;
        return upto & (-1L << a);
    }

    SegmentBits and(SegmentBits o) {
        return new SegmentBits(lo & o.lo, hi & o.hi);
    }

    SegmentBits or(SegmentBits o) {
        return new SegmentBits(lo | o.lo, hi | o.hi);
    }

    SegmentBits andNot(SegmentBits o) {
        return new SegmentBits(lo & ~o.lo, hi & ~o.hi);
    }

    boolean isEmpty() {
        return (lo | hi) == 0;
    }

    /** Bit {@code p} of the result is bit {@code p + k} of this; {@code 0 < k < 128}. */
    SegmentBits shiftDown(int k) {
        if (k < 64) {
            return new SegmentBits((lo >>> k) | (hi << (64 - k)), hi >>> k);
        }
        return new SegmentBits(hi >>> (k - 64), 0);
    }

    /** Positions {@code p} where bits {@code p .. p+n-1} are all set (runs never leave the segment). */
    SegmentBits runStarts(int n) {
        SegmentBits r = this;
        int have = 1;
        while (have < n && !r.isEmpty()) {
            int step = Math.min(have, n - have);
            r = r.and(r.shiftDown(step));
            have += step;
        }
        return r;
    }

    /** The length of the longest run of set bits. */
    int longestRun() {
        SegmentBits r = this;
        int n = 0;
        while (!r.isEmpty()) {
            r = r.and(r.shiftDown(1));
            n++;
        }
        return n;
    }

    /** The lowest set bit, or -1. */
    int lowest() {
        if (lo != 0) {
            return Long.numberOfTrailingZeros(lo);
        }
        return hi != 0 ? 64 + Long.numberOfTrailingZeros(hi) : -1;
    }

    SegmentBits withoutLowest() {
        if (lo != 0) {
            return new SegmentBits(lo & (lo - 1), hi);
        }
        return new SegmentBits(0, hi & (hi - 1));
    }
}
