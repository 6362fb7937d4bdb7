package org.dmacheck.spec.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Sparse expected bytes over the unsigned 64-bit address space: what one side (the CPU, or a device
 * through one mapping) must see at an address, or "unknown" where the rules allow several values.
 * Each recorded run remembers the step that set it, so a mismatch can say where the expectation came
 * from. Addresses nobody recorded take the {@link Background} value (zero for fresh RAM, unknown
 * elsewhere). Costs O(log n + runs touched) per operation.
 */
public final class ByteMap {
    /** What an address nobody recorded holds: a run of zeros or of unknown bytes. */
    @FunctionalInterface
    public interface Background {
        /**
         * The run starting at {@code addr}, at most {@code maxLen} bytes long.
         *
         * @return the run's length in bytes (at least 1) and whether it is zero (positive) or unknown
         *         (negative): {@code +n} for n zero bytes, {@code -n} for n unknown bytes
         */
        long run(long addr, long maxLen);

        Background UNKNOWN = (addr, maxLen) -> -maxLen;
    }

    /** A run of expected bytes; {@code data} is null when unknown. */
    public record Run(long start, long length, byte[] data, long step) {
        public boolean known() {
            return data != null;
        }
    }

    /** The first byte where an observation differs from what was expected. */
    public record Mismatch(long addr, byte expected, byte actual, long step) {
    }

    private record Extent(long start, long length, byte[] data, long step) {
        long last() {
            return start + length - 1;
        }
    }

    private final NavigableMap<Long, Extent> extents = new TreeMap<>(Long::compareUnsigned);
    private final Background background;

    public ByteMap(Background background) {
        this.background = background;
    }

    /** A map where unrecorded bytes are unknown. */
    public static ByteMap unknownByDefault() {
        return new ByteMap(Background.UNKNOWN);
    }

    /** Records {@code data} at {@code start}, set by {@code step}. */
    public void put(long start, byte[] data, long step) {
        if (data.length == 0) {
            return;
        }
        carve(start, data.length);
        extents.put(start, new Extent(start, data.length, data.clone(), step));
    }

    /** Makes {@code [start, start+len)} unknown (as of {@code step}). */
    public void forget(long start, long len, long step) {
        if (len == 0) {
            return;
        }
        carve(start, len);
        extents.put(start, new Extent(start, len, null, step));
    }

    /** Drops what was recorded over the range: it falls back to the background. */
    public void clear(long start, long len) {
        if (len != 0) {
            carve(start, len);
        }
    }

    /** Copies what {@code src} expects over {@code [start, start+len)} into this map. */
    public void copyFrom(ByteMap src, long start, long len, long step) {
        for (Run r : src.runs(start, len)) {
            if (r.known()) {
                put(r.start(), r.data(), step);
            } else {
                forget(r.start(), r.length(), step);
            }
        }
    }

    /** The runs covering {@code [start, start+len)} in address order, background included. */
    public List<Run> runs(long start, long len) {
        List<Run> out = new ArrayList<>();
        if (len == 0) {
            return out;
        }
        long last = start + len - 1;
        long pos = start;
        Map.Entry<Long, Extent> fl = extents.floorEntry(start);
        List<Extent> hits = new ArrayList<>();
        if (fl != null && Long.compareUnsigned(fl.getValue().last(), start) >= 0) {
            hits.add(fl.getValue());
        }
        hits.addAll(extents.subMap(start, false, last, true).values());
        for (Extent e : hits) {
            if (Long.compareUnsigned(e.start(), pos) > 0) {
                addBackground(pos, e.start() - pos, out);
                pos = e.start();
            }
            long from = pos - e.start();
            long n = Math.min(e.length() - from, last - pos + 1);
            out.add(new Run(pos, n, e.data() == null ? null
                    : Arrays.copyOfRange(e.data(), (int) from, (int) (from + n)), e.step()));
            pos += n;
            if (pos == 0 || Long.compareUnsigned(pos - 1, last) >= 0) {
                return out;
            }
        }
        addBackground(pos, last - pos + 1, out);
        return out;
    }

    /** The first byte of {@code actual} (observed at {@code start}) that contradicts a known expectation. */
    public Optional<Mismatch> firstMismatch(long start, byte[] actual) {
        for (Run r : runs(start, actual.length)) {
            if (!r.known()) {
                continue;
            }
            int base = (int) (r.start() - start);
            for (int i = 0; i < r.length(); i++) {
                if (r.data()[i] != actual[base + i]) {
                    return Optional.of(new Mismatch(r.start() + i, r.data()[i], actual[base + i], r.step()));
                }
            }
        }
        return Optional.empty();
    }

    private void addBackground(long pos, long len, List<Run> out) {
        while (len > 0) {
            long r = background.run(pos, len);
            long n = Math.min(Math.abs(r), len);
            if (n <= 0) {
                n = len;
            }
            out.add(new Run(pos, n, r > 0 ? new byte[(int) n] : null, 0));
            pos += n;
            len -= n;
        }
    }

    /** Removes everything recorded inside {@code [start, start+len)}, splitting runs at its edges. */
    private void carve(long start, long len) {
        long last = start + len - 1;
        Map.Entry<Long, Extent> fl = extents.floorEntry(start);
        if (fl != null && Long.compareUnsigned(fl.getKey(), start) < 0
                && Long.compareUnsigned(fl.getValue().last(), start) >= 0) {
            Extent e = fl.getValue();
            extents.put(e.start(), slice(e, 0, start - e.start()));
            extents.put(start, slice(e, start - e.start(), e.length() - (start - e.start())));
        }
        Map.Entry<Long, Extent> tail = extents.floorEntry(last);
        if (tail != null && Long.compareUnsigned(tail.getKey(), start) >= 0
                && Long.compareUnsigned(tail.getValue().last(), last) > 0) {
            Extent e = tail.getValue();
            long keep = last - e.start() + 1;
            extents.put(e.start(), slice(e, 0, keep));
            extents.put(last + 1, slice(e, keep, e.length() - keep));
        }
        extents.subMap(start, true, last, true).clear();
    }

    private static Extent slice(Extent e, long from, long n) {
        return new Extent(e.start() + from, n,
                e.data() == null ? null : Arrays.copyOfRange(e.data(), (int) from, (int) (from + n)), e.step());
    }
}
