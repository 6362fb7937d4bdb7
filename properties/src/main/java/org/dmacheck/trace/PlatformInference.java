package org.dmacheck.trace;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DomainConfig;
import org.dmacheck.spec.platform.IommuDomainType;
import org.dmacheck.spec.platform.MemoryRegion;
import org.dmacheck.spec.platform.PlatformConfig;
import org.dmacheck.spec.platform.Unsigned;

/**
 * A platform on which a recorded trace's calls can be replayed: its devices by name (masks from
 * {@code swiotlb_bounced}, forced bouncing, an IOMMU domain of its own when the trace shows the
 * IOMMU path), System RAM covering every physical address the calls touch (2 MiB-aligned clusters
 * plus 64 MiB of headroom for coherent allocations), MMIO for resource mappings, and a swiotlb pool
 * covering the bounce slots seen (at least the kernel's default 64 MiB).
 */
final class PlatformInference {
    private static final long CLUSTER = 2L << 20;
    private static final long MERGE_GAP = 16L << 20;
    private static final long DEFAULT_POOL = 64L << 20;
    private static final long HEADROOM = 64L << 20;
    private static final long PAGE = 4096;

    private final Map<String, DeviceConfig.Builder> devices = new LinkedHashMap<>();
    private final Map<String, Boolean> iommu = new LinkedHashMap<>();
    private final List<long[]> ram = new ArrayList<>();
    private final List<long[]> mmio = new ArrayList<>();
    private long bounceLo = -1;
    private long bounceHi;
    private boolean anyForced;
    private final java.util.Set<String> forcedDevices = new java.util.HashSet<>();

    void device(String name) {
        devices.computeIfAbsent(name, DeviceConfig::builder);
    }

    void bounced(String dev, long dmaMask, boolean forced) {
        device(dev);
        devices.get(dev).masks(dmaMask == 0 ? Unsigned.MAX : dmaMask);
        if (forced) {
            devices.get(dev).forceBounce(true);
            forcedDevices.add(dev);
            anyForced = true;
        }
    }

    void iommu(String dev) {
        device(dev);
        iommu.put(dev, true);
    }

    boolean isIommu(String dev) {
        return iommu.containsKey(dev);
    }

    void ram(long phys, long size) {
        ram.add(new long[] {phys, phys + Math.max(size, 1)});
    }

    void mmio(long phys, long size) {
        mmio.add(new long[] {Unsigned.alignDown(phys, PAGE), Unsigned.alignUp(phys + Math.max(size, 1), PAGE)});
    }

    /** Whether a direct-path map of {@code dev} returned a bounce slot rather than its own address. */
    boolean isBouncedDevice(String dev, long phys, long dma) {
        return forcedDevices.contains(dev) && dma != phys;
    }

    /** A direct-path bounce slot: the mapping's DMA address is its swiotlb pool address. */
    void bounceSlot(long dma, long size) {
        bounceLo = bounceLo == -1 ? dma : Unsigned.min(bounceLo, dma);
        bounceHi = Unsigned.max(bounceHi, dma + size);
    }

    PlatformConfig build() {
        List<MemoryRegion> regions = new ArrayList<>();
        TreeSet<long[]> taken = new TreeSet<>(Comparator.comparingLong((long[] r) -> r[0]));
        for (long[] c : clusters(mmio, PAGE, 0)) {
            regions.add(MemoryRegion.mmio(null, c[0], c[1] - c[0], 0));
            taken.add(c);
        }
        List<long[]> ramClusters = clusters(ram, CLUSTER, MERGE_GAP);
        TreeSet<long[]> occupied = new TreeSet<>(taken.comparator());
        occupied.addAll(taken);
        occupied.addAll(ramClusters);
        long[] pool = null;
        if (bounceLo != -1 || anyForced) {
            pool = bounceLo == -1 ? null
                    : new long[] {Unsigned.alignDown(bounceLo, CLUSTER), Unsigned.alignUp(bounceHi, CLUSTER)};
            if (pool == null || pool[1] - pool[0] < DEFAULT_POOL) {
                pool = pool == null ? freeSlot(occupied, DEFAULT_POOL) : grow(pool, occupied);
            }
            taken.add(pool);
        }
        for (long[] c : ramClusters) {
            for (long[] piece : minus(c, pool)) {
                regions.add(MemoryRegion.ram(piece[0], piece[1] - piece[0]));
                taken.add(piece);
            }
        }
        long[] spare = freeSlot(taken, HEADROOM);
        regions.add(MemoryRegion.ram(spare[0], HEADROOM));
        if (pool != null) {
            regions.add(MemoryRegion.swiotlb(pool[0], pool[1] - pool[0]));
        }
        regions.sort(Comparator.comparing(MemoryRegion::start, Long::compareUnsigned));
        List<DomainConfig> domains = new ArrayList<>();
        List<DeviceConfig> devs = new ArrayList<>();
        devices.forEach((name, b) -> {
            if (iommu.containsKey(name)) {
                String id = "iommu-" + name;
                domains.add(DomainConfig.of(id, IommuDomainType.DMA, PAGE));
                b.iommuDomain(id);
            }
            devs.add(b.build());
        });
        return new PlatformConfig(PAGE, 64, 52, regions, List.of(), List.of(), domains, devs, !domains.isEmpty(),
                false, 1, false);
    }

    /** Ranges merged when closer than {@code gap}, each aligned out to {@code align}; never at address 0. */
    private static List<long[]> clusters(List<long[]> ranges, long align, long gap) {
        List<long[]> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.comparingLong((long[] r) -> r[0]));
        List<long[]> out = new ArrayList<>();
        for (long[] r : sorted) {
            long lo = Math.max(Unsigned.alignDown(r[0], align), PAGE);
            long hi = Unsigned.alignUp(r[1], align);
            long[] last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && lo <= last[1] + gap) {
                last[1] = Math.max(last[1], hi);
            } else {
                out.add(new long[] {lo, hi});
            }
        }
        return out;
    }

    private static List<long[]> minus(long[] c, long[] hole) {
        if (hole == null || c[1] <= hole[0] || hole[1] <= c[0]) {
            return List.of(c);
        }
        List<long[]> out = new ArrayList<>();
        if (c[0] < hole[0]) {
            out.add(new long[] {c[0], hole[0]});
        }
        if (hole[1] < c[1]) {
            out.add(new long[] {hole[1], c[1]});
        }
        return out;
    }

    /** The pool, grown downwards (or upwards) to the default size where that is free. */
    private static long[] grow(long[] pool, TreeSet<long[]> taken) {
        long need = DEFAULT_POOL - (pool[1] - pool[0]);
        long[] down = {pool[0] - need, pool[1]};
        if (pool[0] >= need + CLUSTER && free(down, taken)) {
            return down;
        }
        return pool; // an odd-sized pool still covers every slot the trace used
    }

    /** A free {@code size}-aligned slot below 4 GiB (32-bit devices reach it), else above the highest range. */
    private static long[] freeSlot(TreeSet<long[]> taken, long size) {
        for (long start = 0x1_0000_0000L - size; start >= size; start -= size) {
            long[] slot = {start, start + size};
            if (free(slot, taken)) {
                return slot;
            }
        }
        long top = taken.stream().mapToLong(r -> r[1]).max().orElse(0);
        long start = Unsigned.alignUp(Math.max(top, 0x1_0000_0000L), size);
        return new long[] {start, start + size};
    }

    private static boolean free(long[] slot, TreeSet<long[]> taken) {
        return taken.stream().noneMatch(r -> slot[0] < r[1] && r[0] < slot[1]);
    }
}
