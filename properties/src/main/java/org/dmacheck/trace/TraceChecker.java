package org.dmacheck.trace;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.dmacheck.spec.contract.Check;
import org.dmacheck.spec.contract.ContractViolation;
import org.dmacheck.spec.contract.DebugEntry;
import org.dmacheck.spec.contract.EntryType;
import org.dmacheck.spec.platform.Unsigned;
import org.dmacheck.trace.Finding.Kind;
import org.dmacheck.trace.KernelEvent.At;

/**
 * Judges a recorded kernel trace (§13 J): feeds every map, unmap, sync, allocation and free to
 * dma-debug's mirror ({@link DebugFeed}, {@code org.dmacheck.spec.contract}), correlates IOMMU-path
 * mappings with
 * {@code iommu:map}/{@code iommu:unmap} of the granule-rounded range, finds aliasing among live
 * IOVAs and bounce slots, correlates {@code swiotlb_bounced} with the bounced map, follows the
 * two-step {@code dma_iova_*} state machine, and accounts for what is live at the end.
 *
 * <p>Every finding says whose it is ({@link Kind}): a missing partner explained by missing events
 * (a gap before it, an overwritten ring buffer, missed probes, an in-flight request at the end)
 * is {@link Kind#LOST}, never a driver bug.
 */
public final class TraceChecker {
    private final long granule;
    private final List<Finding> findings = new ArrayList<>();
    private final Map<String, DeviceState> devices = new TreeMap<>();
    private final AddressIndex swiotlbSlots = new AddressIndex(range(false));
    private final Map<Integer, PidState> pids = new HashMap<>();
    private final TwoStep twoStep = new TwoStep(this);
    private final DebugFeed debug = new DebugFeed(this);
    /** Live single mappings by the trace line that mapped them (dma-debug's entries remember it). */
    private final Map<Integer, LiveMapping> singlesByLine = new HashMap<>();
    private final ReuseStats reuse = new ReuseStats();
    private boolean lossyEverywhere;
    private boolean sawIommuEvents;
    private int lastGapLine = -1;
    private long seq;

    /** What the checker keeps per device. */
    static final class DeviceState {
        final String name;
        final AddressIndex singles = new AddressIndex(range(false));
        final AddressIndex iovas = new AddressIndex(range(true));
        final List<LiveMapping> sgs = new ArrayList<>();
        final Map<String, Integer> events = new TreeMap<>();
        final Map<Long, Integer> recentlyReleased = new HashMap<>();
        long maxCompletedSeq = -1;
        boolean iommuPath;
        boolean forcedBounce;
        boolean freedCoherent;
        boolean activeAfterFree;
        Long bounceOffset;

        DeviceState(String name) {
            this.name = name;
        }
    }

    /** Events of one task not yet matched to the DMA call that caused them. */
    private static final class PidState {
        final List<KernelEvent.IommuMap> iommuMaps = new ArrayList<>();
        final List<KernelEvent.IommuUnmap> iommuUnmaps = new ArrayList<>();
        final List<KernelEvent.SwiotlbBounced> bounces = new ArrayList<>();

        void clear() {
            iommuMaps.clear();
            iommuUnmaps.clear();
            bounces.clear();
        }
    }

    private TraceChecker(long granule) {
        this.granule = granule;
    }

    /** Checks {@code trace} assuming an IOMMU granule of {@code granule} bytes (4 KiB on x86). */
    public static TraceVerdict check(KernelTrace trace, long granule) {
        if (!Unsigned.isPowerOfTwo(granule)) {
            throw new IllegalArgumentException("IOMMU granule " + granule + " is not a power of two");
        }
        return new TraceChecker(granule).run(trace);
    }

    private static AddressIndex.Range range(boolean iommu) {
        return new AddressIndex.Range() {
            @Override
            public long start(LiveMapping m) {
                return iommu ? m.iommuIova : m.dma;
            }

            @Override
            public long last(LiveMapping m) {
                return iommu ? m.iommuIova + m.iommuSize - 1 : m.last();
            }
        };
    }

    private TraceVerdict run(KernelTrace trace) {
        if (trace.overwritten() > 0) {
            lossyEverywhere = true;
            finding(Kind.LOST, 0, "ring-buffer-overrun", "", "the ring buffer overwrote " + trace.overwritten()
                    + " of " + trace.entriesWritten() + " events (entries-in-buffer/entries-written "
                    + trace.entriesInBuffer() + "/" + trace.entriesWritten() + "); enlarge buffer_size_kb");
        }
        trace.kprobeMisses().forEach((probe, missed) -> {
            if (missed > 0) {
                lossyEverywhere = true;
                finding(Kind.LOST, 0, "kprobe-missed", "", "probe " + probe + " missed " + missed + " hits");
            }
        });
        for (KernelEvent e : trace.events()) {
            event(e);
        }
        Map<String, Integer> live = atEnd();
        return new TraceVerdict(trace, findings, devices, live, reuse, twoStep.liveCount());
    }

    DeviceState device(String name) {
        return devices.computeIfAbsent(name, DeviceState::new);
    }

    void finding(Kind kind, int line, String check, String dev, String message) {
        findings.add(new Finding(kind, line, check, dev, message));
    }

    /** Whether events may be missing before {@code line}: a missing partner is then LOST. */
    boolean lossyBefore(int line) {
        return lossyEverywhere || (lastGapLine >= 0 && lastGapLine < line);
    }

    long nextSeq() {
        return ++seq;
    }

    private void event(KernelEvent e) {
        if (e instanceof KernelEvent.Gap g) {
            gap(g);
            return;
        }
        if (e instanceof KernelEvent.IommuMap m) {
            sawIommuEvents = true;
            pid(m.at()).iommuMaps.add(m);
            return;
        }
        if (e instanceof KernelEvent.IommuUnmap u) {
            sawIommuEvents = true;
            pid(u.at()).iommuUnmaps.add(u);
            return;
        }
        if (e instanceof KernelEvent.SwiotlbBounced b) {
            pid(b.at()).bounces.add(b);
            if (b.forced()) {
                device(b.dev()).forcedBounce = true;
            }
            return;
        }
        PidState pending = pid(e.at());
        dmaEvent(e, pending);
        pending.clear();
    }

    private void dmaEvent(KernelEvent e, PidState pending) {
        if (e instanceof KernelEvent.SingleMap m) {
            count(m.dev(), "map_" + m.api().name().toLowerCase());
            singleMap(m, pending);
        } else if (e instanceof KernelEvent.SingleUnmap u) {
            count(u.dev(), "unmap_" + u.api().name().toLowerCase());
            singleUnmap(u, pending);
        } else if (e instanceof KernelEvent.SgMap m) {
            count(m.dev(), "map_sg");
            sgMap(m, pending);
        } else if (e instanceof KernelEvent.SgMapError m) {
            count(m.dev(), "map_sg_err");
        } else if (e instanceof KernelEvent.SgUnmap u) {
            count(u.dev(), "unmap_sg");
            sgUnmap(u);
        } else if (e instanceof KernelEvent.SingleSync s) {
            count(s.dev(), s.forDevice() ? "sync_single_for_device" : "sync_single_for_cpu");
            debug.sync(s);
        } else if (e instanceof KernelEvent.SgSync s) {
            count(s.dev(), s.forDevice() ? "sync_sg_for_device" : "sync_sg_for_cpu");
            debug.sync(s);
        } else if (e instanceof KernelEvent.Alloc a) {
            count(a.dev(), "alloc_" + a.api().name().toLowerCase());
            if (!a.failed()) {
                debug.alloc(a);
            }
        } else if (e instanceof KernelEvent.Free f) {
            count(f.dev(), "free_" + f.api().name().toLowerCase());
            free(f);
        } else {
            twoStep.event(e);
        }
    }

    void count(String dev, String what) {
        DeviceState d = device(dev);
        d.events.merge(what, 1, Integer::sum);
        if (d.freedCoherent && !what.startsWith("free")) {
            d.activeAfterFree = true;
        }
    }

    private PidState pid(At at) {
        return pids.computeIfAbsent(at.pid(), p -> new PidState());
    }

    private void gap(KernelEvent.Gap g) {
        lastGapLine = g.at().line();
        finding(Kind.LOST, g.at().line(), "gap", "", g.why());
        for (DeviceState d : devices.values()) {
            d.singles.all().forEach(m -> m.crossedGap = true);
            d.sgs.forEach(m -> m.crossedGap = true);
            d.recentlyReleased.clear();
        }
        twoStep.crossGap();
        pids.values().forEach(PidState::clear);
    }

    // --- single mappings (dma_map_phys / _page / _resource) ---------------------------------

    private void singleMap(KernelEvent.SingleMap m, PidState pending) {
        if (m.failed()) {
            return; // dma-debug does not register failed maps; the driver must check dma_mapping_error
        }
        DeviceState d = device(m.dev());
        LiveMapping live = new LiveMapping(m.at().line(), nextSeq(), m.dev(), DebugFeed.type(m.api()), m.dmaAddr(),
                m.size(), m.dir(), m.phys());
        debug.map(m);
        Correlation.bounce(this, d, m, live, pending.bounces);
        Correlation.iommuMap(this, d, m, live, pending.iommuMaps, sawIommuEvents, granule);
        aliasing(d, live);
        d.singles.add(live);
        singlesByLine.put(live.line, live);
        d.recentlyReleased.remove(m.dmaAddr());
        reuse.mapped(m.dev(), m.dmaAddr());
    }

    /** No two live IOMMU mappings of a device share an IOVA granule; no two live bounce slots overlap. */
    private void aliasing(DeviceState d, LiveMapping live) {
        if (live.viaIommu) {
            for (LiveMapping other : d.iovas.overlapping(live.iommuIova, live.iommuIova + live.iommuSize - 1)) {
                finding(Kind.KERNEL, live.line, "iova-aliasing", live.dev, "IOVA range [0x"
                        + Long.toHexString(live.iommuIova) + "-0x" + Long.toHexString(live.iommuIova + live.iommuSize - 1)
                        + "] handed out while still mapped by " + other.describe());
            }
            d.iovas.add(live);
        } else if (live.bounced) {
            for (LiveMapping other : swiotlbSlots.overlapping(live.dma, live.last())) {
                finding(Kind.KERNEL, live.line, "bounce-aliasing", live.dev, "bounce slot [device address=0x"
                        + Long.toHexString(live.dma) + "] [size=" + live.size + " bytes] overlaps the live "
                        + "bounce slot of " + other.dev + " " + other.describe());
            }
            swiotlbSlots.add(live);
        }
    }

    private void singleUnmap(KernelEvent.SingleUnmap u, PidState pending) {
        DeviceState d = device(u.dev());
        int line = u.at().line();
        DebugEntry released = debug.unmap(u);
        LiveMapping m = released == null ? null : singlesByLine.get((int) released.mappedAt().value());
        if (m == null) {
            d.recentlyReleased.put(u.dmaAddr(), line);
            return;
        }
        Correlation.iommuUnmap(this, m, line, pending.iommuUnmaps);
        release(d, m, line);
    }

    /** Removes a live mapping and remembers that its device completed it. */
    void release(DeviceState d, LiveMapping m, int line) {
        d.singles.remove(m);
        singlesByLine.remove(m.line);
        d.sgs.remove(m);
        if (m.viaIommu) {
            d.iovas.remove(m);
        }
        if (m.bounced) {
            swiotlbSlots.remove(m);
        }
        d.recentlyReleased.put(m.dma, line);
        d.maxCompletedSeq = Math.max(d.maxCompletedSeq, m.seq);
    }

    /**
     * dma-debug found nothing to release ({@code v}, U2) for an unmap or free ({@code what}): a
     * double release when this device released the address since the last gap; LOST when the map
     * may be among missing events; else a release of memory never mapped.
     */
    void unknownRelease(DeviceState d, int line, ContractViolation v, String what) {
        long addr = Long.parseUnsignedLong(v.evidence("device address").substring(2), 16);
        Integer before = d.recentlyReleased.get(addr);
        if (before != null && !lossyEverywhere) {
            finding(Kind.DRIVER, line, "double-" + what, d.name, v.describe() + " (already released at line "
                    + before + ")");
        } else if (lossyBefore(line)) {
            finding(Kind.LOST, line, "unmatched-release", d.name, "release of " + v.evidence().get(0) + " "
                    + v.evidence().get(1) + " whose map is not in the trace: events are missing before this line");
        } else {
            finding(Kind.DRIVER, line, v.check().slug(), d.name, v.describe());
        }
    }

    private void free(KernelEvent.Free f) {
        DeviceState d = device(f.dev());
        d.freedCoherent = true;
        if (f.noOp()) {
            return; // dma_free_attrs(dev, size, NULL, ...): traced, then nothing happens
        }
        if (debug.free(f)) {
            d.recentlyReleased.put(f.dmaAddr(), f.at().line());
        }
    }

    // --- scatterlists ----------------------------------------------------------------------

    private void sgMap(KernelEvent.SgMap m, PidState pending) {
        DeviceState d = device(m.dev());
        long total = m.sizes().stream().mapToLong(Long::longValue).sum();
        long first = m.dmaAddrs().isEmpty() ? 0 : m.dmaAddrs().get(0);
        LiveMapping live = new LiveMapping(m.at().line(), nextSeq(), m.dev(), EntryType.SG, first, total, m.dir(),
                m.phys().isEmpty() ? OptionalLong.empty() : OptionalLong.of(m.phys().get(0)));
        live.sgPhys = m.phys();
        live.sgl = m.sgl();
        live.nents = m.nents();
        live.dmaAddrs = m.dmaAddrs();
        live.sizes = m.sizes();
        debug.map(m, live);
        for (LiveMapping other : d.sgs) {
            // dma-api.rst: a list is not mapped again before it is unmapped (debug.c does not check this)
            if (other.sameList(m.sgl(), m.phys())) {
                finding(Kind.DRIVER, live.line, "sg-remapped", m.dev(), "device driver maps a scatterlist that is still"
                        + " mapped (map at line " + other.line + ") [nents=" + m.nents() + "]");
            }
        }
        Correlation.iommuSg(this, d, live, pending.iommuMaps, granule);
        d.sgs.add(live);
        for (long a : m.dmaAddrs()) {
            reuse.mapped(m.dev(), a);
        }
    }

    private void sgUnmap(KernelEvent.SgUnmap u) {
        DeviceState d = device(u.dev());
        int line = u.at().line();
        // the kernel's list still holds the DMA fields of its map: find which recorded list this is
        LiveMapping m = d.sgs.stream().filter(s -> s.sameList(u.sgl(), u.phys())).findFirst()
                .orElseGet(() -> d.sgs.stream().filter(s -> s.sameHead(u.sgl(), u.phys())).findFirst()
                        .orElse(null));
        if (m == null) {
            long head = u.phys().isEmpty() ? u.sgl().orElse(0) : u.phys().get(0);
            if (lossyBefore(line)) {
                finding(Kind.LOST, line, "unmatched-release", u.dev(), "dma_unmap_sg of a list whose map is not"
                        + " in the trace [first entry=0x" + Long.toHexString(head) + "] [nents=" + u.nents() + "]");
            } else {
                finding(Kind.DRIVER, line, Check.U2.slug(), u.dev(), Check.U2.message() + " [sg list first entry=0x"
                        + Long.toHexString(head) + "] [nents=" + u.nents() + "]");
            }
            return;
        }
        debug.unmap(u, m);
        release(d, m, line);
    }

    // --- the end ---------------------------------------------------------------------------

    /**
     * Classifies what is still live: LOST when its release may be among missing events or the
     * request was in flight when the capture stopped (nothing mapped after it completed); a DRIVER
     * leak when the device's driver evidently let go of the device (freed all its coherent memory
     * at the end): dma-debug's unbind check then reports it; otherwise simply live.
     */
    private Map<String, Integer> atEnd() {
        Map<String, Integer> live = debug.liveAllocationsByType();
        for (DeviceState d : devices.values()) {
            List<LiveMapping> mine = new ArrayList<>(d.singles.all());
            mine.addAll(d.sgs);
            mine.sort((a, b) -> Integer.compare(a.line, b.line));
            boolean released = d.freedCoherent && !d.activeAfterFree && debug.liveAllocations(d.name) == 0;
            List<LiveMapping> leaked = new ArrayList<>();
            for (LiveMapping m : mine) {
                live.merge(m.type.printed(), 1, Integer::sum);
                if (m.crossedGap || lossyEverywhere) {
                    finding(Kind.LOST, m.line, "unmap-not-seen", d.name, "no unmap seen for " + m.describe()
                            + ": events are missing after it");
                } else if (released) {
                    leaked.add(m);
                } else if (m.seq > d.maxCompletedSeq) {
                    finding(Kind.LOST, m.line, "in-flight-at-end", d.name, "no unmap seen for " + m.describe()
                            + ": in flight when the trace ended");
                }
            }
            if (!leaked.isEmpty()) {
                debug.unbind(d.name, leaked.get(0).line);
            }
        }
        twoStep.atEnd(lossyEverywhere);
        return live;
    }

    Map<String, DeviceState> devices() {
        return devices;
    }
}
