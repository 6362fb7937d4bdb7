package org.dmacheck.spec.contract;

import java.util.HashMap;
import java.util.Map;
import org.dmacheck.spec.platform.Direction;

/**
 * dma-debug's active-cacheline radix tree: for every booked entry the device may write, the cache
 * line of its first byte, with a 3-bit count of further entries on the same line. The first
 * entry's attributes stay with the line until it goes idle, as the radix item does.
 */
final class CachelineTracker {
    /** {@code ACTIVE_CACHELINE_MAX_OVERLAP}: {@code (1 << RADIX_TREE_MAX_TAGS) - 1}. */
    static final int MAX_OVERLAP = 7;

    private final int l1Shift;
    private final Map<Long, Line> lines = new HashMap<>();

    private static final class Line {
        final DebugEntry first;
        int overlap;

        Line(DebugEntry first) {
            this.first = first;
        }
    }

    /** What {@code active_cacheline_insert()} found. */
    record Insert(boolean exists, DebugEntry first, boolean overflowed, long cacheline) {
    }

    CachelineTracker(int l1Shift) {
        this.l1Shift = l1Shift;
    }

    /** {@code to_cacheline_number()}: page × lines-per-page + line in page, i.e. paddr >> L1_CACHE_SHIFT. */
    long cacheline(long paddr) {
        return paddr >>> l1Shift;
    }

    /** Whether the tracker books {@code e}: the device may write it and its physical address is known. */
    static boolean tracks(DebugEntry e) {
        return e.direction() != Direction.TO_DEVICE && e.paddr().isPresent();
    }

    /** {@code active_cacheline_insert()} / {@code active_cacheline_inc_overlap()}; a counter past 7 is not stored. */
    Insert insert(DebugEntry e) {
        long cln = cacheline(e.paddr().getAsLong());
        Line line = lines.get(cln);
        if (line == null) {
            lines.put(cln, new Line(e));
            return new Insert(false, null, false, cln);
        }
        int next = line.overlap + 1;
        boolean overflowed = next > MAX_OVERLAP;
        if (!overflowed) {
            line.overlap = next;
        }
        return new Insert(true, line.first, overflowed, cln);
    }

    /** {@code active_cacheline_remove()}: the line goes idle when its count would drop below 0. */
    void remove(DebugEntry e) {
        long cln = cacheline(e.paddr().getAsLong());
        Line line = lines.get(cln);
        if (line == null) {
            return;
        }
        if (line.overlap == 0) {
            lines.remove(cln);
        } else {
            line.overlap--;
        }
    }
}
