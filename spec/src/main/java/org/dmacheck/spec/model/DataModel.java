package org.dmacheck.spec.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.DmaAttrs;
import org.dmacheck.spec.platform.MemoryRegion;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.platform.RegionKind;
import org.dmacheck.spec.platform.Unsigned;

/**
 * What each side must see: the bytes a CPU load must return ({@link #cpu()}), and per live mapping
 * the bytes the device must read through it ({@link Track#device()}). The rules are the DMA API's
 * ownership rules (§4.6 copy matrix, §10.1 D5/D6), phrased so that they hold for every correct
 * engine — bounced or not, coherent or not:
 *
 * <ul>
 *   <li><b>copy in</b> (map, link, {@code sync_for_device} with TO_DEVICE/BIDIRECTIONAL): the device
 *       view of the range becomes what the CPU expects there;</li>
 *   <li><b>copy out</b> ({@code sync_for_cpu} or unmap with FROM_DEVICE/BIDIRECTIONAL): bytes the
 *       device wrote become what the CPU expects; bytes the CPU wrote meanwhile become unknown (a
 *       bounce copy-back or a cache invalidate may undo them); every other byte keeps its value —
 *       the device did not write it, so the CPU must not see anything new there (CVE-2022-0854);</li>
 *   <li>a device write makes its bytes unknown to the CPU until the copy out, and known to the device
 *       through the same mapping at once; a CPU write to a mapped byte makes it unknown to the device
 *       until the next copy in.</li>
 * </ul>
 * Unknown bytes are never judged. Fresh System RAM is expected to read as zero.
 */
public final class DataModel {
    /** Per live mapping: the device's expected view and the bytes a copy out must move or drop. */
    public static final class Track {
        private final ByteMap device = ByteMap.unknownByDefault();
        /** What the device wrote through this mapping since the last copy in. */
        private final ByteMap pending = ByteMap.unknownByDefault();
        private final RangeSet cpuDirty = new RangeSet();
        private final List<IntervalIndex.Entry<Track>> indexed = new ArrayList<>();
        private boolean judged;
        private Mapping mapping;

        Track(Mapping mapping, boolean judged) {
            this.mapping = mapping;
            this.judged = judged;
        }

        /** The device's expected view, keyed by the CPU address each device byte stands for. */
        public ByteMap device() {
            return device;
        }

        /**
         * Whether data through this mapping is judged at all: false when two of its pieces cover the
         * same CPU bytes (a bounced copy of one would not see the other's writes).
         */
        public boolean judged() {
            return judged;
        }

        public Mapping mapping() {
            return mapping;
        }
    }

    private final Platform platform;
    private final ByteMap cpu;
    private final Map<String, Track> tracks = new HashMap<>();
    private final IntervalIndex<Track> byPhys = new IntervalIndex<>();

    public DataModel(Platform platform) {
        this.platform = platform;
        this.cpu = new ByteMap(this::ramIsZero);
    }

    /** What a CPU load must return. */
    public ByteMap cpu() {
        return cpu;
    }

    /** The track of the live mapping {@code handle}, or null. */
    public Track track(String handle) {
        return tracks.get(handle);
    }

    private long ramIsZero(long addr, long maxLen) {
        MemoryRegion r = platform.regionOf(addr);
        if (r == null) {
            return -1;
        }
        long n = Unsigned.min(maxLen, r.last() - addr + 1);
        return r.kind() == RegionKind.SYSTEM_RAM ? n : -n;
    }

    private DeviceConfig device(Mapping m) {
        return platform.device(m.dev());
    }

    // ---- mapping lifecycle ------------------------------------------------------------------------

    /** A new mapping (or a two-step state with no links yet) starts; its pieces are copied in. */
    void start(Mapping m, long step) {
        boolean coherentAlloc = m instanceof Mapping.Coherent;
        Track t = new Track(m, !aliased(m.pieces()));
        tracks.put(m.handle(), t);
        if (coherentAlloc) {
            // dma_alloc_coherent memory is zeroed (I5); the rest of its last page is the engine's
            // (dma_direct_alloc zeroes PAGE_ALIGN(size), another engine need not): unknown from now
            Mapping.Coherent c = (Mapping.Coherent) m;
            long size = c.buffer().size();
            cpu.put(c.buffer().cpuPhys(), new byte[(int) Math.min(size, Integer.MAX_VALUE - 8)], step);
            long tail = Unsigned.alignUp(size, platform.config().pageSize()) - size;
            if (tail != 0) {
                cpu.forget(c.buffer().cpuPhys() + size, tail, step);
            }
        }
        index(t, m.pieces());
        copyIn(t, m.pieces(), attrsOf(m), step);
    }

    /** A two-step state gained a link (pieces) or lost one; {@code m} is its new value. */
    void relink(Mapping.Iova m, List<Piece> added, long attrs, long step) {
        Track t = tracks.get(m.handle());
        if (t == null) {
            return;
        }
        t.mapping = m;
        if (aliased(m.pieces())) {
            t.judged = false;
        }
        index(t, added);
        copyIn(t, added, attrs, step);
    }

    /** Ends the mapping, copying out {@code pieces} as an unmap does (unless {@code skipCpuSync}). */
    void finish(Mapping m, List<Piece> pieces, boolean skipCpuSync, long step) {
        Track t = tracks.remove(m.handle());
        if (t == null) {
            return;
        }
        copyOut(t, pieces, skipCpuSync, step);
        for (IntervalIndex.Entry<Track> e : t.indexed) {
            byPhys.remove(e);
        }
    }

    /** Ends part of a two-step state (an unlink): copies the pieces out and stops tracking them. */
    void unlink(Mapping.Iova m, List<Piece> pieces, boolean skipCpuSync, long step) {
        Track t = tracks.get(m.handle());
        if (t == null) {
            return;
        }
        copyOut(t, pieces, skipCpuSync, step);
        for (Piece p : pieces) {
            t.device.forget(p.phys(), p.length(), step);
        }
        t.mapping = m;
    }

    /**
     * A misused call touched the mapping: the engine may have released it, copied in either
     * direction or not at all. Everything it covers becomes unknown and it is no longer tracked.
     */
    void abandon(String handle, long step) {
        Track t = tracks.remove(handle);
        if (t == null) {
            return;
        }
        for (Piece p : t.mapping.pieces()) {
            cpu.forget(p.phys(), p.length(), step);
        }
        for (IntervalIndex.Entry<Track> e : t.indexed) {
            byPhys.remove(e);
        }
    }

    /** The CPU bytes a mapping covers become unknown (an abandoned mapping was finally released). */
    void forgetCpu(Mapping m, long step) {
        for (Piece p : m.pieces()) {
            cpu.forget(p.phys(), p.length(), step);
        }
    }

    // ---- syncs ------------------------------------------------------------------------------------

    /** {@code sync_for_device} over {@code pieces} with direction {@code dir}. */
    void syncForDevice(String handle, List<Piece> pieces, Direction dir, long step) {
        Track t = tracks.get(handle);
        if (t != null && dir.deviceMayRead()) {
            copyIn(t, pieces, 0, step);
        }
    }

    /** {@code sync_for_cpu} over {@code pieces} with direction {@code dir}. */
    void syncForCpu(String handle, List<Piece> pieces, Direction dir, long step) {
        Track t = tracks.get(handle);
        if (t != null && dir.deviceMayWrite()) {
            copyOut(t, pieces, false, step);
        }
    }

    // ---- accesses ---------------------------------------------------------------------------------

    /** The CPU wrote {@code data} at {@code phys}. */
    void cpuWrite(long phys, byte[] data, long step) {
        cpu.put(phys, data, step);
        long last = phys + data.length - 1;
        long line = platform.config().cacheLineSize();
        long lineStart = Unsigned.alignDown(phys, line);
        long lineLast = Unsigned.alignUp(last + 1, line) - 1;
        for (IntervalIndex.Entry<Track> e : byPhys.overlapping(lineStart, lineLast)) {
            Track t = e.value();
            boolean nonCoherent = !device(t.mapping).coherent();
            long s = Unsigned.max(e.start(), phys);
            long l = Unsigned.min(e.last(), last);
            if (Unsigned.le(s, l)) {
                if (t.mapping instanceof Mapping.Coherent && t.judged) {
                    t.device.put(s, slice(data, s - phys, l - s + 1), step);
                } else {
                    t.device.forget(s, l - s + 1, step);
                    t.cpuDirty.add(s, l - s + 1);
                }
            }
            if (nonCoherent) {
                // a dirty line shared with the mapping may be written back over device data at any
                // later clean (N3): the device's view of the whole line is at risk too
                long ds = Unsigned.max(e.start(), lineStart);
                long dl = Unsigned.min(e.last(), lineLast);
                t.cpuDirty.add(ds, dl - ds + 1);
                if (!(t.mapping instanceof Mapping.Coherent)) {
                    t.device.forget(ds, dl - ds + 1, step);
                }
            }
        }
    }

    /** The device wrote {@code data} through {@code handle}; {@code pieces} are where it landed. */
    void deviceWrite(String handle, List<Piece> pieces, long firstOffset, byte[] data, long step) {
        Track t = tracks.get(handle);
        if (t == null) {
            return;
        }
        boolean immediate = t.mapping instanceof Mapping.Coherent && t.judged;
        for (Piece p : pieces) {
            byte[] bytes = slice(data, p.segmentOffset() - firstOffset, p.length());
            t.device.put(p.phys(), bytes, step);
            if (!device(t.mapping).coherent() && !immediate) {
                // device bytes in a line the CPU dirtied since the last clean may be overwritten by it
                for (long[] d : t.cpuDirty.intersect(p.phys(), p.length())) {
                    t.device.forget(d[0], d[1] - d[0] + 1, step);
                }
            }
            if (immediate) {
                cpu.put(p.phys(), bytes, step);
            } else {
                cpu.forget(p.phys(), p.length(), step);
                // kept for every direction (a copy out moves only what the direction lets the device
                // write): a copy in may revert it in the device's view too (lineNeighbours)
                t.pending.put(p.phys(), bytes, step);
            }
            for (IntervalIndex.Entry<Track> e : byPhys.overlapping(p.phys(), p.physLast())) {
                Track other = e.value();
                if (other == t) {
                    continue;
                }
                long s = Unsigned.max(e.start(), p.phys());
                long l = Unsigned.min(e.last(), p.physLast());
                other.device.forget(s, l - s + 1, step);
                other.pending.clear(s, l - s + 1); // its own device write is no longer the latest
                other.cpuDirty.add(s, l - s + 1);
            }
        }
    }

    // ---- the two rules ----------------------------------------------------------------------------

    private void copyIn(Track t, List<Piece> pieces, long attrs, long step) {
        boolean nonCoherent = !device(t.mapping).coherent();
        boolean noMaintenance = DmaAttrs.has(attrs, DmaAttrs.SKIP_CPU_SYNC) || DmaAttrs.has(attrs, DmaAttrs.MMIO);
        for (Piece p : pieces) {
            MemoryRegion r = platform.regionOf(p.phys());
            boolean cacheable = r != null && r.kind().cacheable();
            if (nonCoherent && noMaintenance && cacheable) {
                // no clean: the device may read stale memory, and a later invalidate may drop CPU data
                t.device.forget(p.phys(), p.length(), step);
                t.cpuDirty.add(p.phys(), p.length());
            } else {
                t.device.copyFrom(cpu, p.phys(), p.length(), step);
                t.cpuDirty.remove(p.phys(), p.length());
                // what the device wrote before is superseded (a bounce slot is refilled from the CPU's
                // side, whose view of those bytes is still unknown)
                t.pending.clear(p.phys(), p.length());
                if (nonCoherent) {
                    lineNeighbours(t, p, step);
                }
            }
        }
    }

    /**
     * A copy in on a non-coherent device may be a bounce copy: CPU stores into the slot's cache lines,
     * which still hold what the CPU last saw there, then a clean of whole lines. Device writes next to
     * the range in those lines (up to a line away: the slot's line alignment is the engine's) are
     * reverted in memory (N3, §13 H43: a redundant sync_for_device is legal); they become unknown,
     * to the device and to the CPU's next copy out — whatever the direction (a device that writes
     * through a TO_DEVICE mapping without an IOMMU is not stopped).
     */
    private void lineNeighbours(Track t, Piece p, long step) {
        long reach = platform.config().cacheLineSize() - 1;
        List<long[]> sides = new ArrayList<>();
        if (p.phys() != 0) {
            sides.add(new long[] {Unsigned.lt(p.phys(), reach) ? 0 : p.phys() - reach, p.phys() - 1});
        }
        if (p.physLast() != Unsigned.MAX) {
            long last = Unsigned.lt(Unsigned.MAX - reach, p.physLast()) ? Unsigned.MAX : p.physLast() + reach;
            sides.add(new long[] {p.physLast() + 1, last});
        }
        for (long[] side : sides) {
            long len = side[1] - side[0] + 1;
            for (ByteMap.Run r : t.pending.runs(side[0], len)) {
                if (r.known()) {
                    t.cpuDirty.add(r.start(), r.length());
                    t.device.forget(r.start(), r.length(), step);
                }
            }
            t.pending.clear(side[0], len);
        }
    }

    private void copyOut(Track t, List<Piece> pieces, boolean skipCpuSync, long step) {
        if (t.mapping instanceof Mapping.Coherent && t.judged) {
            return;
        }
        for (Piece p : pieces) {
            if (!p.dir().deviceMayWrite()) {
                continue;
            }
            if (!t.judged) {
                // aliased pieces: whichever copy lands last wins
                cpu.forget(p.phys(), p.length(), step);
                continue;
            }
            for (ByteMap.Run r : t.pending.runs(p.phys(), p.length())) {
                if (!r.known()) {
                    continue;
                }
                if (skipCpuSync) {
                    cpu.forget(r.start(), r.length(), step);
                } else {
                    cpu.put(r.start(), r.data(), step);
                }
            }
            t.pending.clear(p.phys(), p.length());
            // bytes that changed on the CPU side since the last copy in, other than through this mapping,
            // may be reverted by this copy (a bounce slot still holds the old bytes); they stay at risk
            // for every later copy out until a copy in refreshes the mapping's view
            for (long[] d : t.cpuDirty.intersect(p.phys(), p.length())) {
                cpu.forget(d[0], d[1] - d[0] + 1, step);
            }
        }
    }

    private void index(Track t, List<Piece> pieces) {
        for (Piece p : pieces) {
            t.indexed.add(byPhys.add(p.phys(), p.physLast(), t));
        }
    }

    private static long attrsOf(Mapping m) {
        if (m instanceof Mapping.Single s) {
            return s.attrs() | (s.kind() == org.dmacheck.spec.op.Op.MapKind.RESOURCE ? DmaAttrs.MMIO : 0);
        } else if (m instanceof Mapping.Sg g) {
            return g.attrs();
        }
        return 0;
    }

    private static boolean aliased(List<Piece> pieces) {
        IntervalIndex<Piece> seen = new IntervalIndex<>();
        for (Piece p : pieces) {
            if (!seen.overlapping(p.phys(), p.physLast()).isEmpty()) {
                return true;
            }
            seen.add(p.phys(), p.physLast(), p);
        }
        return false;
    }

    private static byte[] slice(byte[] data, long from, long len) {
        byte[] out = new byte[(int) len];
        System.arraycopy(data, (int) from, out, 0, (int) len);
        return out;
    }
}
