package org.dmacheck.trace;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A recorded kernel trace, read by {@link FtraceReader}.
 *
 * @param source          the file name, for messages
 * @param events          the DMA-relevant events in file order
 * @param eventCounts     how many lines of each event name were read (native names, kprobe names)
 * @param entriesInBuffer the {@code # entries-in-buffer/entries-written: A/B} header's A, or -1
 * @param entriesWritten  its B, or -1; {@code A < B} means the ring buffer overwrote {@code B - A} events
 * @param kprobeMisses    per {@code dmacheck_*} probe, its missed count from {@code kprobe_profile}
 */
public record KernelTrace(String source, List<KernelEvent> events, Map<String, Integer> eventCounts,
                          long entriesInBuffer, long entriesWritten, Map<String, Long> kprobeMisses) {
    public KernelTrace {
        events = List.copyOf(events);
        eventCounts = Collections.unmodifiableMap(new LinkedHashMap<>(eventCounts));
        kprobeMisses = Collections.unmodifiableMap(new LinkedHashMap<>(kprobeMisses));
    }

    /** Events the ring buffer overwrote, per the header; 0 when unknown or none. */
    public long overwritten() {
        return entriesInBuffer >= 0 && entriesWritten > entriesInBuffer ? entriesWritten - entriesInBuffer : 0;
    }

    /** Total kprobe misses. */
    public long missedProbes() {
        return kprobeMisses.values().stream().mapToLong(Long::longValue).sum();
    }
}
