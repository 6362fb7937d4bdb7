package org.dmacheck.spec.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A union of unsigned 64-bit byte ranges, kept as disjoint inclusive runs. O(log n + runs touched).
 */
public final class RangeSet {
    private final NavigableMap<Long, Long> runs = new TreeMap<>(Long::compareUnsigned);

    public boolean isEmpty() {
        return runs.isEmpty();
    }

    /** Adds {@code [start, start+len)}. */
    public void add(long start, long len) {
        if (len == 0) {
            return;
        }
        long s = start;
        long l = start + len - 1;
        for (Map.Entry<Long, Long> e : runsAround(s, l)) {
            runs.remove(e.getKey());
            s = Long.compareUnsigned(e.getKey(), s) < 0 ? e.getKey() : s;
            l = Long.compareUnsigned(e.getValue(), l) > 0 ? e.getValue() : l;
        }
        runs.put(s, l);
    }

    /** Removes {@code [start, start+len)}. */
    public void remove(long start, long len) {
        if (len == 0) {
            return;
        }
        long last = start + len - 1;
        for (Map.Entry<Long, Long> e : runsAround(start, last)) {
            runs.remove(e.getKey());
            if (Long.compareUnsigned(e.getKey(), start) < 0) {
                runs.put(e.getKey(), start - 1);
            }
            if (Long.compareUnsigned(e.getValue(), last) > 0) {
                runs.put(last + 1, e.getValue());
            }
        }
    }

    /** The parts of the set inside {@code [start, start+len)}, as {@code {start, last}} pairs in order. */
    public List<long[]> intersect(long start, long len) {
        List<long[]> out = new ArrayList<>();
        if (len == 0) {
            return out;
        }
        long last = start + len - 1;
        for (Map.Entry<Long, Long> e : runsAround(start, last)) {
            long s = Long.compareUnsigned(e.getKey(), start) > 0 ? e.getKey() : start;
            long l = Long.compareUnsigned(e.getValue(), last) < 0 ? e.getValue() : last;
            out.add(new long[] {s, l});
        }
        return out;
    }

    private List<Map.Entry<Long, Long>> runsAround(long start, long last) {
        List<Map.Entry<Long, Long>> out = new ArrayList<>();
        Map.Entry<Long, Long> fl = runs.floorEntry(start);
        if (fl != null && Long.compareUnsigned(fl.getKey(), start) < 0 && Long.compareUnsigned(fl.getValue(), start) >= 0) {
            out.add(Map.entry(fl.getKey(), fl.getValue()));
        }
        for (Map.Entry<Long, Long> e : runs.subMap(start, true, last, true).entrySet()) {
            out.add(Map.entry(e.getKey(), e.getValue()));
        }
        return out;
    }
}
