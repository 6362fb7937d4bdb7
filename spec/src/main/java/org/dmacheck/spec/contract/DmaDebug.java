package org.dmacheck.spec.contract;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.DmaAttrs;
import org.dmacheck.spec.violation.Evidence;

/**
 * The driver-contract checker: {@code kernel/dma/debug.c}, one check for one. Feed it the DMA-API
 * calls a driver made, in order; each call returns the violations it shows (empty when the call
 * keeps the contract) and updates the books exactly as the matching {@code debug_dma_*} hook does —
 * an unmap or free removes the entry it found even when it reports errors.
 *
 * <p>Not thread-safe. Violations are returned in debug.c's print order.
 */
public final class DmaDebug {
    /** {@code DMA_MAPPING_ERROR}. */
    public static final long DMA_MAPPING_ERROR = -1L;
    /** {@code DMA_ATTR_UNMAP_VALID} (check_unmap): the attributes an unmap must repeat (U9). */
    public static final long UNMAP_VALID_ATTRS = DmaAttrs.NO_KERNEL_MAPPING | DmaAttrs.FORCE_CONTIGUOUS
            | DmaAttrs.MMIO | DmaAttrs.REQUIRE_COHERENT | DmaAttrs.PRIVILEGED | DmaAttrs.CC_SHARED;
    private static final long CACHE_CLEAN_ATTRS = DmaAttrs.DEBUGGING_IGNORE_CACHELINES | DmaAttrs.REQUIRE_COHERENT;

    private final Function<DeviceId, Optional<DeviceConfig>> devices;
    private final DmaDebugOptions options;
    private final EntryStore store = new EntryStore();
    private final CachelineTracker cachelines;
    private boolean warnedOverlapLimit;
    private long seq;

    /**
     * @param devices the device limits for the sg checks (M5, M6); a device it has no config for
     *                is not judged by them
     * @param options the kernel configuration to mirror
     */
    public DmaDebug(Function<DeviceId, Optional<DeviceConfig>> devices, DmaDebugOptions options) {
        this.devices = devices;
        this.options = options;
        this.cachelines = new CachelineTracker(options.l1CacheShift());
    }

    /** A checker without device limits (M5 and M6 never fire), e.g. for a kernel trace. */
    public static DmaDebug withoutDeviceLimits(DmaDebugOptions options) {
        return new DmaDebug(dev -> Optional.empty(), options);
    }

    /** Any event: dispatches to the method for its kind. */
    public List<ContractViolation> apply(ContractEvent e) {
        if (e instanceof ContractEvent.MapSingle m) {
            return map(m);
        } else if (e instanceof ContractEvent.UnmapSingle u) {
            return unmap(u);
        } else if (e instanceof ContractEvent.MapSg m) {
            return map(m);
        } else if (e instanceof ContractEvent.UnmapSg u) {
            return unmap(u);
        } else if (e instanceof ContractEvent.Alloc a) {
            return alloc(a);
        } else if (e instanceof ContractEvent.Free f) {
            return free(f);
        } else if (e instanceof ContractEvent.SyncSingle s) {
            return sync(s);
        } else if (e instanceof ContractEvent.SyncSg s) {
            return sync(s);
        } else if (e instanceof ContractEvent.MappingErrorChecked c) {
            mappingErrorChecked(c.dev(), c.devAddr());
            return List.of();
        } else if (e instanceof ContractEvent.Unbind u) {
            return unbind(u);
        }
        throw new IllegalArgumentException("unknown contract event " + e);
    }

    // ---- map / alloc ------------------------------------------------------------------------------

    /** {@code debug_dma_map_phys()}: books a successful single mapping (M7, M8). */
    public List<ContractViolation> map(ContractEvent.MapSingle m) {
        List<ContractViolation> out = new ArrayList<>();
        if (m.devAddr() == DMA_MAPPING_ERROR) {
            return out; // failed maps are not booked
        }
        DebugEntry.MapErr err = options.judgeMapErrorChecks() ? DebugEntry.MapErr.NOT_CHECKED
                : DebugEntry.MapErr.CHECK_NOT_APPLICABLE;
        add(new DebugEntry(m.dev(), m.devAddr(), m.size(), m.type(), m.dir(), 0, 0, m.paddr(), 0, err, m.attrs(),
                m.at(), ++seq), m.at(), out);
        return out;
    }

    /** {@code debug_dma_map_sg()}: books each of the first {@code mappedEnts} entries (M5, M6, M7, M8). */
    public List<ContractViolation> map(ContractEvent.MapSg m) {
        List<ContractViolation> out = new ArrayList<>();
        Optional<DeviceConfig> limits = devices.apply(m.dev());
        for (int i = 0; i < m.mappedEnts(); i++) {
            SgEntry s = m.entries().get(i);
            DebugEntry e = new DebugEntry(m.dev(), s.dmaAddress(), s.dmaLength(), EntryType.SG, m.dir(), m.nents(),
                    m.mappedEnts(), s.phys(), 0, DebugEntry.MapErr.CHECK_NOT_APPLICABLE, m.attrs(), m.at(), ++seq);
            limits.ifPresent(c -> checkSgSegment(c, s, m, out));
            add(e, m.at(), out);
        }
        return out;
    }

    /** {@code debug_dma_alloc_coherent()} / {@code debug_dma_alloc_pages()}: books an allocation (M7, M8). */
    public List<ContractViolation> alloc(ContractEvent.Alloc a) {
        List<ContractViolation> out = new ArrayList<>();
        Direction dir = a.type() == EntryType.COHERENT ? Direction.BIDIRECTIONAL : a.dir();
        add(new DebugEntry(a.dev(), a.devAddr(), a.size(), a.type(), dir, 0, 0, a.paddr(), a.cpuAddr(),
                DebugEntry.MapErr.CHECK_NOT_APPLICABLE, a.attrs(), a.at(), ++seq), a.at(), out);
        return out;
    }

    /** {@code check_sg_segment()}: M5 and M6 for list entry {@code s}. */
    private static void checkSgSegment(DeviceConfig c, SgEntry s, ContractEvent.MapSg m, List<ContractViolation> out) {
        long maxSeg = c.maxSegSize();
        if (Long.compareUnsigned(s.length(), maxSeg) > 0) {
            out.add(violation(Check.M5, m.at(), m.dev(), Location.NONE,
                    Evidence.count("len", s.length()), Evidence.count("max", maxSeg)));
        }
        long start = s.dmaAddress();
        long end = start + s.dmaLength() - 1;
        long boundary = c.segBoundaryMask();
        if (((start ^ end) & ~boundary) != 0) {
            out.add(violation(Check.M6, m.at(), m.dev(), Location.NONE,
                    Evidence.addr("start", start), Evidence.addr("end", end), Evidence.addr("boundary", boundary)));
        }
    }

    /** {@code add_dma_entry()}: books {@code e}, then tracks its first cache line (M8 before M7, as printed). */
    private void add(DebugEntry e, Location at, List<ContractViolation> out) {
        store.add(e);
        if (!CachelineTracker.tracks(e)) {
            return;
        }
        CachelineTracker.Insert r = cachelines.insert(e);
        if (!r.exists()) {
            return;
        }
        boolean newClean = (e.attrs() & CACHE_CLEAN_ATTRS) != 0;
        if (r.overflowed() && !newClean && !warnedOverlapLimit) {
            warnedOverlapLimit = true; // WARN_ONCE
            out.add(violation(Check.M8, at, e.dev(), e.mappedAt(), Evidence.addr("cacheline", r.cacheline())));
        }
        boolean bothClean = newClean && (r.first().attrs() & CACHE_CLEAN_ATTRS) != 0;
        if (!DmaAttrs.has(e.attrs(), DmaAttrs.SKIP_CPU_SYNC) && !bothClean
                && options.dmaCacheAlignment() >= options.l1CacheBytes() && !options.bounceUnalignedKmalloc()) {
            out.add(violation(Check.M7, at, e.dev(), e.mappedAt(), Evidence.addr("device address", e.devAddr()),
                    Evidence.addr("cacheline", r.cacheline()),
                    Evidence.addr("overlaps device address", r.first().devAddr()),
                    new Evidence("overlaps mapping at", r.first().mappedAt().toString())));
        }
    }

    // ---- unmap / free -----------------------------------------------------------------------------

    /** {@code debug_dma_unmap_phys()}: {@code check_unmap()} (U1–U4, U7–U9). */
    public List<ContractViolation> unmap(ContractEvent.UnmapSingle u) {
        List<ContractViolation> out = new ArrayList<>();
        checkUnmap(u.at(), u.dev(), u.devAddr(), new EntryStore.Ref(u.size(), u.type(), u.dir(), 0), 0, u.attrs(), out);
        return out;
    }

    /**
     * {@code debug_dma_unmap_sg()}: {@code check_unmap()} for each entry up to the mapped count
     * booked with the first one (every passed entry when the first is unknown).
     */
    public List<ContractViolation> unmap(ContractEvent.UnmapSg u) {
        List<ContractViolation> out = new ArrayList<>();
        int mapped = 0;
        for (int i = 0; i < u.nents(); i++) {
            if (mapped != 0 && i >= mapped) {
                break;
            }
            SgEntry s = u.entries().get(i);
            EntryStore.Ref ref = new EntryStore.Ref(s.dmaLength(), EntryType.SG, u.dir(), u.nents());
            if (i == 0) {
                mapped = nrMappedEntries(u.dev(), s.dmaAddress(), ref);
            }
            checkUnmap(u.at(), u.dev(), s.dmaAddress(), ref, 0, u.attrs(), out);
        }
        return out;
    }

    /** {@code debug_dma_free_coherent()} / {@code debug_dma_free_pages()}: {@code check_unmap()} (U2–U5, U7, U9). */
    public List<ContractViolation> free(ContractEvent.Free f) {
        List<ContractViolation> out = new ArrayList<>();
        Direction dir = f.type() == EntryType.COHERENT ? Direction.BIDIRECTIONAL : f.dir();
        checkUnmap(f.at(), f.dev(), f.devAddr(), new EntryStore.Ref(f.size(), f.type(), dir, 0), f.cpuAddr(),
                f.attrs(), out);
        return out;
    }

    /**
     * The entry an unmap of {@code devAddr} with these arguments would release, if any
     * ({@code bucket_find_exact()}); for callers that keep their own books next to these.
     */
    public Optional<DebugEntry> unmapTarget(DeviceId dev, long devAddr, long size, EntryType type, Direction dir,
                                            int sgCallEnts) {
        return Optional.ofNullable(store.findExact(dev, devAddr, new EntryStore.Ref(size, type, dir, sgCallEnts)));
    }

    private void checkUnmap(Location at, DeviceId dev, long devAddr, EntryStore.Ref ref, long cpuAddr, long attrs,
                            List<ContractViolation> out) {
        DebugEntry e = store.findExact(dev, devAddr, ref);
        if (e == null) {
            if (devAddr == DMA_MAPPING_ERROR) {
                out.add(violation(Check.U1, at, dev, Location.NONE));
            } else {
                out.add(violation(Check.U2, at, dev, Location.NONE, address(devAddr), size(ref.size())));
            }
            return;
        }
        Location mappedAt = e.mappedAt();
        if (ref.size() != e.size()) {
            out.add(violation(Check.U3, at, dev, mappedAt, address(devAddr), Evidence.bytes("map size", e.size()),
                    Evidence.bytes("unmap size", ref.size())));
        }
        if (ref.type() != e.type()) {
            out.add(violation(Check.U4, at, dev, mappedAt, address(devAddr), size(ref.size()),
                    Evidence.phrase("mapped as", e.type().printed()),
                    Evidence.phrase("unmapped as", ref.type().printed())));
        } else if (e.type().isAllocation() && cpuAddr != e.cpuAddr()) {
            out.add(violation(Check.U5, at, dev, mappedAt, address(devAddr), size(ref.size()),
                    Evidence.addr("cpu alloc address", e.cpuAddr()), Evidence.addr("cpu free address", cpuAddr)));
        }
        if (ref.sgCallEnts() != 0 && ref.type() == EntryType.SG && ref.sgCallEnts() != e.sgCallEnts()) {
            out.add(violation(Check.U6, at, dev, mappedAt, Evidence.count("map count", e.sgCallEnts()),
                    Evidence.count("unmap count", ref.sgCallEnts())));
        }
        if (ref.direction() != e.direction()) {
            out.add(violation(Check.U7, at, dev, mappedAt, address(devAddr), size(ref.size()),
                    direction("mapped with", e.direction()), direction("unmapped with", ref.direction())));
        }
        if (e.mapErr() == DebugEntry.MapErr.NOT_CHECKED) {
            out.add(violation(Check.U8, at, dev, mappedAt, address(devAddr), size(ref.size()),
                    Evidence.phrase("mapped as", e.type().printed())));
        }
        if ((attrs & UNMAP_VALID_ATTRS) != (e.attrs() & UNMAP_VALID_ATTRS)) {
            out.add(violation(Check.U9, at, dev, mappedAt, address(devAddr), size(ref.size()),
                    attrs("mapped with", e.attrs()), attrs("unmapped with", attrs)));
        }
        store.remove(e);
        if (CachelineTracker.tracks(e)) {
            cachelines.remove(e);
        }
    }

    /** {@code get_nr_mapped_entries()}: the mapped count booked with a list's first entry, or 0. */
    private int nrMappedEntries(DeviceId dev, long devAddr, EntryStore.Ref ref) {
        DebugEntry first = store.findExact(dev, devAddr, ref);
        return first == null ? 0 : first.sgMappedEnts();
    }

    // ---- sync -------------------------------------------------------------------------------------

    /** {@code debug_dma_sync_single_for_cpu/_for_device()}: {@code check_sync()} (S1–S5). */
    public List<ContractViolation> sync(ContractEvent.SyncSingle s) {
        List<ContractViolation> out = new ArrayList<>();
        checkSync(s.at(), s.dev(), s.devAddr(), new EntryStore.Ref(s.size(), EntryType.SINGLE, s.dir(), 0), s.forCpu(),
                out);
        return out;
    }

    /**
     * {@code debug_dma_sync_sg_for_cpu/_for_device()}: {@code check_sync()} for each entry up to the
     * mapped count booked with the first one; nothing at all when the first is unknown (S1–S6).
     */
    public List<ContractViolation> sync(ContractEvent.SyncSg s) {
        List<ContractViolation> out = new ArrayList<>();
        int mapped = 0;
        for (int i = 0; i < s.nents(); i++) {
            SgEntry e = s.entries().get(i);
            EntryStore.Ref ref = new EntryStore.Ref(e.dmaLength(), EntryType.SG, s.dir(), s.nents());
            if (i == 0) {
                mapped = nrMappedEntries(s.dev(), e.dmaAddress(), ref);
            }
            if (i >= mapped) {
                break;
            }
            checkSync(s.at(), s.dev(), e.dmaAddress(), ref, s.forCpu(), out);
        }
        return out;
    }

    private void checkSync(Location at, DeviceId dev, long devAddr, EntryStore.Ref ref, boolean forCpu,
                           List<ContractViolation> out) {
        DebugEntry e = store.findContaining(dev, devAddr, ref);
        if (e == null) {
            out.add(violation(Check.S1, at, dev, Location.NONE, address(devAddr), size(ref.size())));
            return;
        }
        Location mappedAt = e.mappedAt();
        if (Long.compareUnsigned(ref.size(), e.size()) > 0) {
            out.add(violation(Check.S2, at, dev, mappedAt, address(e.devAddr()),
                    Evidence.bytes("allocation size", e.size()),
                    Evidence.text("sync offset+size", Long.toUnsignedString(ref.size()))));
        }
        if (e.direction() == Direction.BIDIRECTIONAL) {
            return;
        }
        Evidence[] ev = {address(devAddr), size(e.size()), direction("mapped with", e.direction()),
            direction("synced with", ref.direction())};
        if (ref.direction() != e.direction()) {
            out.add(violation(Check.S3, at, dev, mappedAt, ev));
        }
        if (forCpu && e.direction() != Direction.FROM_DEVICE && ref.direction() != Direction.TO_DEVICE) {
            out.add(violation(Check.S4, at, dev, mappedAt, ev));
        }
        if (!forCpu && e.direction() != Direction.TO_DEVICE && ref.direction() != Direction.FROM_DEVICE) {
            out.add(violation(Check.S5, at, dev, mappedAt, ev));
        }
        if (ref.sgCallEnts() != 0 && ref.type() == EntryType.SG && ref.sgCallEnts() != e.sgCallEnts()) {
            out.add(violation(Check.S6, at, dev, mappedAt, Evidence.count("map count", e.sgCallEnts()),
                    Evidence.count("sync count", ref.sgCallEnts())));
        }
    }

    // ---- map error, unbind, queries ---------------------------------------------------------------

    /** {@code debug_dma_mapping_error()}: the first unchecked entry at {@code (dev, devAddr)} becomes checked. */
    public void mappingErrorChecked(DeviceId dev, long devAddr) {
        for (DebugEntry e : store.at(dev, devAddr)) {
            if (e.mapErr() == DebugEntry.MapErr.NOT_CHECKED) {
                store.replace(e, e.withMapErr(DebugEntry.MapErr.CHECKED));
                return;
            }
        }
    }

    /**
     * {@code dma_debug_device_change(BUS_NOTIFY_UNBOUND_DRIVER)}: L1 when entries of the device are
     * left, naming the one debug.c's bucket scan meets last. The entries stay booked.
     */
    public List<ContractViolation> unbind(ContractEvent.Unbind u) {
        List<DebugEntry> left = store.all(u.dev());
        if (left.isEmpty()) {
            return List.of();
        }
        DebugEntry last = left.stream().max(Comparator
                .comparingLong((DebugEntry e) -> (e.devAddr() >>> EntryStore.HASH_FN_SHIFT) % EntryStore.HASH_SIZE)
                .thenComparingLong(DebugEntry::seq)).orElseThrow();
        return List.of(violation(Check.L1, u.at(), u.dev(), last.mappedAt(), Evidence.count("count", left.size()),
                address(last.devAddr()), size(last.size()), direction("mapped with", last.direction()),
                Evidence.phrase("mapped as", last.type().printed())));
    }

    /** The live entries of {@code dev}, in address order. */
    public List<DebugEntry> entries(DeviceId dev) {
        return store.all(dev);
    }

    /** The live entries of {@code dev} starting at {@code devAddr}, in booking order: what {@code bucket_find_exact()} picks from. */
    public List<DebugEntry> entriesAt(DeviceId dev, long devAddr) {
        return List.copyOf(store.at(dev, devAddr));
    }

    /**
     * The live entries of {@code dev} holding {@code [devAddr, devAddr+size)}: what
     * {@code bucket_find_contain()} picks from. O(log n) plus the entries starting within the
     * longest entry's size below {@code devAddr}.
     */
    public List<DebugEntry> entriesHolding(DeviceId dev, long devAddr, long size) {
        return store.holding(dev, devAddr, size);
    }

    /**
     * {@code containing_match()} in u64 as debug.c computes it: the entry starts at or below the
     * range and its end is at or above the range's end, both ends wrapping past 2^64 as they do
     * there (a range whose end wraps is held by an entry whose end wraps at least as far).
     */
    public static boolean containingMatch(long entryAddr, long entrySize, long addr, long size) {
        return Long.compareUnsigned(entryAddr, addr) <= 0 && Long.compareUnsigned(addr + size, entryAddr + entrySize) <= 0;
    }

    /** Every live entry, by device and address. */
    public List<DebugEntry> entries() {
        return store.all();
    }

    // ---- evidence in debug.c's formats ------------------------------------------------------------

    private static ContractViolation violation(Check c, Location at, DeviceId dev, Location mappedAt, Evidence... ev) {
        return new ContractViolation(c, at, dev, List.of(ev), mappedAt);
    }

    /** {@code [device address=0x%016llx]}. */
    private static Evidence address(long devAddr) {
        return Evidence.addr("device address", devAddr);
    }

    /** {@code [size=%llu bytes]}. */
    private static Evidence size(long size) {
        return Evidence.bytes("size", size);
    }

    /** {@code [mapped with 0x%lx]}. */
    private static Evidence attrs(String key, long attrs) {
        return Evidence.phrase(key, "0x" + Long.toHexString(attrs));
    }

    /** {@code dir2name[]}: {@code [mapped with DMA_FROM_DEVICE]}. */
    private static Evidence direction(String key, Direction d) {
        return Evidence.phrase(key, "DMA_" + d.name());
    }
}
