package org.dmacheck.spec.api;

import java.util.Map;
import java.util.TreeMap;

/**
 * What an engine holds right now, so leaks and imbalances are visible.
 *
 * @param iovaGranules      IOVA granules allocated per IOMMU domain id, including ranges still
 *                          waiting in a flush queue and live two-step reservations
 * @param flushQueued       IOVA granules per domain waiting in a flush queue (subset of the above)
 * @param livePtes          page-table entries (granules) the engine has mapped per domain
 * @param swiotlbSlots      swiotlb slots in use (including alignment padding slots)
 * @param coherentBytes     bytes of coherent allocations outstanding
 */
public record ResourceUsage(Map<String, Long> iovaGranules, Map<String, Long> flushQueued,
                            Map<String, Long> livePtes, long swiotlbSlots, long coherentBytes) {
    public ResourceUsage {
        iovaGranules = Map.copyOf(iovaGranules);
        flushQueued = Map.copyOf(flushQueued);
        livePtes = Map.copyOf(livePtes);
    }

    public long iovaGranules(String domain) {
        return iovaGranules.getOrDefault(domain, 0L);
    }

    public long livePtes(String domain) {
        return livePtes.getOrDefault(domain, 0L);
    }

    @Override
    public String toString() {
        return "iova=" + new TreeMap<>(iovaGranules) + " fq=" + new TreeMap<>(flushQueued)
                + " ptes=" + new TreeMap<>(livePtes) + " swiotlb_slots=" + swiotlbSlots
                + " coherent_bytes=" + coherentBytes;
    }
}
