package org.dmacheck.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Live address ranges of one address space (an IOMMU domain, the swiotlb pool, a device's DMA
 * addresses), ordered as unsigned 64-bit values, answering "which live ranges overlap
 * {@code [start, last]}" and "which contain it" without scanning everything.
 */
final class AddressIndex {
    private final TreeMap<Long, List<LiveMapping>> byStart = new TreeMap<>(Long::compareUnsigned);
    private long longest = 1;

    /** {@code [start, last]} of a mapping in this space. */
    interface Range {
        long start(LiveMapping m);

        long last(LiveMapping m);
    }

    private final Range range;

    AddressIndex(Range range) {
        this.range = range;
    }

    void add(LiveMapping m) {
        byStart.computeIfAbsent(range.start(m), k -> new ArrayList<>()).add(m);
        longest = Math.max(longest, range.last(m) - range.start(m) + 1);
    }

    void remove(LiveMapping m) {
        List<LiveMapping> at = byStart.get(range.start(m));
        if (at != null) {
            at.remove(m);
            if (at.isEmpty()) {
                byStart.remove(range.start(m));
            }
        }
    }

    /** Live ranges intersecting {@code [start, last]}. */
    List<LiveMapping> overlapping(long start, long last) {
        List<LiveMapping> out = new ArrayList<>();
        long lowest = Long.compareUnsigned(start, longest) >= 0 ? start - longest + 1 : 0;
        for (Map.Entry<Long, List<LiveMapping>> e : byStart.subMap(lowest, true, last, true).entrySet()) {
            for (LiveMapping m : e.getValue()) {
                if (Long.compareUnsigned(range.last(m), start) >= 0) {
                    out.add(m);
                }
            }
        }
        return out;
    }

    /** Live ranges starting exactly at {@code start}. */
    List<LiveMapping> at(long start) {
        return byStart.getOrDefault(start, List.of());
    }

    /** Live ranges containing all of {@code [start, last]}. */
    List<LiveMapping> containing(long start, long last) {
        return overlapping(start, start).stream()
                .filter(m -> Long.compareUnsigned(range.last(m), last) >= 0).toList();
    }

    List<LiveMapping> all() {
        List<LiveMapping> out = new ArrayList<>();
        byStart.values().forEach(out::addAll);
        return out;
    }
}
