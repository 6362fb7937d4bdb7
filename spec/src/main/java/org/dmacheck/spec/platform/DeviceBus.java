package org.dmacheck.spec.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The device side of the platform: where a DMA address emitted by a device leads, as the PCI fabric,
 * the IOMMU and the bus translation would route it, and the accesses themselves.
 *
 * <p>Per byte: an address above the device's addressing limit never leaves the device; a bus address
 * inside a peer's BAR window that the peer reaches under a shared switch ({@code BUS_ADDR}) goes to
 * that BAR without the IOMMU; otherwise a DMA/DMA_FQ domain translates (IOTLB, then page table), a
 * blocked domain faults, and with no IOMMU or an identity domain the device's {@code dma_range_map}
 * applies. The physical address must then be memory, and a BAR reached through the host bridge must
 * be a peer the host bridge forwards to.
 */
final class DeviceBus {
    private static final int RW = IommuProt.READ | IommuProt.WRITE;

    private final Map<DeviceId, DeviceConfig> devices;
    private final Map<String, IommuDomainModel> domains;
    private final PciTopology pci;
    private final MemorySystem memory;
    /** P2P BARs and owned MMIO resources by first bus address. */
    private final TreeMap<Long, MemoryRegion> busWindows = new TreeMap<>(Long::compareUnsigned);
    private final List<DmaAccess.Fault> faults = new ArrayList<>();

    /** A resolution that stays linear up to DMA address {@code last}. */
    private record Hop(Resolution resolution, long last) {
    }

    DeviceBus(Map<DeviceId, DeviceConfig> devices, Map<String, IommuDomainModel> domains, PciTopology pci,
              MemorySystem memory, List<MemoryRegion> regions) {
        this.devices = devices;
        this.domains = domains;
        this.pci = pci;
        this.memory = memory;
        for (MemoryRegion r : regions) {
            if ((r.kind() == RegionKind.P2P_BAR || r.kind() == RegionKind.MMIO) && r.owner() != null) {
                busWindows.put(r.busStart(), r);
            }
        }
    }

    List<DmaAccess.Fault> faults() {
        return faults;
    }

    Resolution resolve(DeviceConfig dev, long dmaAddr, boolean write) {
        return hop(dev, dmaAddr, write, false).resolution();
    }

    DmaAccess read(DeviceConfig dev, long dmaAddr, int len) {
        if (len < 0) {
            throw new IllegalArgumentException("device read of negative length " + len);
        }
        byte[] data = new byte[len];
        return transfer(dev, dmaAddr, data, false);
    }

    DmaAccess write(DeviceConfig dev, long dmaAddr, byte[] data) {
        return transfer(dev, dmaAddr, data, true);
    }

    /** Resolves every byte first (filling the IOTLB as it goes), then moves data only if none faults. */
    private DmaAccess transfer(DeviceConfig dev, long dmaAddr, byte[] buf, boolean write) {
        int len = buf.length;
        if (len == 0) {
            return new DmaAccess.Done(new byte[0]);
        }
        if (!Unsigned.fits(dmaAddr, len)) {
            return fault(dev, dmaAddr, write, "access of " + len + " bytes wraps past 2^64-1");
        }
        List<long[]> segments = new ArrayList<>();
        int done = 0;
        while (done < len) {
            long a = dmaAddr + done;
            Hop h = hop(dev, a, write, true);
            if (h.resolution() instanceof Resolution.Unreachable u) {
                return fault(dev, a, write, u.reason());
            }
            int left = len - done;
            int n = Unsigned.lt(h.last() - a, left) ? (int) (h.last() - a + 1) : left;
            segments.add(new long[] {((Resolution.Reached) h.resolution()).phys(), done, n});
            done += n;
        }
        for (long[] s : segments) {
            if (write) {
                memory.deviceWrite(s[0], buf, (int) s[1], (int) s[2], dev.coherent());
            } else {
                memory.deviceRead(s[0], buf, (int) s[1], (int) s[2], dev.coherent());
            }
        }
        return new DmaAccess.Done(write ? new byte[0] : buf);
    }

    private DmaAccess.Fault fault(DeviceConfig dev, long addr, boolean write, String reason) {
        DmaAccess.Fault f = new DmaAccess.Fault(dev.id(), addr, write, reason);
        faults.add(f);
        return f;
    }

    private Hop hop(DeviceConfig dev, long a, boolean write, boolean fill) {
        long mask = Unsigned.max(dev.dmaMask(), dev.coherentMask());
        long limit = Unsigned.minNotZero(mask, dev.busDmaLimit());
        if (Unsigned.lt(limit, a)) {
            String which = limit == mask ? "dma_mask" : "bus_dma_limit";
            return unreachable("address beyond the device's " + which + " " + Unsigned.hex(limit));
        }
        MemoryRegion peer = busWindowAt(a);
        if (peer != null && pci.p2pMapType(peer.owner(), dev.id().name()).type() == P2pMapType.BUS_ADDR) {
            long last = Unsigned.min(limit, peer.busStart() + peer.size() - 1);
            return new Hop(new Resolution.Reached(a - peer.busOffset(), Resolution.Route.P2P_BUS, RW), last);
        }
        IommuDomainModel domain = dev.iommuDomain() == null ? null : domains.get(dev.iommuDomain());
        Resolution.Reached reached;
        long last = limit;
        if (domain != null && domain.config().type().usesDmaIommu()) {
            Resolution r = domain.translate(a, write, fill);
            if (r instanceof Resolution.Unreachable) {
                return new Hop(r, a);
            }
            reached = (Resolution.Reached) r;
            last = Unsigned.min(last, Unsigned.alignDown(a, domain.granule()) + domain.granule() - 1);
        } else if (domain != null && domain.config().type() == IommuDomainType.BLOCKED) {
            return unreachable("IOMMU domain " + domain.config().id() + " is BLOCKED");
        } else if (dev.rangeMap().isEmpty()) {
            reached = new Resolution.Reached(a, Resolution.Route.DIRECT, RW);
        } else {
            DmaRange window = windowOf(dev, a);
            if (window == null) {
                return unreachable("address is in no dma_range_map window");
            }
            reached = new Resolution.Reached(window.toCpu(a), Resolution.Route.DIRECT, RW);
            last = Unsigned.min(last, window.dmaStart() + window.size() - 1);
        }
        return reachMemory(dev, a, reached, last);
    }

    private Hop reachMemory(DeviceConfig dev, long a, Resolution.Reached reached, long last) {
        long phys = reached.phys();
        MemoryRegion region = memory.regionOf(phys);
        if (region == null) {
            return unreachable("translates to " + Unsigned.hex(phys) + " (" + reached.route() + "), which is not memory");
        }
        if (region.kind() == RegionKind.P2P_BAR
                && pci.p2pMapType(region.owner(), dev.id().name()).type() == P2pMapType.NOT_SUPPORTED) {
            return unreachable("translates to " + Unsigned.hex(phys) + " in the BAR of " + region.owner()
                    + ", which the host bridge does not forward to " + dev.id());
        }
        long runInRegion = region.last() - phys;
        if (Unsigned.le(runInRegion, Unsigned.MAX - a)) {
            last = Unsigned.min(last, a + runInRegion);
        }
        return new Hop(reached, last);
    }

    private MemoryRegion busWindowAt(long bus) {
        Map.Entry<Long, MemoryRegion> e = busWindows.floorEntry(bus);
        return e != null && e.getValue().containsBus(bus) ? e.getValue() : null;
    }

    private static DmaRange windowOf(DeviceConfig dev, long dma) {
        for (DmaRange w : dev.rangeMap()) {
            if (w.containsDma(dma)) {
                return w;
            }
        }
        return null;
    }

    private static Hop unreachable(String reason) {
        return new Hop(new Resolution.Unreachable(reason), 0);
    }
}
