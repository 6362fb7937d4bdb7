package org.dmacheck.spec.contract;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;

/**
 * dma-debug's hash of live entries, kept per device in address order instead of 16384 buckets:
 * the same answers ({@code bucket_find_exact}, {@code bucket_find_contain} with their best-fit
 * rule), in O(log n) for the usual case.
 */
final class EntryStore {
    /** {@code HASH_FN_SHIFT}: a bucket covers 8 KiB of DMA addresses. */
    static final int HASH_FN_SHIFT = 13;
    /** {@code HASH_SIZE}. */
    static final long HASH_SIZE = 16384;

    private final Map<DeviceId, TreeMap<Long, List<DebugEntry>>> byDevice = new HashMap<>();
    private final Map<DeviceId, Long> longest = new HashMap<>();

    /** What a lookup compares besides the address ({@code match_lvl}). */
    record Ref(long size, EntryType type, Direction direction, int sgCallEnts) {
        int matchLevel(DebugEntry e) {
            return (e.size() == size ? 1 : 0) + (e.type() == type ? 1 : 0) + (e.direction() == direction ? 1 : 0)
                    + (e.sgCallEnts() == sgCallEnts ? 1 : 0);
        }
    }

    void add(DebugEntry e) {
        device(e.dev()).computeIfAbsent(e.devAddr(), k -> new ArrayList<>()).add(e);
        longest.merge(e.dev(), e.size(), (a, b) -> Long.compareUnsigned(a, b) >= 0 ? a : b);
    }

    void remove(DebugEntry e) {
        TreeMap<Long, List<DebugEntry>> m = device(e.dev());
        List<DebugEntry> at = m.get(e.devAddr());
        if (at != null && at.remove(e) && at.isEmpty()) {
            m.remove(e.devAddr());
        }
    }

    void replace(DebugEntry old, DebugEntry now) {
        List<DebugEntry> at = device(old.dev()).get(old.devAddr());
        at.set(at.indexOf(old), now);
    }

    /** Entries of {@code dev} booked at exactly {@code devAddr}, in booking order ({@code exact_match}). */
    List<DebugEntry> at(DeviceId dev, long devAddr) {
        return device(dev).getOrDefault(devAddr, List.of());
    }

    /** Every entry of {@code dev}, in address order. */
    List<DebugEntry> all(DeviceId dev) {
        List<DebugEntry> out = new ArrayList<>();
        device(dev).values().forEach(out::addAll);
        return out;
    }

    /** Every entry, in device then address order. */
    List<DebugEntry> all() {
        List<DebugEntry> out = new ArrayList<>();
        byDevice.keySet().stream().sorted().forEach(d -> out.addAll(all(d)));
        return out;
    }

    /**
     * {@code bucket_find_exact()}: among the entries at {@code (dev, devAddr)}, the only one; else
     * the first that fits perfectly (size, type, direction, sg_call_ents); else, when several
     * match without a perfect fit, none.
     */
    DebugEntry findExact(DeviceId dev, long devAddr, Ref ref) {
        return bestFit(at(dev, devAddr), ref);
    }

    /**
     * The entries of {@code dev} that hold {@code [devAddr, devAddr+size)} by
     * {@link DmaDebug#containingMatch}, in address then booking order. Without a wrapping end only
     * entries starting within the longest entry's size below {@code devAddr} can reach that far.
     */
    List<DebugEntry> holding(DeviceId dev, long devAddr, long size) {
        long lowest = 0;
        if (Long.compareUnsigned(devAddr + size, devAddr) >= 0) {
            long reach = longest.getOrDefault(dev, 0L);
            lowest = Long.compareUnsigned(devAddr, reach) >= 0 ? devAddr - reach : 0;
        }
        List<DebugEntry> out = new ArrayList<>();
        for (List<DebugEntry> list : device(dev).subMap(lowest, true, devAddr, true).values()) {
            for (DebugEntry e : list) {
                if (DmaDebug.containingMatch(e.devAddr(), e.size(), devAddr, size)) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    /**
     * {@code bucket_find_contain()}: an entry of {@code dev} whose range contains
     * {@code [devAddr, devAddr+size)}, computed in u64 like debug.c (so a range whose end wraps is
     * "contained" by any entry starting at or below it). Buckets are searched from the
     * address's own downwards; within a bucket the best-fit rule applies, and an ambiguous bucket
     * is passed over.
     */
    DebugEntry findContaining(DeviceId dev, long devAddr, Ref ref) {
        long bucket = devAddr >>> HASH_FN_SHIFT;
        long limit = Math.min(HASH_SIZE, bucket + 1);
        TreeMap<Long, List<DebugEntry>> bySteps = new TreeMap<>();
        for (DebugEntry e : holding(dev, devAddr, ref.size())) {
            long step = Math.floorMod(bucket - (e.devAddr() >>> HASH_FN_SHIFT), HASH_SIZE);
            if (step < limit) {
                bySteps.computeIfAbsent(step, k -> new ArrayList<>()).add(e);
            }
        }
        for (List<DebugEntry> inBucket : bySteps.values()) {
            inBucket.sort(Comparator.comparingLong(DebugEntry::seq));
            DebugEntry found = bestFit(inBucket, ref);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /** {@code __hash_bucket_find()}'s best-fit rule over the matching entries of one bucket, in booking order. */
    static DebugEntry bestFit(List<DebugEntry> matches, Ref ref) {
        DebugEntry best = null;
        int bestLevel = -1;
        for (DebugEntry e : matches) {
            int level = ref.matchLevel(e);
            if (level == 4) {
                return e;
            }
            if (level > bestLevel) {
                bestLevel = level;
                best = e;
            }
        }
        return matches.size() == 1 ? best : null;
    }

    private TreeMap<Long, List<DebugEntry>> device(DeviceId dev) {
        return byDevice.computeIfAbsent(dev, k -> new TreeMap<>(Long::compareUnsigned));
    }
}
