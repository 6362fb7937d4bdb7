package org.dmacheck.gen.dma;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.driver.Binding;
import org.dmacheck.spec.driver.Executed;
import org.dmacheck.spec.driver.OpResult;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DomainConfig;
import org.dmacheck.spec.platform.MemoryRegion;
import org.dmacheck.spec.platform.P2pMapType;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.platform.PlatformConfig;
import org.dmacheck.spec.platform.RegionKind;
import org.dmacheck.spec.platform.Unsigned;

/**
 * The model an operation sequence is generated against: the running system
 * ({@link DmaModelState}) plus what a careful driver keeps besides its handles — which buffers are
 * free to reuse or to fill before mapping, which mappings the CPU owns after a
 * {@code sync_for_cpu}, which two-step states are synced, and recently released mappings (for
 * misuse: double unmaps). {@link #apply} executes a step and updates all of it, so generation
 * interleaves with execution. Mutable and single-use: one per generated sequence.
 */
public final class SequenceState {
    /** How many released mappings are remembered for double unmaps. */
    private static final int RELEASED_MEMORY = 8;
    /** Marks a whole scatterlist as CPU-owned. */
    private static final long[] WHOLE = {0, -1};

    private final DmaModelState target;
    private final Platform platform;
    private final PlatformConfig config;
    private final List<DeviceConfig> iovaDevices = new ArrayList<>();
    private final List<MemoryRegion> bars = new ArrayList<>();
    private final List<Resource> resources = new ArrayList<>();
    private int serial;

    private final List<Buffer> pending = new ArrayList<>();
    private final List<Buffer> free = new ArrayList<>();
    private final Map<String, List<Buffer>> held = new HashMap<>();
    private final Map<String, long[]> cpuOwned = new HashMap<>();
    private final Set<String> synced = new HashSet<>();
    private final List<Op.UnmapUnknown> released = new ArrayList<>();

    private Map<String, Binding> byHandle = Map.of();
    private final List<Binding.Single> singles = new ArrayList<>();
    private final List<Binding.Single> usableSingles = new ArrayList<>();
    private final List<Binding.Sg> sgs = new ArrayList<>();
    private final List<Binding.Sg> usableSgs = new ArrayList<>();
    private final List<Binding.Iova> linkable = new ArrayList<>();
    private final List<Binding.Iova> linked = new ArrayList<>();
    private final List<Binding.Iova> destroyable = new ArrayList<>();
    private final List<Binding.Iova> freeable = new ArrayList<>();
    private final List<Binding.Coherent> coherents = new ArrayList<>();
    private final List<Binding> deviceOwned = new ArrayList<>();
    private final List<Buffer> cpuOwnedMemory = new ArrayList<>();

    /**
     * A (device, region) pair a driver may map with {@code dma_map_resource} or
     * {@code dma_map_phys(DMA_ATTR_MMIO)}: an MMIO resource, or a peer BAR the device can reach.
     */
    record Resource(DeviceConfig dev, MemoryRegion region) {
    }

    SequenceState(DmaModelState target) {
        this.target = target;
        this.platform = target.platform();
        this.config = platform.config();
        for (DeviceConfig d : config.devices()) {
            DomainConfig dom = domainOf(d);
            if (dom != null && dom.type().usesDmaIommu()) {
                iovaDevices.add(d);
            }
        }
        for (MemoryRegion r : config.regions()) {
            if (r.kind() == RegionKind.P2P_BAR) {
                bars.add(r);
            }
        }
        for (DeviceConfig d : config.devices()) {
            for (MemoryRegion r : config.regions()) {
                boolean mmio = r.kind() == RegionKind.MMIO;
                boolean reachableBar = r.kind() == RegionKind.P2P_BAR
                        && platform.p2pMapType(r.owner(), d.id()).type() != P2pMapType.NOT_SUPPORTED;
                if (mmio || reachableBar) {
                    resources.add(new Resource(d, r));
                }
            }
        }
        byHandle = indexBindings();
        refresh();
    }

    /**
     * Executes {@code op} through the target and updates the model; returns this state (the
     * {@code update} of every command).
     */
    public SequenceState apply(Op op) {
        Map<String, Binding> before = byHandle;
        Executed e = target.execute(op);
        byHandle = indexBindings();
        String bound = boundHandle(op);
        if (!pending.isEmpty()) {
            if (bound != null && byHandle.containsKey(bound)) {
                held.computeIfAbsent(bound, h -> new ArrayList<>()).addAll(pending);
            } else {
                pending.stream().filter(Buffer::ram).forEach(free::add);
            }
            pending.clear();
        }
        if (!e.isMisuse()) {
            ownership(op, e.result());
        }
        for (String h : e.released()) {
            release(h, before.get(h));
        }
        refresh();
        return this;
    }

    private void ownership(Op op, OpResult result) {
        if (op instanceof Op.SyncSingle s) {
            long[] cpu = cpuOwned.get(s.handle());
            if (!s.forDevice()) {
                cpuOwned.put(s.handle(), new long[] {s.offset(), s.size()});
            } else if (cpu != null && Unsigned.le(s.offset(), cpu[0])
                    && Unsigned.le(cpu[0] + cpu[1], s.offset() + s.size())) {
                cpuOwned.remove(s.handle());
            }
        } else if (op instanceof Op.SyncSg s) {
            if (s.forDevice()) {
                cpuOwned.remove(s.handle());
            } else {
                cpuOwned.put(s.handle(), WHOLE);
            }
        } else if (op instanceof Op.IovaLink l && result instanceof OpResult.Status st && !st.failed()) {
            synced.remove(l.handle());
        } else if (op instanceof Op.IovaSync s && result instanceof OpResult.Status st && !st.failed()) {
            synced.add(s.handle());
        }
    }

    private void release(String handle, Binding was) {
        List<Buffer> buffers = held.remove(handle);
        if (buffers != null) {
            buffers.stream().filter(Buffer::ram).forEach(free::add);
        }
        cpuOwned.remove(handle);
        synced.remove(handle);
        if (was instanceof Binding.Single s) {
            if (released.size() == RELEASED_MEMORY) {
                released.remove(0);
            }
            released.add(new Op.UnmapUnknown(s.dev(), s.kind(), s.dmaAddr(), s.size(), s.dir(), s.attrs()));
        }
    }

    private static String boundHandle(Op op) {
        if (op instanceof Op.MapSingle m) {
            return m.handle();
        } else if (op instanceof Op.MapSg m) {
            return m.handle();
        } else if (op instanceof Op.IovaTryAlloc t) {
            return t.handle();
        } else if (op instanceof Op.IovaLink l) {
            return l.handle();
        } else if (op instanceof Op.AllocCoherent a) {
            return a.handle();
        }
        return null;
    }

    private Map<String, Binding> indexBindings() {
        Map<String, Binding> m = new HashMap<>();
        for (Binding b : target.bindings()) {
            m.put(b.handle(), b);
        }
        return m;
    }

    /** Rebuilds the per-kind views of the live bindings, oldest first. */
    private void refresh() {
        singles.clear();
        usableSingles.clear();
        sgs.clear();
        usableSgs.clear();
        linkable.clear();
        linked.clear();
        destroyable.clear();
        freeable.clear();
        coherents.clear();
        deviceOwned.clear();
        cpuOwnedMemory.clear();
        for (Binding b : target.bindings()) {
            classify(b);
        }
        cpuOwnedMemory.addAll(free);
    }

    private void classify(Binding b) {
        boolean cpu = cpuOwned.containsKey(b.handle());
        if (b instanceof Binding.Single s) {
            singles.add(s);
            if (!s.misused()) {
                usableSingles.add(s);
                long[] range = cpuOwned.get(s.handle());
                if (range != null) {
                    addCpuMemory(s.phys() + range[0], range[1]);
                }
            }
        } else if (b instanceof Binding.Sg g) {
            sgs.add(g);
            if (!g.misused()) {
                usableSgs.add(g);
                if (cpu) {
                    for (int i = 0; i < g.nents(); i++) {
                        Scatterlist.Entry e = g.sgl().get(i);
                        addCpuMemory(e.phys(), e.length());
                    }
                }
            }
        } else if (b instanceof Binding.Iova v) {
            long end = linkedEnd(v.links());
            boolean usable = v.state().inUse() && !v.misused();
            if (usable && Unsigned.lt(end, v.state().size())) {
                linkable.add(v);
            }
            if (usable && !v.links().isEmpty()) {
                linked.add(v);
            }
            // a state whose try_alloc failed is not released by the driver: it mapped with dma_map_* instead
            if (v.state().inUse() && tiledLength(v.links()) >= 0) {
                destroyable.add(v);
            }
            if (v.state().inUse() && v.links().isEmpty()) {
                freeable.add(v);
            }
        } else if (b instanceof Binding.Coherent c) {
            coherents.add(c);
            if (!c.misused()) {
                cpuOwnedMemory.add(new Buffer(c.buffer().cpuPhys(), c.buffer().size(), RegionKind.SYSTEM_RAM));
            }
        }
        boolean deviceMay = !b.misused() && !cpu && !b.targets().isEmpty()
                && (!(b instanceof Binding.Iova) || synced.contains(b.handle()));
        if (deviceMay) {
            deviceOwned.add(b);
        }
    }

    private void addCpuMemory(long phys, long len) {
        MemoryRegion r = platform.regionOf(phys);
        if (len > 0 && r != null && r.kind() == RegionKind.SYSTEM_RAM) {
            cpuOwnedMemory.add(new Buffer(phys, len, RegionKind.SYSTEM_RAM));
        }
    }

    /** The end of the highest link (0 without links). */
    static long linkedEnd(List<Binding.Link> links) {
        long end = 0;
        for (Binding.Link l : links) {
            end = Unsigned.max(end, l.end());
        }
        return end;
    }

    /** The length L when the links tile exactly {@code [0, L)} (0 for none), else -1. */
    static long tiledLength(List<Binding.Link> links) {
        long total = 0;
        for (Binding.Link l : links) {
            total += l.size();
        }
        return linkedEnd(links) == total && noOverlap(links) ? total : -1;
    }

    private static boolean noOverlap(List<Binding.Link> links) {
        for (int i = 0; i < links.size(); i++) {
            for (int j = i + 1; j < links.size(); j++) {
                Binding.Link a = links.get(i);
                Binding.Link b = links.get(j);
                if (Unsigned.lt(a.offset(), b.end()) && Unsigned.lt(b.offset(), a.end())) {
                    return false;
                }
            }
        }
        return true;
    }

    // ---- what generators read and take -------------------------------------------------------------

    boolean halted() {
        return target.halted();
    }

    Platform platform() {
        return platform;
    }

    PlatformConfig config() {
        return config;
    }

    /** A fresh handle name, e.g. {@code m3}. */
    String handle(String prefix) {
        return prefix + serial++;
    }

    /** The domain a device is attached to, or null. */
    DomainConfig domainOf(DeviceConfig d) {
        if (d.iommuDomain() == null) {
            return null;
        }
        for (DomainConfig dom : config.domains()) {
            if (dom.id().equals(d.iommuDomain())) {
                return dom;
            }
        }
        return null;
    }

    /** The granule of the device's dma-iommu domain, or PAGE_SIZE for every other device. */
    long granule(DeviceConfig d) {
        DomainConfig dom = domainOf(d);
        return dom != null && dom.type().usesDmaIommu() ? dom.granule() : config.pageSize();
    }

    /** Records that the step being generated maps {@code b}; returns it. */
    Buffer take(Buffer b) {
        pending.add(b);
        return b;
    }

    /** Takes the {@code k}-th free RAM buffer for reuse. */
    Buffer takeFree(int k) {
        return take(free.remove(k));
    }

    List<Buffer> free() {
        return Collections.unmodifiableList(free);
    }

    List<DeviceConfig> devices() {
        return config.devices();
    }

    List<DeviceConfig> iovaDevices() {
        return iovaDevices;
    }

    List<MemoryRegion> bars() {
        return bars;
    }

    List<Resource> resources() {
        return resources;
    }

    List<Binding.Single> singles() {
        return singles;
    }

    List<Binding.Single> usableSingles() {
        return usableSingles;
    }

    List<Binding.Sg> sgs() {
        return sgs;
    }

    List<Binding.Sg> usableSgs() {
        return usableSgs;
    }

    List<Binding.Iova> linkable() {
        return linkable;
    }

    List<Binding.Iova> linked() {
        return linked;
    }

    List<Binding.Iova> destroyable() {
        return destroyable;
    }

    List<Binding.Iova> freeable() {
        return freeable;
    }

    List<Binding.Coherent> coherents() {
        return coherents;
    }

    /** Live bindings the device may access now: not misused, not CPU-owned, two-step states synced. */
    List<Binding> deviceOwned() {
        return deviceOwned;
    }

    /** RAM the CPU may access now: CPU-owned mapped ranges, coherent buffers and free buffers. */
    List<Buffer> cpuOwnedMemory() {
        return cpuOwnedMemory;
    }

    /** Recently released single mappings, as the unmap that would release them again. */
    List<Op.UnmapUnknown> released() {
        return released;
    }

    @Override
    public String toString() {
        return "SequenceState{" + byHandle.size() + " live, " + free.size() + " free buffers}";
    }
}
