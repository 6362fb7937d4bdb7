package org.dmacheck.trace;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How DMA addresses come back: per device and address, the number of maps made between two maps
 * returning the same address (the reuse distance). Short distances show an allocator that hands a
 * freed IOVA or bounce slot straight back (what lazy invalidation must not do too early).
 */
final class ReuseStats {
    private final Map<String, Integer> lastSeen = new HashMap<>();
    private final List<Integer> distances = new ArrayList<>();
    private int maps;

    void mapped(String dev, long dmaAddr) {
        maps++;
        Integer before = lastSeen.put(dev + "@" + Long.toHexString(dmaAddr), maps);
        if (before != null) {
            distances.add(maps - before);
        }
    }

    int distinct() {
        return lastSeen.size();
    }

    int reuses() {
        return distances.size();
    }

    int minDistance() {
        return distances.isEmpty() ? 0 : Collections.min(distances);
    }

    /** The lower median of the reuse distances. */
    int medianDistance() {
        if (distances.isEmpty()) {
            return 0;
        }
        List<Integer> sorted = new ArrayList<>(distances);
        Collections.sort(sorted);
        return sorted.get((sorted.size() - 1) / 2);
    }

    String render() {
        if (distances.isEmpty()) {
            return distinct() + " distinct DMA addresses, none reused";
        }
        return distinct() + " distinct DMA addresses, " + reuses() + " reuses, reuse distance min " + minDistance()
                + " median " + medianDistance() + " (in maps)";
    }
}
