package org.dmacheck.spec.platform;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The simulated hardware of one IOMMU domain: a page table of granule-sized {@link IommuPte}s and an
 * IOTLB that caches the translations device accesses use. The IOTLB keeps an entry until the engine
 * invalidates it ({@link #iotlbSync}, {@link #flushIotlbAll}); clearing a PTE does not touch it, so a
 * device keeps reaching unmapped memory through a stale entry — exactly the window strict and lazy
 * invalidation are about.
 *
 * <p>Besides the {@link IommuHw} face an engine programs, the class offers read-only observation for
 * invariants: live and pending PTE counts, PTEs in a range, IOTLB contents and flush counters. Every
 * operation costs O(granules touched × log n); nothing scans the whole table. Each change of a
 * translation is recorded in the platform's {@link Touched}: the PTEs written, made visible or
 * cleared, and the IOTLB entries an invalidation drops while they disagree with the page table
 * (kept as a set of stale granules, so that even {@link #flushIotlbAll} names only those).
 */
public final class IommuDomainModel implements IommuHw {
    // Kernel errno numbers (same as org.dmacheck.spec.api.Errno; platform must not depend on api).
    private static final int EINVAL = 22;
    private static final int EEXIST = 17;

    private final DomainConfig config;
    private final List<IovaRange> reserved;
    private final long granule;
    private final Consumer<String> log;
    private final TreeMap<Long, IommuPte> ptes = new TreeMap<>(Long::compareUnsigned);
    private final TreeMap<Long, IommuPte> iotlb = new TreeMap<>(Long::compareUnsigned);
    /** Granules whose IOTLB entry differs from what a page-table walk would give now. */
    private final TreeSet<Long> stale = new TreeSet<>(Long::compareUnsigned);
    private final Touched touched;
    private long pending;
    private long iotlbSyncs;
    private long flushAlls;

    IommuDomainModel(DomainConfig config, List<IovaRange> reserved, Consumer<String> log, Touched touched) {
        this.config = config;
        this.reserved = List.copyOf(reserved);
        this.granule = config.granule();
        this.log = log;
        this.touched = touched;
    }

    @Override
    public DomainConfig config() {
        return config;
    }

    /**
     * The domain's reserved regions, sorted by start: its configured ones, the x86 MSI window when the
     * platform has one, a host-bridge window per P2P BAR and MMIO resource (its bus addresses), and
     * the ranges outside the aperture.
     */
    @Override
    public List<IovaRange> reservedRegions() {
        return reserved;
    }

    @Override
    public int map(long iova, long phys, long size, int prot) {
        return install(iova, phys, size, prot, false);
    }

    @Override
    public int mapNoSync(long iova, long phys, long size, int prot) {
        return install(iova, phys, size, prot, true);
    }

    /** Makes pending PTEs overlapping {@code [iova, iova+size)} visible to the device; always 0. */
    @Override
    public int syncMap(long iova, long size) {
        if (size == 0 || pending == 0) {
            return 0;
        }
        for (IommuPte pte : new ArrayList<>(range(ptes, iova, size).values())) {
            if (pte.pending()) {
                ptes.put(pte.iova(), new IommuPte(pte.iova(), pte.phys(), pte.prot(), false));
                pending--;
                restale(pte.iova());
                touchGranule(pte.iova(), "iommu_sync_map");
            }
        }
        return 0;
    }

    /**
     * Clears PTEs from {@code iova} on, granule by granule, stopping at the first unmapped one.
     * Misaligned arguments unmap nothing (as {@code iommu_unmap} does after its {@code pr_err}).
     */
    @Override
    public long unmap(long iova, long size) {
        if (!config.type().usesDmaIommu()) {
            log.accept("iommu_unmap: domain " + config.id() + " is " + config.type() + ", not a paging domain");
            return 0;
        }
        if (((iova | size) & (granule - 1)) != 0 || size == 0) {
            log.accept("iommu_unmap: unaligned: iova " + Unsigned.hex(iova) + " size " + Unsigned.hex(size)
                    + " min_pagesz " + Unsigned.hex(granule));
            return 0;
        }
        long unmapped = 0;
        long g = iova;
        while (Unsigned.lt(unmapped, size)) {
            IommuPte pte = ptes.remove(g);
            if (pte == null) {
                break;
            }
            if (pte.pending()) {
                pending--;
            }
            restale(g);
            unmapped += granule;
            g += granule;
            if (g == 0) {
                break;
            }
        }
        if (unmapped != 0) {
            touched.iova(config.id(), iova, iova + unmapped - 1, "iommu_unmap");
        }
        return unmapped;
    }

    /** Drops cached translations of the granules overlapping {@code [iova, iova+size)}. */
    @Override
    public void iotlbSync(long iova, long size) {
        iotlbSyncs++;
        if (size != 0) {
            range(iotlb, iova, size).clear();
            long last = Unsigned.fits(iova, size) ? iova + size - 1 : Unsigned.MAX;
            dropStale(stale.subSet(Unsigned.alignDown(iova, granule), true, last, true), "iotlb_sync");
        }
    }

    @Override
    public void flushIotlbAll() {
        flushAlls++;
        iotlb.clear();
        dropStale(stale, "flush_iotlb_all");
    }

    /** The physical address a PTE (live or pending) maps {@code iova} to, or 0. */
    @Override
    public long iovaToPhys(long iova) {
        IommuPte pte = ptes.get(Unsigned.alignDown(iova, granule));
        return pte == null ? 0 : pte.translate(iova);
    }

    /** The granule size {@code G}. */
    public long granule() {
        return granule;
    }

    /** PTEs in the page table, pending ones included. */
    public long livePteCount() {
        return ptes.size();
    }

    /** PTEs written by {@link #mapNoSync} and not yet covered by {@link #syncMap}. */
    public long pendingPteCount() {
        return pending;
    }

    /** The PTE covering {@code iova}, if any. */
    public Optional<IommuPte> pte(long iova) {
        return Optional.ofNullable(ptes.get(Unsigned.alignDown(iova, granule)));
    }

    /** The PTEs of the granules overlapping {@code [iova, iova+size)}, in IOVA order (read-only view). */
    public Collection<IommuPte> ptes(long iova, long size) {
        return size == 0 ? List.of() : Collections.unmodifiableCollection(range(ptes, iova, size).values());
    }

    /** Every PTE, in IOVA order (read-only view). */
    public Collection<IommuPte> ptes() {
        return Collections.unmodifiableCollection(ptes.values());
    }

    /** Number of cached translations. */
    public long iotlbEntryCount() {
        return iotlb.size();
    }

    /** The cached translation of {@code iova}'s granule, if any (possibly stale). */
    public Optional<IommuPte> iotlbEntry(long iova) {
        return Optional.ofNullable(iotlb.get(Unsigned.alignDown(iova, granule)));
    }

    /** Every cached translation, in IOVA order (read-only view). */
    public Collection<IommuPte> iotlbEntries() {
        return Collections.unmodifiableCollection(iotlb.values());
    }

    /** How many times {@link #iotlbSync} was called. */
    public long iotlbSyncCount() {
        return iotlbSyncs;
    }

    /** How many times {@link #flushIotlbAll} was called. */
    public long flushAllCount() {
        return flushAlls;
    }

    /**
     * A device access to {@code iova}: the IOTLB first, then a page-table walk of a visible PTE;
     * {@code fill} caches what the walk found (a real access does, a probe does not).
     */
    Resolution translate(long iova, boolean write, boolean fill) {
        long g = Unsigned.alignDown(iova, granule);
        IommuPte pte = iotlb.get(g);
        Resolution.Route route = Resolution.Route.IOTLB;
        if (pte == null) {
            pte = ptes.get(g);
            route = Resolution.Route.PAGE_TABLE;
            if (pte == null) {
                return new Resolution.Unreachable("no PTE for iova " + Unsigned.hex(g) + " in domain " + config.id());
            }
            if (pte.pending()) {
                return new Resolution.Unreachable("PTE for iova " + Unsigned.hex(g) + " in domain " + config.id()
                        + " not yet synced (iommu_sync_map missing)");
            }
            if (fill) {
                iotlb.put(g, pte);
                stale.remove(g);
            }
        }
        if (write ? !pte.writable() : !pte.readable()) {
            return new Resolution.Unreachable((write ? "write" : "read") + " denied by " + route
                    + " entry " + pte + " in domain " + config.id());
        }
        return new Resolution.Reached(pte.translate(iova), route, pte.prot());
    }

    private int install(long iova, long phys, long size, int prot, boolean pendingSync) {
        String what = (pendingSync ? "iommu_map_nosync" : "iommu_map") + ": domain " + config.id();
        if (!config.type().usesDmaIommu()) {
            log.accept(what + " is " + config.type() + ", not a paging domain");
            return -EINVAL;
        }
        if (((iova | phys | size) & (granule - 1)) != 0 || size == 0) {
            log.accept(what + ": unaligned: iova " + Unsigned.hex(iova) + " pa " + Unsigned.hex(phys)
                    + " size " + Unsigned.hex(size) + " min_pagesz " + Unsigned.hex(granule));
            return -EINVAL;
        }
        if (!Unsigned.fits(iova, size) || !Unsigned.fits(phys, size)
                || Unsigned.lt(iova, config.apertureStart()) || Unsigned.lt(config.apertureEnd(), iova + size - 1)) {
            log.accept(what + ": iova " + Unsigned.hex(iova) + " size " + Unsigned.hex(size)
                    + " outside aperture [" + Unsigned.hex(config.apertureStart()) + "-"
                    + Unsigned.hex(config.apertureEnd()) + "]");
            return -EINVAL;
        }
        Map<Long, IommuPte> existing = range(ptes, iova, size);
        if (!existing.isEmpty()) {
            log.accept(what + ": iova " + Unsigned.hex(iova) + " size " + Unsigned.hex(size)
                    + " overwrites live PTE " + existing.values().iterator().next());
            return -EEXIST;
        }
        for (long off = 0; Unsigned.lt(off, size); off += granule) {
            ptes.put(iova + off, new IommuPte(iova + off, phys + off, prot, pendingSync));
            restale(iova + off);
        }
        if (pendingSync) {
            pending += Long.divideUnsigned(size, granule);
        }
        touched.iova(config.id(), iova, iova + size - 1, pendingSync ? "iommu_map_nosync" : "iommu_map");
        return 0;
    }

    /** Keeps {@link #stale} right for granule {@code g} after its PTE changed. */
    private void restale(long g) {
        IommuPte cached = iotlb.get(g);
        if (cached != null && !cached.equals(ptes.get(g))) {
            stale.add(g);
        } else {
            stale.remove(g);
        }
    }

    /** The stale entries just invalidated changed translations: record them, and forget them. */
    private void dropStale(SortedSet<Long> dropped, String by) {
        for (long g : dropped) {
            touchGranule(g, by);
        }
        dropped.clear();
    }

    private void touchGranule(long g, String by) {
        touched.iova(config.id(), g, g + granule - 1, by);
    }

    /** The entries of {@code map} whose granules overlap {@code [iova, iova+size)} (size != 0). */
    private NavigableMap<Long, IommuPte> range(NavigableMap<Long, IommuPte> map, long iova, long size) {
        long last = Unsigned.fits(iova, size) ? iova + size - 1 : Unsigned.MAX;
        return map.subMap(Unsigned.alignDown(iova, granule), true, last, true);
    }
}
