package org.dmacheck.spec.platform;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the hardware changed since {@link Platform#clearTouched()}: the physical bytes whose content
 * may now differ — in memory, or as the CPU (and a snooping device) sees them through the cache —
 * and, per IOMMU domain, the IOVA granules whose translation may now differ (a PTE written, made
 * visible or cleared; a cached IOTLB translation that disagreed with the page table dropped).
 * A checker clears it when a step starts and reads it when the step is done, so it learns what
 * the step touched without looking at anything else.
 *
 * <p>Conservative: a listed range may have come out the same (a CPU store of the bytes already
 * there); nothing that changed is left out. What the platform records, by whom:
 * <ul>
 *   <li>memory: CPU stores, {@code memcpy}/{@code memset} ({@link Hardware#cpuCopy},
 *       {@link Hardware#cpuFill}), device writes, cache cleans and invalidates (whole lines),
 *       pages zeroed or released for coherent allocations;</li>
 *   <li>IOVA: {@code iommu_map}/{@code _nosync} (the PTEs written), {@code iommu_sync_map} (the
 *       PTEs made visible), {@code iommu_unmap} (the PTEs cleared), and of an IOTLB invalidation
 *       only the entries that were stale — dropping an entry that agrees with its PTE changes no
 *       translation.</li>
 * </ul>
 * A range that extends the previous one of the same kind is merged into it. Past {@value #LIMIT}
 * ranges the record stops growing and says {@link #overflowed()}: a reader must then assume
 * anything may have changed. (A platform driven without a checker, which never clears it, stays
 * small that way.)
 */
public final class Touched {
    /** The most ranges kept between two clears. */
    public static final int LIMIT = 4096;

    /**
     * An inclusive range {@code [start, last]} of physical or IOVA addresses and the operation that
     * touched it (in kernel words: {@code iommu_unmap}, {@code memcpy}, {@code arch_sync_dma_for_cpu}).
     */
    public record Range(long start, long last, String by) {
        @Override
        public String toString() {
            return by + " " + Unsigned.hex(start) + "-" + Unsigned.hex(last);
        }
    }

    private final List<Range> memory = new ArrayList<>();
    private final Map<String, List<Range>> iova = new LinkedHashMap<>();
    private int ranges;
    private boolean overflowed;

    Touched() {
    }

    /** Physical ranges whose bytes may have changed, in the order they were touched. */
    public List<Range> memory() {
        return Collections.unmodifiableList(memory);
    }

    /** Per IOMMU domain id, the IOVA ranges whose translation may have changed, in the order touched. */
    public Map<String, List<Range>> iova() {
        return Collections.unmodifiableMap(iova);
    }

    /** Whether more than {@value #LIMIT} ranges were touched: the lists are incomplete, assume anything changed. */
    public boolean overflowed() {
        return overflowed;
    }

    /** Whether nothing was touched. */
    public boolean isEmpty() {
        return !overflowed && ranges == 0;
    }

    void clear() {
        memory.clear();
        iova.clear();
        ranges = 0;
        overflowed = false;
    }

    /** {@code len} bytes from {@code start} (cut at 2^64-1); nothing for {@code len == 0}. */
    void memory(long start, long len, String by) {
        if (len != 0) {
            add(memory, start, Unsigned.fits(start, len) ? start + len - 1 : Unsigned.MAX, by);
        }
    }

    void iova(String domain, long start, long last, String by) {
        if (overflowed) {
            return;
        }
        add(iova.computeIfAbsent(domain, d -> new ArrayList<>()), start, last, by);
    }

    private void add(List<Range> list, long start, long last, String by) {
        if (overflowed) {
            return;
        }
        if (!list.isEmpty()) {
            Range prev = list.get(list.size() - 1);
            boolean merges = prev.by().equals(by) && Unsigned.le(prev.start(), start)
                    && (Unsigned.le(start, prev.last()) || start == prev.last() + 1);
            if (merges) {
                list.set(list.size() - 1, new Range(prev.start(), Unsigned.max(prev.last(), last), by));
                return;
            }
        }
        if (ranges == LIMIT) {
            overflowed = true;
            memory.clear();
            iova.clear();
            return;
        }
        list.add(new Range(start, last, by));
        ranges++;
    }
}
