package org.dmacheck.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.dmacheck.spec.contract.Check;
import org.dmacheck.spec.contract.ContractEvent;
import org.dmacheck.spec.contract.ContractViolation;
import org.dmacheck.spec.contract.DebugEntry;
import org.dmacheck.spec.contract.DmaDebug;
import org.dmacheck.spec.contract.DmaDebugOptions;
import org.dmacheck.spec.contract.EntryType;
import org.dmacheck.spec.contract.Location;
import org.dmacheck.spec.contract.SgEntry;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.trace.Finding.Kind;

/**
 * Feeds the trace's DMA-API calls to {@link DmaDebug}, the one mirror of {@code kernel/dma/debug.c}
 * ({@code org.dmacheck.spec.contract}), and files what it reports as findings — a release or sync
 * of something the trace never showed mapped is LOST, not a driver bug, when events may be missing
 * before it.
 *
 * <p>What a trace cannot show is not judged: {@code dma_mapping_error()} calls (U8), device limits
 * (M5, M6), and the cache alignment — captures come from x86, where
 * {@code dma_get_cache_alignment()} is 1 and debug.c itself never reports M7.
 */
final class DebugFeed {
    /** x86: 64-byte lines, {@code dma_get_cache_alignment()} 1, map-error checks invisible. */
    static final DmaDebugOptions TRACE_OPTIONS = new DmaDebugOptions(64, 1, false, false);

    private final TraceChecker checker;
    private final DmaDebug debug = DmaDebug.withoutDeviceLimits(TRACE_OPTIONS);

    DebugFeed(TraceChecker checker) {
        this.checker = checker;
    }

    /** {@code debug_dma_map_phys} of a successful map. */
    void map(KernelEvent.SingleMap m) {
        file(debug.map(new ContractEvent.MapSingle(at(m), DeviceId.of(m.dev()), type(m.api()), m.phys(), m.dmaAddr(),
                m.size(), m.dir(), m.attrs())), "unmap");
    }

    /** {@code debug_dma_unmap_phys}; returns the entry it released, or null. */
    DebugEntry unmap(KernelEvent.SingleUnmap u) {
        DeviceId dev = DeviceId.of(u.dev());
        DebugEntry target = debug.unmapTarget(dev, u.dmaAddr(), u.size(), type(u.api()), u.dir(), 0).orElse(null);
        file(debug.unmap(new ContractEvent.UnmapSingle(at(u), dev, type(u.api()), u.dmaAddr(), u.size(), u.dir(),
                u.attrs())), "unmap");
        return target;
    }

    /** {@code debug_dma_map_sg} of the list {@code list} recorded. */
    void map(KernelEvent.SgMap m, LiveMapping list) {
        List<SgEntry> entries = entries(list);
        file(debug.map(new ContractEvent.MapSg(at(m), DeviceId.of(m.dev()), m.nents(), entries, m.dmaAddrs().size(),
                m.dir(), m.attrs())), "unmap");
    }

    /** {@code debug_dma_unmap_sg} of a known list: its DMA fields are still those of its map. */
    void unmap(KernelEvent.SgUnmap u, LiveMapping list) {
        List<SgEntry> entries = entries(list);
        int nents = Math.min(u.nents(), entries.size());
        file(debug.unmap(new ContractEvent.UnmapSg(at(u), DeviceId.of(u.dev()), nents, entries, u.dir(), u.attrs())),
                "unmap");
    }

    void sync(KernelEvent.SingleSync s) {
        file(debug.sync(new ContractEvent.SyncSingle(at(s), DeviceId.of(s.dev()), !s.forDevice(), s.dmaAddr(),
                s.size(), s.dir())), "sync");
    }

    void sync(KernelEvent.SgSync s) {
        List<SgEntry> entries = new ArrayList<>();
        for (int i = 0; i < s.dmaAddrs().size(); i++) {
            entries.add(SgEntry.dmaOnly(s.dmaAddrs().get(i), s.sizes().get(i)));
        }
        file(debug.sync(new ContractEvent.SyncSg(at(s), DeviceId.of(s.dev()), !s.forDevice(), entries.size(), entries,
                s.dir())), "sync");
    }

    /** {@code debug_dma_alloc_coherent} / {@code _alloc_pages} of a successful allocation. */
    void alloc(KernelEvent.Alloc a) {
        file(debug.alloc(new ContractEvent.Alloc(at(a), DeviceId.of(a.dev()), type(a.api()),
                a.phys().isEmpty() ? OptionalLong.empty() : OptionalLong.of(a.phys().get(0)), cpuAddr(a.virt()),
                a.dmaAddr(), a.size(), Direction.BIDIRECTIONAL, a.attrs())), "free");
    }

    /** {@code debug_dma_free_coherent} / {@code _free_pages}; whether it released a booked allocation. */
    boolean free(KernelEvent.Free f) {
        DeviceId dev = DeviceId.of(f.dev());
        EntryType type = type(f.api());
        boolean known = debug.unmapTarget(dev, f.dmaAddr(), f.size(), type, Direction.BIDIRECTIONAL, 0).isPresent();
        file(debug.free(new ContractEvent.Free(at(f), dev, type, cpuAddr(f.virt()), f.dmaAddr(), f.size(),
                Direction.BIDIRECTIONAL, f.attrs())), "free");
        return known;
    }

    /**
     * The driver let go of {@code dev} (L1), reported at the first leaked mapping's line; events
     * may be missing for entries that crossed a gap, so the caller decides whether to ask.
     */
    void unbind(String dev, int line) {
        for (ContractViolation v : debug.unbind(new ContractEvent.Unbind(Location.line(line), DeviceId.of(dev)))) {
            checker.finding(Kind.DRIVER, line, v.check().slug(), dev, describe(v));
        }
    }

    /** Allocations (coherent, pages, sgt) of {@code dev} still booked. */
    int liveAllocations(String dev) {
        return (int) debug.entries(DeviceId.of(dev)).stream().filter(e -> e.type().isAllocation()).count();
    }

    /** Allocations still booked, by type. */
    Map<String, Integer> liveAllocationsByType() {
        Map<String, Integer> out = new TreeMap<>();
        debug.entries().stream().filter(e -> e.type().isAllocation())
                .forEach(e -> out.merge(e.type().printed(), 1, Integer::sum));
        return out;
    }

    /**
     * Files what dma-debug reported: an unknown release or sync (U2, S1) is classified by the trace
     * (a double release, lost events, or a driver bug); everything else is a driver bug.
     */
    private void file(List<ContractViolation> violations, String release) {
        for (ContractViolation v : violations) {
            int line = (int) v.at().value();
            String dev = v.device().name();
            if (v.check() == Check.U2) {
                checker.unknownRelease(checker.device(dev), line, v, release);
            } else if (v.check() == Check.S1) {
                checker.finding(checker.lossyBefore(line) ? Kind.LOST : Kind.DRIVER, line, v.check().slug(), dev,
                        describe(v));
            } else {
                checker.finding(Kind.DRIVER, line, v.check().slug(), dev, describe(v));
            }
        }
    }

    /** debug.c's message and evidence, then where the entry concerned was mapped. */
    static String describe(ContractViolation v) {
        return v.describe() + (v.mappedAt().unit() == Location.Unit.NONE ? "" : " (mapped at " + v.mappedAt() + ")");
    }

    /** The list as dma-debug reads it: CPU phys where recorded, the returned DMA segments, zeros past them. */
    private static List<SgEntry> entries(LiveMapping list) {
        int n = Math.max(list.nents, Math.max(list.sgPhys.size(), list.dmaAddrs.size()));
        List<SgEntry> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            OptionalLong phys = i < list.sgPhys.size() ? OptionalLong.of(list.sgPhys.get(i)) : OptionalLong.empty();
            boolean mapped = i < list.dmaAddrs.size();
            out.add(new SgEntry(phys, 0, mapped ? list.dmaAddrs.get(i) : 0, mapped ? list.sizes.get(i) : 0));
        }
        return out;
    }

    /**
     * v6.18+ traces show {@code dma_map_phys} (type phy); older ones {@code dma_map_page} (single) and
     * {@code dma_map_resource} (resource).
     */
    static EntryType type(KernelEvent.SingleApi api) {
        return switch (api) {
            case PHYS -> EntryType.PHY;
            case PAGE -> EntryType.SINGLE;
            case RESOURCE -> EntryType.RESOURCE;
        };
    }

    /**
     * {@code dma_alloc} is booked coherent, {@code dma_alloc_pages} noncoherent; a trace does not show
     * the table of {@code dma_alloc_sgt} (debug.c books it as a one-segment sg list), so it is paired as
     * one noncoherent block.
     */
    static EntryType type(KernelEvent.AllocApi api) {
        return api == KernelEvent.AllocApi.COHERENT ? EntryType.COHERENT : EntryType.NONCOHERENT;
    }

    /** The traced CPU pointer (hashed by {@code %p}, still one value per pointer) as the address U5 compares. */
    static long cpuAddr(String virt) {
        try {
            return Long.parseUnsignedLong(virt, 16);
        } catch (NumberFormatException e) {
            return virt.hashCode();
        }
    }

    private static Location at(KernelEvent e) {
        return Location.line(e.at().line());
    }
}
