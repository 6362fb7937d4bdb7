package org.dmacheck.trace;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.dmacheck.spec.platform.DmaAttrs;
import org.dmacheck.spec.platform.Unsigned;
import org.dmacheck.trace.Finding.Kind;
import org.dmacheck.trace.KernelEvent.At;
import org.dmacheck.trace.LiveMapping.Type;

/**
 * Judges a recorded kernel trace (§13 J): pairs maps with unmaps and allocations with frees the
 * way {@code kernel/dma/debug.c} does (exact device and address; size, type and direction must
 * agree), checks syncs against live mappings, correlates IOMMU-path mappings with
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
    private final Allocations allocations = new Allocations(this);
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
        List<LiveMapping> live = atEnd();
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
            Syncs.single(this, s);
        } else if (e instanceof KernelEvent.SgSync s) {
            count(s.dev(), s.forDevice() ? "sync_sg_for_device" : "sync_sg_for_cpu");
            Syncs.sg(this, s);
        } else if (e instanceof KernelEvent.Alloc a) {
            count(a.dev(), "alloc_" + a.api().name().toLowerCase());
            allocations.alloc(a);
        } else if (e instanceof KernelEvent.Free f) {
            count(f.dev(), "free_" + f.api().name().toLowerCase());
            allocations.free(f);
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
        allocations.crossGap();
        twoStep.crossGap();
        pids.values().forEach(PidState::clear);
    }

    // --- single mappings (dma_map_phys / _page / _resource) ---------------------------------

    private void singleMap(KernelEvent.SingleMap m, PidState pending) {
        if (m.failed()) {
            return; // dma-debug does not register failed maps; the driver must check dma_mapping_error
        }
        DeviceState d = device(m.dev());
        Type type = m.api() == KernelEvent.SingleApi.RESOURCE || DmaAttrs.has(m.attrs(), DmaAttrs.MMIO)
                && m.api() != KernelEvent.SingleApi.PHYS ? Type.RESOURCE : Type.SINGLE;
        LiveMapping live = new LiveMapping(m.at().line(), nextSeq(), m.dev(), type, m.dmaAddr(), m.size(), m.dir(),
                m.attrs(), m.phys());
        Correlation.bounce(this, d, m, live, pending.bounces);
        Correlation.iommuMap(this, d, m, live, pending.iommuMaps, sawIommuEvents, granule);
        aliasing(d, live);
        d.singles.add(live);
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
        Type type = u.api() == KernelEvent.SingleApi.RESOURCE ? Type.RESOURCE : Type.SINGLE;
        LiveMapping m = Pairing.bestFit(d.singles.at(u.dmaAddr()), u.size(), type, u.dir());
        if (m == null) {
            unknownRelease(d, line, u.dmaAddr(), u.size(), "unmap");
            d.recentlyReleased.put(u.dmaAddr(), line);
            return;
        }
        Pairing.compare(this, m, line, u.size(), type, u.dir());
        if (DmaAttrs.has(m.attrs, DmaAttrs.MMIO) != DmaAttrs.has(u.attrs(), DmaAttrs.MMIO)
                && u.api() == KernelEvent.SingleApi.PHYS) {
            finding(Kind.DRIVER, line, "mmio-attr-mismatch", u.dev(), "device driver frees DMA memory with different"
                    + " attributes [device address=0x" + Long.toHexString(u.dmaAddr()) + "] [mapped with "
                    + attrs(m.attrs) + "] [unmapped with " + attrs(u.attrs()) + "] (DMA_ATTR_MMIO must match, map at line "
                    + m.line + ")");
        }
        Correlation.iommuUnmap(this, m, line, pending.iommuUnmaps);
        release(d, m, line);
    }

    static String attrs(long a) {
        return a == 0 ? "no attrs" : DmaAttrs.describe(a);
    }

    /** Removes a live mapping and remembers that its device completed it. */
    void release(DeviceState d, LiveMapping m, int line) {
        d.singles.remove(m);
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
     * An unmap or free ({@code what}) that matches nothing live: a double release when this device released
     * the address since the last gap (dma-debug: "has not allocated"); LOST when the map may be
     * among missing events; else a release of memory never mapped.
     */
    void unknownRelease(DeviceState d, int line, long addr, long size, String what) {
        Integer before = d.recentlyReleased.get(addr);
        String evidence = "[device address=0x" + Long.toHexString(addr) + "] [size=" + size + " bytes]";
        if (before != null && !lossyEverywhere) {
            finding(Kind.DRIVER, line, "double-" + what, d.name,
                    "device driver tries to free DMA memory it has not allocated " + evidence
                            + " (already released at line " + before + ")");
        } else if (addr == -1L) {
            finding(Kind.DRIVER, line, "invalid-address", d.name,
                    "device driver tries to free an invalid DMA memory address");
        } else if (lossyBefore(line)) {
            finding(Kind.LOST, line, "unmatched-release", d.name, "release of " + evidence
                    + " whose map is not in the trace: events are missing before this line");
        } else {
            finding(Kind.DRIVER, line, "unknown-address", d.name,
                    "device driver tries to free DMA memory it has not allocated " + evidence);
        }
    }

    // --- scatterlists ----------------------------------------------------------------------

    private void sgMap(KernelEvent.SgMap m, PidState pending) {
        DeviceState d = device(m.dev());
        long total = m.sizes().stream().mapToLong(Long::longValue).sum();
        long first = m.dmaAddrs().isEmpty() ? 0 : m.dmaAddrs().get(0);
        LiveMapping live = new LiveMapping(m.at().line(), nextSeq(), m.dev(), Type.SG, first, total, m.dir(),
                m.attrs(), m.phys().isEmpty() ? OptionalLong.empty() : OptionalLong.of(m.phys().get(0)));
        live.sgPhys = m.phys();
        live.sgl = m.sgl();
        live.nents = m.nents();
        live.dmaAddrs = m.dmaAddrs();
        live.sizes = m.sizes();
        for (LiveMapping other : d.sgs) {
            if (Pairing.sameList(other, m.sgl(), m.phys())) {
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
        LiveMapping m = d.sgs.stream().filter(s -> Pairing.sameList(s, u.sgl(), u.phys())).findFirst()
                .orElseGet(() -> d.sgs.stream().filter(s -> Pairing.sameHead(s, u.sgl(), u.phys())).findFirst()
                        .orElse(null));
        if (m == null) {
            long head = u.phys().isEmpty() ? u.sgl().orElse(0) : u.phys().get(0);
            if (lossyBefore(line)) {
                finding(Kind.LOST, line, "unmatched-release", u.dev(), "dma_unmap_sg of a list whose map is not"
                        + " in the trace [first entry=0x" + Long.toHexString(head) + "] [nents=" + u.nents() + "]");
            } else {
                finding(Kind.DRIVER, line, "unknown-address", u.dev(), "device driver tries to free DMA memory it"
                        + " has not allocated [sg list first entry=0x" + Long.toHexString(head) + "] [nents="
                        + u.nents() + "]");
            }
            return;
        }
        if (m.nents != u.nents()) {
            finding(Kind.DRIVER, line, "sg-count-mismatch", u.dev(), "device driver frees DMA sg list with different"
                    + " entry count [map count=" + m.nents + "] [unmap count=" + u.nents() + "] (map at line "
                    + m.line + ")");
        }
        if (m.dir != u.dir()) {
            finding(Kind.DRIVER, line, "direction-mismatch", u.dev(), "device driver frees DMA memory with different"
                    + " direction [sg list] [mapped with " + m.dir.traceName() + "] [unmapped with "
                    + u.dir().traceName() + "] (map at line " + m.line + ")");
        }
        release(d, m, line);
    }

    // --- the end ---------------------------------------------------------------------------

    /**
     * Classifies what is still live: LOST when its release may be among missing events or the
     * request was in flight when the capture stopped (nothing mapped after it completed); a DRIVER
     * leak when the device's driver evidently let go of the device (freed all its coherent memory
     * at the end, like dma-debug's unbind check); otherwise simply live.
     */
    private List<LiveMapping> atEnd() {
        List<LiveMapping> live = new ArrayList<>();
        for (DeviceState d : devices.values()) {
            List<LiveMapping> mine = new ArrayList<>(d.singles.all());
            mine.addAll(d.sgs);
            mine.sort((a, b) -> Integer.compare(a.line, b.line));
            boolean released = d.freedCoherent && !d.activeAfterFree && allocations.liveCount(d.name) == 0;
            List<LiveMapping> leaked = new ArrayList<>();
            for (LiveMapping m : mine) {
                live.add(m);
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
                finding(Kind.DRIVER, leaked.get(0).line, "leak", d.name, "device driver has pending DMA allocations"
                        + " while released from device [count=" + leaked.size() + "] One of leaked entries details: "
                        + leaked.get(0).describe());
            }
        }
        live.addAll(allocations.live());
        twoStep.atEnd(lossyEverywhere);
        return live;
    }

    Map<String, DeviceState> devices() {
        return devices;
    }
}
