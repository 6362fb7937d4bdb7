package org.dmacheck.spec.invariant;

import java.util.Map;
import java.util.TreeMap;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.api.ResourceUsage;
import org.dmacheck.spec.platform.DomainConfig;
import org.dmacheck.spec.platform.IommuDomainModel;
import org.dmacheck.spec.platform.Platform;

/**
 * Resources at one instant: what the engine says it holds ({@link ResourceUsage}; null if
 * {@code usage()} threw) and what the platform observes in each IOMMU domain's page table (live and
 * pending PTEs, in granules) — the latter needs no trust in the engine.
 */
public record Usage(ResourceUsage engine, Throwable engineError, Map<String, Long> livePtes,
                    Map<String, Long> pendingPtes) {
    public Usage {
        livePtes = Map.copyOf(livePtes);
        pendingPtes = Map.copyOf(pendingPtes);
    }

    public static Usage take(Platform platform, DmaEngine engine) {
        ResourceUsage u = null;
        Throwable err = null;
        try {
            u = engine.usage();
        } catch (Throwable t) {
            err = t;
        }
        Map<String, Long> live = new TreeMap<>();
        Map<String, Long> pending = new TreeMap<>();
        for (DomainConfig d : platform.config().domains()) {
            IommuDomainModel m = platform.domain(d.id());
            live.put(d.id(), m.livePteCount());
            pending.put(d.id(), m.pendingPteCount());
        }
        return new Usage(u, err, live, pending);
    }

    /** Granules of IOVA the engine holds for live mappings in {@code domain}: allocated minus flush-queued. */
    public long heldIova(String domain) {
        if (engine == null) {
            return 0;
        }
        return engine.iovaGranules(domain) - engine.flushQueued().getOrDefault(domain, 0L);
    }

    public long iovaGranules(String domain) {
        return engine == null ? 0 : engine.iovaGranules(domain);
    }

    public long livePtes(String domain) {
        return livePtes.getOrDefault(domain, 0L);
    }

    public long swiotlbSlots() {
        return engine == null ? 0 : engine.swiotlbSlots();
    }

    public long coherentBytes() {
        return engine == null ? 0 : engine.coherentBytes();
    }
}
