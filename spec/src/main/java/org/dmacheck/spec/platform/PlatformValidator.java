package org.dmacheck.spec.platform;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Refuses an impossible {@link PlatformConfig} with a one-line {@link IllegalArgumentException}
 * naming the field and the offending value.
 */
final class PlatformValidator {
    /** {@code IO_TLB_SIZE * IO_TLB_SEGSIZE}: a swiotlb pool is a whole number of segments. */
    static final long SWIOTLB_SEGMENT = 2048L * 128;
    private static final long KIB = 1024;

    private PlatformValidator() {
    }

    static void validate(PlatformConfig c) {
        checkGeometry(c);
        checkRegions(c);
        Map<String, PciNode> nodes = checkPci(c);
        checkBarOwners(c, nodes);
        Set<String> domainIds = checkDomains(c);
        checkDevices(c, domainIds);
    }

    private static void checkGeometry(PlatformConfig c) {
        if (c.pageSize() != 4 * KIB && c.pageSize() != 16 * KIB && c.pageSize() != 64 * KIB) {
            fail("pageSize " + Unsigned.hex(c.pageSize()) + " must be 4, 16 or 64 KiB");
        }
        if (!Unsigned.isPowerOfTwo(c.cacheLineSize()) || c.cacheLineSize() < 16 || c.cacheLineSize() > 4096) {
            fail("cacheLineSize " + c.cacheLineSize() + " must be a power of two in 16..4096");
        }
        if (c.physAddressBits() < 32 || c.physAddressBits() > 64) {
            fail("physAddressBits " + c.physAddressBits() + " must be in 32..64");
        }
        if (c.swiotlbAreas() < 1 || !Unsigned.isPowerOfTwo(c.swiotlbAreas())) {
            fail("swiotlbAreas " + c.swiotlbAreas() + " must be a power of two >= 1");
        }
    }

    private static void checkRegions(PlatformConfig c) {
        long top = Unsigned.bitMask(c.physAddressBits());
        int pools = 0;
        for (MemoryRegion r : c.regions()) {
            if (Unsigned.lt(top, r.last())) {
                fail("region " + r + " lies beyond the " + c.physAddressBits() + "-bit physical address space (top "
                        + Unsigned.hex(top) + ")");
            }
            if (r.kind() == RegionKind.SYSTEM_RAM || r.kind() == RegionKind.SWIOTLB) {
                if (((r.start() | r.size()) & (c.pageSize() - 1)) != 0) {
                    fail("region " + r + " is not aligned to PAGE_SIZE " + Unsigned.hex(c.pageSize()));
                }
                if (r.start() == 0) {
                    fail("region " + r + " contains physical address 0, which iommu_iova_to_phys uses for 'unmapped'");
                }
            }
            if (r.kind() == RegionKind.SWIOTLB) {
                pools++;
                if (r.size() % SWIOTLB_SEGMENT != 0) {
                    fail("swiotlb pool size " + Unsigned.hex(r.size()) + " is not a multiple of a segment "
                            + "(128 slots of 2 KiB = " + Unsigned.hex(SWIOTLB_SEGMENT) + ")");
                }
            }
            if ((r.kind() == RegionKind.P2P_BAR || r.kind() == RegionKind.MMIO) && !Unsigned.fits(r.busStart(), r.size())) {
                fail("region " + r + ": bus window " + Unsigned.hex(r.busStart()) + " + " + Unsigned.hex(r.size())
                        + " wraps past 2^64");
            }
        }
        if (pools > 1) {
            fail("regions: " + pools + " swiotlb pools, at most one is supported");
        }
        checkDisjoint("regions", c.regions(), MemoryRegion::start, false);
        List<MemoryRegion> windows = new ArrayList<>();
        for (MemoryRegion r : c.regions()) {
            if (r.kind() == RegionKind.P2P_BAR || r.kind() == RegionKind.MMIO) {
                windows.add(r);
            }
        }
        checkDisjoint("bus windows of", windows, MemoryRegion::busStart, true);
    }

    private interface StartOf {
        long start(MemoryRegion r);
    }

    private static void checkDisjoint(String what, List<MemoryRegion> regions, StartOf startOf, boolean bus) {
        List<MemoryRegion> sorted = new ArrayList<>(regions);
        sorted.sort(Comparator.comparing(startOf::start, Long::compareUnsigned));
        for (int i = 1; i < sorted.size(); i++) {
            MemoryRegion prev = sorted.get(i - 1);
            MemoryRegion next = sorted.get(i);
            if (Unsigned.le(startOf.start(next), startOf.start(prev) + prev.size() - 1)) {
                fail(what + " " + prev + " and " + next + " overlap" + (bus ? " on the PCI bus" : ""));
            }
        }
    }

    private static Map<String, PciNode> checkPci(PlatformConfig c) {
        Set<String> bridges = new HashSet<>();
        for (HostBridge hb : c.hostBridges()) {
            if (!bridges.add(hb.id())) {
                fail("hostBridges: host bridge " + hb.id() + " is listed twice");
            }
        }
        Map<String, PciNode> nodes = new HashMap<>();
        for (PciNode n : c.pciNodes()) {
            if (bridges.contains(n.bdf()) || nodes.put(n.bdf(), n) != null) {
                fail("pciNodes: " + n.bdf() + " is listed twice");
            }
        }
        for (PciNode n : c.pciNodes()) {
            PciNode parent = nodes.get(n.parent());
            if (parent == null && !bridges.contains(n.parent())) {
                fail("pciNodes: " + n.bdf() + " has unknown parent " + n.parent());
            }
            if (parent != null && parent.kind() == PciNode.Kind.ENDPOINT) {
                fail("pciNodes: " + n.bdf() + " has parent " + n.parent() + ", an endpoint, not a bridge");
            }
            if (n.kind() == PciNode.Kind.ROOT_PORT && parent != null) {
                fail("pciNodes: root port " + n.bdf() + " must sit on a host bridge, not under " + n.parent());
            }
        }
        for (PciNode n : c.pciNodes()) {
            Set<String> seen = new HashSet<>();
            for (PciNode p = n; p != null; p = nodes.get(p.parent())) {
                if (!seen.add(p.bdf())) {
                    fail("pciNodes: " + n.bdf() + " is on a cycle of parents through " + p.bdf());
                }
            }
        }
        return nodes;
    }

    private static void checkBarOwners(PlatformConfig c, Map<String, PciNode> nodes) {
        for (MemoryRegion r : c.regions()) {
            if (r.kind() == RegionKind.P2P_BAR) {
                PciNode owner = nodes.get(r.owner());
                if (owner == null || owner.kind() != PciNode.Kind.ENDPOINT) {
                    fail("region " + r + ": provider " + r.owner() + " is not a PCI endpoint of pciNodes");
                }
            }
            if (r.kind() == RegionKind.MMIO && r.owner() != null && !nodes.containsKey(r.owner())) {
                fail("region " + r + ": owner " + r.owner() + " is not a PCI function of pciNodes");
            }
        }
    }

    private static Set<String> checkDomains(PlatformConfig c) {
        Set<String> ids = new HashSet<>();
        for (DomainConfig d : c.domains()) {
            if (!ids.add(d.id())) {
                fail("domains: IOMMU domain " + d.id() + " is listed twice");
            }
            if (d.granule() != 4 * KIB && d.granule() != 16 * KIB && d.granule() != 64 * KIB) {
                fail("domains: IOMMU domain " + d.id() + ": granule " + Unsigned.hex(d.granule())
                        + " must be 4, 16 or 64 KiB");
            }
            if (Unsigned.lt(c.pageSize(), d.granule())) {
                fail("domains: IOMMU domain " + d.id() + ": granule " + Unsigned.hex(d.granule())
                        + " exceeds PAGE_SIZE " + Unsigned.hex(c.pageSize()));
            }
        }
        return ids;
    }

    private static void checkDevices(PlatformConfig c, Set<String> domainIds) {
        Set<DeviceId> ids = new HashSet<>();
        for (DeviceConfig d : c.devices()) {
            if (!ids.add(d.id())) {
                fail("devices: device " + d.id() + " is listed twice");
            }
            if (d.iommuDomain() != null && !domainIds.contains(d.iommuDomain())) {
                fail("devices: device " + d.id() + " is attached to unknown IOMMU domain " + d.iommuDomain());
            }
        }
    }

    private static void fail(String message) {
        throw new IllegalArgumentException(message);
    }
}
