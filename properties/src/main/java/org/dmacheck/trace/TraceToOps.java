package org.dmacheck.trace;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.op.DmaTrace;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.DmaAttrs;
import org.dmacheck.spec.platform.Unsigned;

/**
 * Turns a recorded kernel trace into a dmacheck operation sequence on an inferred platform
 * ({@link PlatformInference}), so a real workload becomes a replayable regression test
 * ({@code dmacheck replay}). Each call becomes its {@link Op}; the kernel's result is kept as the
 * step's result ({@code => 0x3a800000}). What cannot be replayed is left out and counted in the
 * trace's metadata: failed maps, maps without a physical address (the {@code dma_map_page_attrs}
 * kprobe), releases whose map is not in the trace, {@code dma_alloc_pages}/{@code _sgt}.
 *
 * <p>A driver's misuse is kept: an unmap with another size or direction carries the driver's
 * values, and a second unmap of the same address unmaps the same handle again.
 */
public final class TraceToOps {
    private static final long GRANULE = 4096;

    private final PlatformInference platform = new PlatformInference();
    private final List<DmaTrace.Step> steps = new ArrayList<>();
    private final Map<String, Deque<Mapped>> singles = new HashMap<>();
    private final Map<String, String> released = new HashMap<>();
    private final List<Mapped> sgs = new ArrayList<>();
    private final Map<String, String> coherent = new HashMap<>();
    private final Map<Long, String> states = new HashMap<>();
    private final Map<String, Integer> skipped = new LinkedHashMap<>();
    private final Map<Integer, Boolean> iommuPending = new HashMap<>();
    private int handles;

    private record Mapped(String handle, Op.MapKind kind, long dma, long size, KernelEvent.SgMap sg) {
    }

    private TraceToOps() {
    }

    public static DmaTrace convert(KernelTrace trace) {
        TraceToOps t = new TraceToOps();
        for (KernelEvent e : trace.events()) {
            t.event(e);
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("source", trace.source());
        meta.put("converted-by", "dmacheck trace --to-test");
        t.skipped.forEach((why, n) -> meta.put("skipped." + why, Integer.toString(n)));
        return new DmaTrace(meta, t.platform.build(), t.steps);
    }

    private void skip(String why) {
        skipped.merge(why, 1, Integer::sum);
    }

    private String handle(String prefix) {
        return prefix + (++handles);
    }

    private void step(Op op, String result) {
        steps.add(new DmaTrace.Step(op, result));
    }

    private void event(KernelEvent e) {
        int pid = e.at().pid();
        if (e instanceof KernelEvent.IommuMap || e instanceof KernelEvent.IommuUnmap) {
            iommuPending.put(pid, true);
            return;
        }
        boolean viaIommu = iommuPending.remove(pid) != null;
        if (e instanceof KernelEvent.SwiotlbBounced b) {
            platform.bounced(b.dev(), b.dmaMask(), b.forced());
            return;
        }
        if (e instanceof KernelEvent.SingleMap m) {
            singleMap(m, viaIommu);
        } else if (e instanceof KernelEvent.SingleUnmap u) {
            singleUnmap(u);
        } else if (e instanceof KernelEvent.SgMap m) {
            sgMap(m, viaIommu);
        } else if (e instanceof KernelEvent.SgUnmap u) {
            sgUnmap(u);
        } else if (e instanceof KernelEvent.SingleSync s) {
            singleSync(s);
        } else if (e instanceof KernelEvent.SgSync s) {
            Mapped m = sgs.stream().filter(x -> x.sg.dev().equals(s.dev()) && !x.sg.dmaAddrs().isEmpty()
                    && !s.dmaAddrs().isEmpty() && x.sg.dmaAddrs().get(0).equals(s.dmaAddrs().get(0))).findFirst().orElse(null);
            if (m == null) {
                skip("sync-of-unknown-list");
            } else {
                step(new Op.SyncSg(m.handle, s.forDevice(), s.dmaAddrs().size(), s.dir()), null);
            }
        } else if (e instanceof KernelEvent.Alloc a) {
            alloc(a);
        } else if (e instanceof KernelEvent.Free f) {
            free(f);
        } else {
            twoStep(e);
        }
    }

    private static String key(String dev, long dma) {
        return dev + "@" + Long.toHexString(dma);
    }

    private void singleMap(KernelEvent.SingleMap m, boolean viaIommu) {
        platform.device(m.dev());
        if (viaIommu) {
            platform.iommu(m.dev());
        }
        if (m.failed() || m.phys().isEmpty()) {
            skip(m.failed() ? "failed-map" : "map-without-phys");
            return;
        }
        long phys = m.phys().getAsLong();
        Op.MapKind kind = switch (m.api()) {
            case PHYS -> Op.MapKind.PHYS;
            case PAGE -> Op.MapKind.PAGE;
            case RESOURCE -> Op.MapKind.RESOURCE;
        };
        boolean mmio = kind == Op.MapKind.RESOURCE || DmaAttrs.has(m.attrs(), DmaAttrs.MMIO);
        if (mmio) {
            platform.mmio(phys, m.size());
        } else {
            platform.ram(phys, m.size());
        }
        if (!viaIommu && !mmio && platform.isBouncedDevice(m.dev(), phys, m.dmaAddr())) {
            platform.bounceSlot(m.dmaAddr(), m.size());
        }
        String h = handle("m");
        step(new Op.MapSingle(h, DeviceId.of(m.dev()), kind, phys, m.size(), m.dir(), m.attrs()),
                Unsigned.hex(m.dmaAddr()));
        singles.computeIfAbsent(key(m.dev(), m.dmaAddr()), k -> new ArrayDeque<>())
                .push(new Mapped(h, kind, m.dmaAddr(), m.size(), null));
    }

    private void singleUnmap(KernelEvent.SingleUnmap u) {
        String k = key(u.dev(), u.dmaAddr());
        Deque<Mapped> live = singles.get(k);
        Op.MapKind kind = u.api() == KernelEvent.SingleApi.RESOURCE ? Op.MapKind.RESOURCE
                : u.api() == KernelEvent.SingleApi.PAGE ? Op.MapKind.PAGE : Op.MapKind.PHYS;
        String handle;
        if (live != null && !live.isEmpty()) {
            Mapped m = live.pop();
            handle = m.handle;
            if (u.api() == KernelEvent.SingleApi.PHYS && m.kind != Op.MapKind.PAGE) {
                kind = m.kind;
            }
            released.put(k, handle);
        } else if (released.containsKey(k)) {
            handle = released.get(k); // the driver unmaps the same address twice
        } else {
            skip("unmap-of-unknown-address");
            return;
        }
        step(new Op.UnmapSingle(handle, kind, 0, u.size(), u.dir(), u.attrs()), null);
    }

    private void singleSync(KernelEvent.SingleSync s) {
        for (Deque<Mapped> live : singles.values()) {
            for (Mapped m : live) {
                if (singles.get(key(s.dev(), m.dma)) == live && Unsigned.le(m.dma, s.dmaAddr())
                        && Unsigned.lt(s.dmaAddr(), m.dma + m.size)) {
                    step(new Op.SyncSingle(m.handle, s.forDevice(), s.dmaAddr() - m.dma, s.size(), s.dir()), null);
                    return;
                }
            }
        }
        skip("sync-of-unknown-address");
    }

    private void sgMap(KernelEvent.SgMap m, boolean viaIommu) {
        platform.device(m.dev());
        if (viaIommu) {
            platform.iommu(m.dev());
        }
        if (m.phys().isEmpty() || m.truncated()) {
            skip(m.truncated() ? "truncated-sg" : "sg-without-phys");
            return;
        }
        List<Scatterlist.Chunk> chunks = chunks(m);
        chunks.forEach(c -> platform.ram(c.phys(), c.length()));
        String h = handle("s");
        step(new Op.MapSg(h, DeviceId.of(m.dev()), chunks, m.dir(), m.attrs()), Integer.toString(m.dmaAddrs().size()));
        sgs.add(new Mapped(h, null, m.dmaAddrs().isEmpty() ? 0 : m.dmaAddrs().get(0), 0, m));
    }

    /**
     * The CPU entries' lengths: the DMA sizes when nothing was merged; otherwise each merged entry is
     * taken to run to its granule boundary and the last one gets the rest (iommu_dma_map_sg merges
     * only at granule boundaries).
     */
    private static List<Scatterlist.Chunk> chunks(KernelEvent.SgMap m) {
        List<Scatterlist.Chunk> out = new ArrayList<>();
        List<Long> phys = m.phys();
        if (m.sizes().size() == phys.size()) {
            for (int i = 0; i < phys.size(); i++) {
                out.add(new Scatterlist.Chunk(phys.get(i), Math.max(1, m.sizes().get(i))));
            }
            return out;
        }
        long remaining = m.sizes().stream().mapToLong(Long::longValue).sum();
        for (int i = 0; i < phys.size(); i++) {
            long left = phys.size() - 1 - i;
            long len = i == phys.size() - 1 ? remaining
                    : Math.min(GRANULE - (phys.get(i) & (GRANULE - 1)), remaining - left);
            len = Math.max(1, len);
            out.add(new Scatterlist.Chunk(phys.get(i), len));
            remaining -= len;
        }
        return out;
    }

    private void sgUnmap(KernelEvent.SgUnmap u) {
        Mapped m = sgs.stream().filter(x -> x.sg.dev().equals(u.dev()) && !u.phys().isEmpty()
                && x.sg.phys().get(0).equals(u.phys().get(0))).findFirst().orElse(null);
        if (m == null) {
            skip("unmap-of-unknown-list");
            return;
        }
        sgs.remove(m);
        step(new Op.UnmapSg(m.handle, u.nents(), u.dir(), u.attrs()), null);
    }

    private void alloc(KernelEvent.Alloc a) {
        platform.device(a.dev());
        if (a.api() != KernelEvent.AllocApi.COHERENT || a.failed()) {
            skip(a.failed() ? "failed-alloc" : "alloc-" + a.api().name().toLowerCase());
            return;
        }
        String h = handle("c");
        coherent.put(key(a.dev(), a.dmaAddr()), h);
        step(new Op.AllocCoherent(h, DeviceId.of(a.dev()), a.size(), a.attrs()), Unsigned.hex(a.dmaAddr()));
    }

    private void free(KernelEvent.Free f) {
        if (f.noOp() || f.api() != KernelEvent.AllocApi.COHERENT) {
            return;
        }
        String h = coherent.remove(key(f.dev(), f.dmaAddr()));
        if (h == null) {
            skip("free-of-unknown-address");
            return;
        }
        step(new Op.FreeCoherent(h, f.attrs()), null);
    }

    private void twoStep(KernelEvent e) {
        if (e instanceof KernelEvent.IovaTryAlloc t) {
            platform.iommu(t.dev());
            platform.ram(t.phys(), 1);
            if (t.ok().isPresent() && !t.ok().get()) {
                skip("failed-iova-try-alloc");
                return;
            }
            String h = handle("st");
            states.put(t.state(), h);
            step(new Op.IovaTryAlloc(h, DeviceId.of(t.dev()), t.phys(), t.size()), "true");
            return;
        }
        long state = stateOf(e);
        String h = states.get(state);
        if (h == null) {
            skip("iova-call-without-try-alloc");
            return;
        }
        if (e instanceof KernelEvent.IovaLink l) {
            platform.ram(l.phys(), l.size());
            step(new Op.IovaLink(h, l.phys(), l.offset(), l.size(), l.dir(), l.attrs()),
                    l.ret().isPresent() ? Long.toString(l.ret().getAsLong()) : null);
        } else if (e instanceof KernelEvent.IovaSync s) {
            step(new Op.IovaSync(h, s.offset(), s.size()), null);
        } else if (e instanceof KernelEvent.IovaUnlink u) {
            step(new Op.IovaUnlink(h, u.offset(), u.size(), u.dir(), u.attrs()), null);
        } else if (e instanceof KernelEvent.IovaDestroy d) {
            step(new Op.IovaDestroy(h, d.mappedLen(), d.dir(), d.attrs()), null);
            states.remove(state);
        } else if (e instanceof KernelEvent.IovaFree f) {
            step(new Op.IovaFree(h), null);
            states.remove(state);
        }
    }

    private static long stateOf(KernelEvent e) {
        if (e instanceof KernelEvent.IovaLink l) {
            return l.state();
        }
        if (e instanceof KernelEvent.IovaSync s) {
            return s.state();
        }
        if (e instanceof KernelEvent.IovaUnlink u) {
            return u.state();
        }
        if (e instanceof KernelEvent.IovaDestroy d) {
            return d.state();
        }
        if (e instanceof KernelEvent.IovaFree f) {
            return f.state();
        }
        return 0; // gaps: nothing to replay
    }
}
