package org.dmacheck.spec.contract;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.DmaAttrs;
import org.dmacheck.spec.violation.Evidence;
import org.dmacheck.spec.violation.Violation;

/**
 * The driver-contract checks of {@code kernel/dma/debug.c} (§9), one for one, over a stream of
 * DMA-API events that does not depend on where they come from: the harness's driver (misuse mode,
 * see {@link ExecutedFeed}) or a recorded kernel trace. Bookkeeping is debug.c's: entries in 16384
 * hash buckets keyed by {@code dev_addr >> 13}; unmap looks up the exact {@code (dev, dev_addr)} in
 * the address's bucket with the best-fit rule (size, type, direction, sg entry count; a perfect fit
 * wins, several imperfect matches count as none); sync looks for an entry containing the range in
 * the address's bucket and then the lower ones; the active-cacheline tracker counts first-line
 * overlaps of device-writable mappings.
 *
 * <p>Each event returns the checks it broke as plain {@link Violation}s (kind = check id, e.g.
 * {@code U3}; step 0 — the caller pins it), worded as debug.c words them. Implemented: M5–M8,
 * U1–U8, S1–S6 and the unbind leak check. Not applicable here: M1–M4 (stack, text, vmalloc and
 * invalid-area checks need a kernel address space), M9 (allocation failure), U9 (attrs mismatch,
 * seen only in a development tree). Not thread-safe.
 */
public final class ContractChecker {
    static final int HASH_SIZE = 16384;
    static final int HASH_FN_SHIFT = 13;
    /** {@code ACTIVE_CACHELINE_MAX_OVERLAP}: three radix-tree tag bits. */
    static final int MAX_OVERLAP = 7;
    /** {@code DMA_ATTR_DEBUGGING_IGNORE_CACHELINES} (bit 11, ≈v7.0). */
    public static final long DEBUGGING_IGNORE_CACHELINES = 1L << 11;
    /** {@code DMA_ATTR_REQUIRE_COHERENT} (bit 12, ≈v7.0). */
    public static final long REQUIRE_COHERENT = 1L << 12;

    /** A device's sg limits, for M5/M6 ({@code CONFIG_DMA_API_DEBUG_SG}). */
    public record SegLimits(long maxSegSize, long segBoundaryMask) {
    }

    /**
     * @param cacheLineSize     {@code L1_CACHE_BYTES}, a power of two
     * @param limits            each device's sg limits; empty skips M5/M6 for that device (a trace
     *                          may not know them)
     * @param kmallocBounce     {@code CONFIG_DMA_BOUNCE_UNALIGNED_KMALLOC} with swiotlb active: M7
     *                          does not fire
     */
    public record Config(int cacheLineSize, Function<DeviceId, Optional<SegLimits>> limits, boolean kmallocBounce) {
        public static Config defaults() {
            return new Config(64, d -> Optional.empty(), false);
        }
    }

    private static final class Cacheline {
        final long attrs;
        int overlap;

        Cacheline(long attrs) {
            this.attrs = attrs;
        }
    }

    private final Config config;
    private final int lineShift;
    private final Map<Integer, List<DebugEntry>> buckets = new TreeMap<>();
    private final Map<Long, Cacheline> activeLines = new TreeMap<>(Long::compareUnsigned);
    private boolean overlapWarned;
    private int entries;

    public ContractChecker(Config config) {
        this.config = config;
        if (Integer.bitCount(config.cacheLineSize()) != 1) {
            throw new IllegalArgumentException("cache line size " + config.cacheLineSize() + " is not a power of two");
        }
        this.lineShift = Integer.numberOfTrailingZeros(config.cacheLineSize());
    }

    /** Live entries, all devices. */
    public int size() {
        return entries;
    }

    /** The live entries of {@code dev}, in bucket order (as debugfs {@code dump} lists them). */
    public List<DebugEntry> entries(DeviceId dev) {
        List<DebugEntry> out = new ArrayList<>();
        for (List<DebugEntry> b : buckets.values()) {
            for (DebugEntry e : b) {
                if (e.dev().equals(dev)) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    static int bucketOf(long devAddr) {
        return (int) ((devAddr >>> HASH_FN_SHIFT) & (HASH_SIZE - 1));
    }

    // ---- map side -----------------------------------------------------------------------------------

    /**
     * {@code debug_dma_map_phys}: a single mapping of {@code size} bytes of {@code paddr} that
     * returned {@code dmaAddr} (not registered when it is {@code DMA_MAPPING_ERROR}).
     */
    public List<Violation> mapPhys(DeviceId dev, long paddr, long size, Direction dir, long dmaAddr, long attrs) {
        if (dmaAddr == DmaEngine.DMA_MAPPING_ERROR) {
            return List.of();
        }
        List<Violation> out = new ArrayList<>();
        add(new DebugEntry(dev, dmaAddr, size, EntryType.PHY, dir, 0, 0, paddr, attrs, DebugEntry.MapErr.NOT_CHECKED),
                attrs, out);
        return out;
    }

    /**
     * {@code debug_dma_map_sg}: {@code entries} are the list's first {@code nents} slots after
     * {@code map_sg} returned {@code mappedEnts}; one entry is registered per mapped segment.
     */
    public List<Violation> mapSg(DeviceId dev, List<SgEntry> entries, int nents, int mappedEnts, Direction dir,
                                 long attrs) {
        List<Violation> out = new ArrayList<>();
        Optional<SegLimits> limits = config.limits().apply(dev);
        for (int i = 0; i < mappedEnts && i < entries.size(); i++) {
            SgEntry s = entries.get(i);
            DebugEntry e = new DebugEntry(dev, s.dmaAddr(), s.dmaLength(), EntryType.SCATTER_GATHER, dir, nents,
                    mappedEnts, s.paddr(), attrs, DebugEntry.MapErr.NOT_APPLICABLE);
            limits.ifPresent(l -> checkSgSegment(dev, s, l, out));
            add(e, attrs, out);
        }
        return out;
    }

    /** {@code debug_dma_alloc_coherent} of a successful {@code dma_alloc_attrs}. */
    public List<Violation> allocCoherent(DeviceId dev, long size, long dmaAddr, long paddr, long attrs) {
        List<Violation> out = new ArrayList<>();
        add(new DebugEntry(dev, dmaAddr, size, EntryType.COHERENT, Direction.BIDIRECTIONAL, 0, 0, paddr, attrs,
                DebugEntry.MapErr.NOT_APPLICABLE), attrs, out);
        return out;
    }

    /** {@code debug_dma_mapping_error}: marks the first unchecked exact match as checked. */
    public void mappingErrorChecked(DeviceId dev, long dmaAddr) {
        for (DebugEntry e : bucket(bucketOf(dmaAddr))) {
            if (e.dev().equals(dev) && e.devAddr() == dmaAddr && e.mapErr() == DebugEntry.MapErr.NOT_CHECKED) {
                e.mapErr(DebugEntry.MapErr.CHECKED);
                return;
            }
        }
    }

    /** {@code check_sg_segment}: M5 (CPU length, a debug.c quirk) and M6 (DMA segment across the boundary). */
    private void checkSgSegment(DeviceId dev, SgEntry s, SegLimits l, List<Violation> out) {
        if (Long.compareUnsigned(s.length(), l.maxSegSize()) > 0) {
            out.add(v("M5", dev, "mapping sg segment longer than device claims to support",
                    Evidence.count("len", s.length()), Evidence.count("max", l.maxSegSize())));
        }
        long start = s.dmaAddr();
        long end = start + s.dmaLength() - 1;
        if (((start ^ end) & ~l.segBoundaryMask()) != 0) {
            out.add(v("M6", dev, "mapping sg segment across boundary", Evidence.addr("start", start),
                    Evidence.addr("end", end), Evidence.addr("boundary", l.segBoundaryMask())));
        }
    }

    /** {@code add_dma_entry}: hash it, then track its first cache line (M7, M8). */
    private void add(DebugEntry e, long attrs, List<Violation> out) {
        buckets.computeIfAbsent(e.bucket(), k -> new ArrayList<>()).add(e);
        entries++;
        if (e.direction() == Direction.TO_DEVICE) {
            return; // the device does not write: no stale-data concern (active_cacheline_insert)
        }
        long cln = e.paddr() >>> lineShift;
        Cacheline line = activeLines.get(cln);
        if (line == null) {
            activeLines.put(cln, new Cacheline(attrs));
            return;
        }
        if (line.overlap < MAX_OVERLAP) {
            line.overlap++;
        } else if (!overlapWarned) {
            overlapWarned = true; // WARN_ONCE
            out.add(v("M8", e.dev(), "exceeded " + MAX_OVERLAP + " overlapping mappings of cacheline",
                    Evidence.hex("cacheline", cln)));
        }
        long both = DEBUGGING_IGNORE_CACHELINES | REQUIRE_COHERENT;
        boolean exempt = DmaAttrs.has(attrs, DmaAttrs.SKIP_CPU_SYNC)
                || ((attrs & both) != 0 && (line.attrs & both) != 0)
                || config.kmallocBounce();
        if (!exempt) {
            out.add(v("M7", e.dev(), "cacheline tracking EEXIST, overlapping mappings aren't supported",
                    Evidence.hex("cacheline", cln), Evidence.addr("device address", e.devAddr()),
                    Evidence.addr("phys", e.paddr())));
        }
    }

    // ---- unmap side ---------------------------------------------------------------------------------

    /** {@code debug_dma_unmap_phys}. */
    public List<Violation> unmapPhys(DeviceId dev, long dmaAddr, long size, Direction dir) {
        List<Violation> out = new ArrayList<>();
        checkUnmap(new DebugEntry(dev, dmaAddr, size, EntryType.PHY, dir, 0, 0, 0, 0, DebugEntry.MapErr.NOT_APPLICABLE),
                out);
        return out;
    }

    /** {@code debug_dma_free_coherent}: same size and CPU address as allocated. */
    public List<Violation> freeCoherent(DeviceId dev, long size, long dmaAddr, long paddr) {
        List<Violation> out = new ArrayList<>();
        checkUnmap(new DebugEntry(dev, dmaAddr, size, EntryType.COHERENT, Direction.BIDIRECTIONAL, 0, 0, paddr, 0,
                DebugEntry.MapErr.NOT_APPLICABLE), out);
        return out;
    }

    /**
     * {@code debug_dma_unmap_sg}: {@code entries} are the list's first {@code nelems} slots; the
     * mapped count is looked up from the first, and the loop stops there.
     */
    public List<Violation> unmapSg(DeviceId dev, List<SgEntry> entries, int nelems, Direction dir) {
        List<Violation> out = new ArrayList<>();
        int mappedEnts = 0;
        for (int i = 0; i < nelems && i < entries.size(); i++) {
            SgEntry s = entries.get(i);
            DebugEntry ref = new DebugEntry(dev, s.dmaAddr(), s.dmaLength(), EntryType.SCATTER_GATHER, dir, nelems, 0,
                    s.paddr(), 0, DebugEntry.MapErr.NOT_APPLICABLE);
            if (mappedEnts != 0 && i >= mappedEnts) {
                break;
            }
            if (i == 0) {
                DebugEntry first = findExact(ref);
                mappedEnts = first == null ? 0 : first.sgMappedEnts();
            }
            checkUnmap(ref, out);
        }
        return out;
    }

    /** {@code check_unmap}: U1–U8, then the entry is removed whatever was reported. */
    private void checkUnmap(DebugEntry ref, List<Violation> out) {
        DebugEntry e = findExact(ref);
        DeviceId dev = ref.dev();
        if (e == null) {
            if (ref.devAddr() == DmaEngine.DMA_MAPPING_ERROR) {
                out.add(v("U1", dev, "device driver tries to free an invalid DMA memory address"));
            } else {
                out.add(v("U2", dev, "device driver tries to free DMA memory it has not allocated",
                        Evidence.addr("device address", ref.devAddr()), Evidence.bytes("size", ref.size())));
            }
            return;
        }
        if (ref.size() != e.size()) {
            out.add(v("U3", dev, "device driver frees DMA memory with different size",
                    Evidence.addr("device address", ref.devAddr()), Evidence.bytes("map size", e.size()),
                    Evidence.bytes("unmap size", ref.size())));
        }
        if (ref.type() != e.type()) {
            out.add(v("U4", dev, "device driver frees DMA memory with wrong function",
                    Evidence.addr("device address", ref.devAddr()), Evidence.bytes("size", ref.size()),
                    Evidence.phrase("mapped as", e.type().debugName()), Evidence.phrase("unmapped as", ref.type().debugName())));
        } else if ((e.type() == EntryType.COHERENT || e.type() == EntryType.NONCOHERENT) && ref.paddr() != e.paddr()) {
            out.add(v("U5", dev, "device driver frees DMA memory with different CPU address",
                    Evidence.addr("device address", ref.devAddr()), Evidence.bytes("size", ref.size()),
                    Evidence.addr("cpu alloc address", e.paddr()), Evidence.addr("cpu free address", ref.paddr())));
        }
        if (ref.sgCallEnts() != 0 && ref.type() == EntryType.SCATTER_GATHER && ref.sgCallEnts() != e.sgCallEnts()) {
            out.add(v("U6", dev, "device driver frees DMA sg list with different entry count",
                    Evidence.count("map count", e.sgCallEnts()), Evidence.count("unmap count", ref.sgCallEnts())));
        }
        if (ref.direction() != e.direction()) {
            out.add(v("U7", dev, "device driver frees DMA memory with different direction",
                    Evidence.addr("device address", ref.devAddr()), Evidence.bytes("size", ref.size()),
                    Evidence.phrase("mapped with", dirName(e.direction())),
                    Evidence.phrase("unmapped with", dirName(ref.direction()))));
        }
        if (e.mapErr() == DebugEntry.MapErr.NOT_CHECKED) {
            out.add(v("U8", dev, "device driver failed to check map error",
                    Evidence.addr("device address", ref.devAddr()), Evidence.bytes("size", ref.size()),
                    Evidence.phrase("mapped as", e.type().debugName())));
        }
        remove(e);
    }

    private void remove(DebugEntry e) {
        List<DebugEntry> b = buckets.get(e.bucket());
        for (Iterator<DebugEntry> it = b.iterator(); it.hasNext(); ) {
            if (it.next() == e) {
                it.remove();
                break;
            }
        }
        if (b.isEmpty()) {
            buckets.remove(e.bucket());
        }
        entries--;
        if (e.direction() == Direction.TO_DEVICE) {
            return;
        }
        long cln = e.paddr() >>> lineShift;
        Cacheline line = activeLines.get(cln);
        if (line != null) {
            if (line.overlap == 0) {
                activeLines.remove(cln); // active_cacheline_dec_overlap() returned -1
            } else {
                line.overlap--;
            }
        }
    }

    // ---- sync side ----------------------------------------------------------------------------------

    /** {@code debug_dma_sync_single_for_cpu/device}; {@code dmaAddr} already includes a range offset. */
    public List<Violation> syncSingle(DeviceId dev, long dmaAddr, long size, Direction dir, boolean toCpu) {
        List<Violation> out = new ArrayList<>();
        checkSync(new DebugEntry(dev, dmaAddr, size, EntryType.SINGLE, dir, 0, 0, 0, 0, DebugEntry.MapErr.NOT_APPLICABLE),
                toCpu, out);
        return out;
    }

    /**
     * {@code debug_dma_sync_sg_for_cpu/device}: only the first mapped-count slots are checked, and
     * nothing at all when the first slot is unknown (the count then reads as 0).
     */
    public List<Violation> syncSg(DeviceId dev, List<SgEntry> entries, int nelems, Direction dir, boolean toCpu) {
        List<Violation> out = new ArrayList<>();
        int mappedEnts = 0;
        for (int i = 0; i < nelems && i < entries.size(); i++) {
            SgEntry s = entries.get(i);
            DebugEntry ref = new DebugEntry(dev, s.dmaAddr(), s.dmaLength(), EntryType.SCATTER_GATHER, dir, nelems, 0,
                    s.paddr(), 0, DebugEntry.MapErr.NOT_APPLICABLE);
            if (i == 0) {
                DebugEntry first = findExact(ref);
                mappedEnts = first == null ? 0 : first.sgMappedEnts();
            }
            if (i >= mappedEnts) {
                break;
            }
            checkSync(ref, toCpu, out);
        }
        return out;
    }

    /** {@code check_sync}: S1–S6. */
    private void checkSync(DebugEntry ref, boolean toCpu, List<Violation> out) {
        DebugEntry e = findContaining(ref);
        DeviceId dev = ref.dev();
        if (e == null) {
            out.add(v("S1", dev, "device driver tries to sync DMA memory it has not allocated",
                    Evidence.addr("device address", ref.devAddr()), Evidence.bytes("size", ref.size())));
            return;
        }
        if (Long.compareUnsigned(ref.size(), e.size()) > 0) {
            out.add(v("S2", dev, "device driver syncs DMA memory outside allocated range",
                    Evidence.addr("device address", e.devAddr()), Evidence.bytes("allocation size", e.size()),
                    Evidence.count("sync offset+size", ref.size())));
        }
        if (e.direction() == Direction.BIDIRECTIONAL) {
            return;
        }
        if (ref.direction() != e.direction()) {
            out.add(v("S3", dev, "device driver syncs DMA memory with different direction", syncEvidence(ref, e)));
        }
        if (toCpu && e.direction() != Direction.FROM_DEVICE && ref.direction() != Direction.TO_DEVICE) {
            out.add(v("S4", dev, "device driver syncs device read-only DMA memory for cpu", syncEvidence(ref, e)));
        }
        if (!toCpu && e.direction() != Direction.TO_DEVICE && ref.direction() != Direction.FROM_DEVICE) {
            out.add(v("S5", dev, "device driver syncs device write-only DMA memory to device", syncEvidence(ref, e)));
        }
        if (ref.sgCallEnts() != 0 && ref.type() == EntryType.SCATTER_GATHER && ref.sgCallEnts() != e.sgCallEnts()) {
            out.add(v("S6", dev, "device driver syncs DMA sg list with different entry count",
                    Evidence.count("map count", e.sgCallEnts()), Evidence.count("sync count", ref.sgCallEnts())));
        }
    }

    private static Evidence[] syncEvidence(DebugEntry ref, DebugEntry e) {
        return new Evidence[] {Evidence.addr("device address", ref.devAddr()), Evidence.bytes("size", e.size()),
            Evidence.phrase("mapped with", dirName(e.direction())), Evidence.phrase("synced with", dirName(ref.direction()))};
    }

    // ---- unbind -------------------------------------------------------------------------------------

    /**
     * {@code BUS_NOTIFY_UNBOUND_DRIVER}: entries the device still holds are leaks; the details are of
     * the last one found walking the buckets in order. Entries are kept.
     */
    public List<Violation> unbind(DeviceId dev) {
        int count = 0;
        DebugEntry last = null;
        for (List<DebugEntry> b : buckets.values()) {
            for (DebugEntry e : b) {
                if (e.dev().equals(dev)) {
                    count++;
                    last = e;
                }
            }
        }
        if (count == 0) {
            return List.of();
        }
        return List.of(v("LEAK", dev, "device driver has pending DMA allocations while released from device",
                Evidence.count("count", count), Evidence.addr("device address", last.devAddr()),
                Evidence.bytes("size", last.size()), Evidence.phrase("mapped with", dirName(last.direction())),
                Evidence.phrase("mapped as", last.type().debugName())));
    }

    // ---- lookups ------------------------------------------------------------------------------------

    private List<DebugEntry> bucket(int idx) {
        return buckets.getOrDefault(idx, List.of());
    }

    /** {@code bucket_find_exact}: same device and address, in the address's bucket, best fit. */
    private DebugEntry findExact(DebugEntry ref) {
        return bestFit(bucket(ref.bucket()), ref, false);
    }

    /**
     * {@code bucket_find_contain}: an entry of the device whose range contains the reference, in its
     * bucket or, failing that, the lower ones (as many as the address allows).
     */
    private DebugEntry findContaining(DebugEntry ref) {
        int limit = (int) Math.min(HASH_SIZE, (ref.devAddr() >>> HASH_FN_SHIFT) + 1);
        long addr = ref.devAddr();
        for (int i = 0; i < limit; i++) {
            DebugEntry e = bestFit(bucket(bucketOf(addr)), ref, true);
            if (e != null) {
                return e;
            }
            addr -= 1L << HASH_FN_SHIFT;
        }
        return null;
    }

    /** {@code __hash_bucket_find}: a perfect fit wins; otherwise the best one, but only if it is the only match. */
    private static DebugEntry bestFit(List<DebugEntry> bucket, DebugEntry ref, boolean containing) {
        DebugEntry ret = null;
        int matches = 0;
        int lastLevel = -1;
        for (DebugEntry e : bucket) {
            if (!(containing ? contains(e, ref) : exact(e, ref))) {
                continue;
            }
            matches++;
            int level = (e.size() == ref.size() ? 1 : 0) + (e.type() == ref.type() ? 1 : 0)
                    + (e.direction() == ref.direction() ? 1 : 0) + (e.sgCallEnts() == ref.sgCallEnts() ? 1 : 0);
            if (level == 4) {
                return e;
            }
            if (level > lastLevel) {
                lastLevel = level;
                ret = e;
            }
        }
        return matches == 1 ? ret : null;
    }

    private static boolean exact(DebugEntry e, DebugEntry ref) {
        return e.devAddr() == ref.devAddr() && e.dev().equals(ref.dev());
    }

    /** {@code containing_match}: same device, {@code e} covers {@code [ref.addr, ref.addr + ref.size)}. */
    private static boolean contains(DebugEntry e, DebugEntry ref) {
        return e.dev().equals(ref.dev()) && Long.compareUnsigned(e.devAddr(), ref.devAddr()) <= 0
                && Long.compareUnsigned(e.devAddr() + e.size(), ref.devAddr() + ref.size()) >= 0;
    }

    /** {@code dir2name[]}. */
    static String dirName(Direction d) {
        return "DMA_" + d.name();
    }

    private static Violation v(String check, DeviceId dev, String message, Evidence... evidence) {
        return new Violation(check, 0, dev, message, List.of(evidence));
    }
}
