package org.dmacheck.spec.platform;

import java.util.ArrayList;
import java.util.List;

/**
 * Fluent construction of a {@link PlatformConfig}, starting from an x86-like default layout:
 *
 * <pre>
 *   RAM      [0x0010_0000, 0x4000_0000)      1 MiB .. 1 GiB
 *   swiotlb  [0x4000_0000, 0x4400_0000)      64 MiB pool below 4 GiB
 *   RAM      [0x4400_0000, 0xC000_0000)
 *   (hole)   [0xC000_0000, 0x1_0000_0000)    for BARs, MMIO and the MSI window
 *   RAM      [0x1_0000_0000, 0x40_0000_0000) high RAM above 4 GiB
 * </pre>
 *
 * with PAGE_SIZE 4 KiB, 64-byte cache lines, a 52-bit physical address space, the x86 MSI window
 * reserved, one swiotlb area, and no PCI nodes, domains or devices. {@link #build()} validates.
 */
public final class PlatformBuilder {
    /** The default RAM ranges (start, size). */
    public static final List<MemoryRegion> DEFAULT_RAM = List.of(
            MemoryRegion.ram(0x10_0000L, 0x4000_0000L - 0x10_0000L),
            MemoryRegion.ram(0x4400_0000L, 0xC000_0000L - 0x4400_0000L),
            MemoryRegion.ram(0x1_0000_0000L, 0x40_0000_0000L - 0x1_0000_0000L));
    /** The default swiotlb pool: 64 MiB at 1 GiB. */
    public static final MemoryRegion DEFAULT_SWIOTLB = MemoryRegion.swiotlb(0x4000_0000L, 64L << 20);

    private long pageSize = 4096;
    private int cacheLineSize = 64;
    private int physAddressBits = 52;
    private final List<MemoryRegion> ram = new ArrayList<>(DEFAULT_RAM);
    private MemoryRegion swiotlb = DEFAULT_SWIOTLB;
    private final List<MemoryRegion> others = new ArrayList<>();
    private final List<HostBridge> hostBridges = new ArrayList<>();
    private final List<PciNode> pciNodes = new ArrayList<>();
    private final List<DomainConfig> domains = new ArrayList<>();
    private final List<DeviceConfig> devices = new ArrayList<>();
    private boolean x86MsiWindow = true;
    private boolean cpuSupportsP2p;
    private int swiotlbAreas = 1;
    private boolean forceDac;

    PlatformBuilder() {
    }

    /** {@code PAGE_SIZE}: 4, 16 or 64 KiB. */
    public PlatformBuilder pageSize(long v) {
        pageSize = v;
        return this;
    }

    /** CPU cache line size ({@code ARCH_DMA_MINALIGN}): a power of two, 16..4096; default 64. */
    public PlatformBuilder cacheLineSize(int v) {
        cacheLineSize = v;
        return this;
    }

    /** Width of the physical address space, 32..64; default 52. Every region must lie below 2^bits. */
    public PlatformBuilder physAddressBits(int v) {
        physAddressBits = v;
        return this;
    }

    /** Drops the default RAM ranges (the swiotlb pool stays). */
    public PlatformBuilder noDefaultRam() {
        ram.clear();
        return this;
    }

    /** Adds a System RAM range. */
    public PlatformBuilder ram(long start, long size) {
        ram.add(MemoryRegion.ram(start, size));
        return this;
    }

    /** Places the swiotlb pool (replacing the default one); size must be whole 256 KiB segments. */
    public PlatformBuilder swiotlbPool(long start, long size) {
        swiotlb = MemoryRegion.swiotlb(start, size);
        return this;
    }

    /** No swiotlb pool at all. */
    public PlatformBuilder noSwiotlb() {
        swiotlb = null;
        return this;
    }

    /** A P2PDMA provider's memory BAR: CPU range {@code [cpuStart, cpuStart+size)}, bus = CPU + {@code busOffset}. */
    public PlatformBuilder p2pBar(String provider, long cpuStart, long size, long busOffset) {
        others.add(MemoryRegion.p2pBar(provider, cpuStart, size, busOffset));
        return this;
    }

    /** An MMIO resource without struct page; {@code owner} may be null for a non-PCI resource. */
    public PlatformBuilder mmio(String owner, long cpuStart, long size, long busOffset) {
        others.add(MemoryRegion.mmio(owner, cpuStart, size, busOffset));
        return this;
    }

    /** Any region, as given. */
    public PlatformBuilder region(MemoryRegion r) {
        switch (r.kind()) {
            case SYSTEM_RAM -> ram.add(r);
            case SWIOTLB -> swiotlb = r;
            default -> others.add(r);
        }
        return this;
    }

    /** A host bridge, on the P2P allow-list or not, without {@code REQ_SAME_HOST_BRIDGE}. */
    public PlatformBuilder hostBridge(String id, boolean p2pAllowListed) {
        return hostBridge(new HostBridge(id, p2pAllowListed, false));
    }

    /** A host bridge as given. */
    public PlatformBuilder hostBridge(HostBridge hb) {
        hostBridges.add(hb);
        return this;
    }

    /** A root port on host bridge {@code hostBridge}. */
    public PlatformBuilder rootPort(String bdf, String hostBridge, boolean acsRedirect) {
        return pciNode(new PciNode(bdf, PciNode.Kind.ROOT_PORT, hostBridge, acsRedirect));
    }

    /** A switch's upstream port below {@code parent} (a root port or a downstream port). */
    public PlatformBuilder switchUpstream(String bdf, String parent) {
        return pciNode(new PciNode(bdf, PciNode.Kind.SWITCH_UPSTREAM, parent, false));
    }

    /** A switch's downstream port below its upstream port. */
    public PlatformBuilder switchDownstream(String bdf, String upstream, boolean acsRedirect) {
        return pciNode(new PciNode(bdf, PciNode.Kind.SWITCH_DOWNSTREAM, upstream, acsRedirect));
    }

    /** An endpoint function below a port, or on a host bridge's root bus (integrated). */
    public PlatformBuilder endpoint(String bdf, String parent) {
        return pciNode(new PciNode(bdf, PciNode.Kind.ENDPOINT, parent, false));
    }

    /** Any PCI node as given. */
    public PlatformBuilder pciNode(PciNode n) {
        pciNodes.add(n);
        return this;
    }

    /** An IOMMU domain; devices attach to it by id. */
    public PlatformBuilder domain(DomainConfig d) {
        domains.add(d);
        return this;
    }

    /** A domain with a 48-bit aperture ({@link DomainConfig#of}). */
    public PlatformBuilder domain(String id, IommuDomainType type, long granule) {
        return domain(DomainConfig.of(id, type, granule));
    }

    /** A DMA-capable device; a PCI function is named by its BDF, which should be an endpoint node. */
    public PlatformBuilder device(DeviceConfig d) {
        devices.add(d);
        return this;
    }

    /** Whether every IOMMU domain reserves {@code 0xFEE00000-0xFEEFFFFF}; default true. */
    public PlatformBuilder x86MsiWindow(boolean v) {
        x86MsiWindow = v;
        return this;
    }

    /** {@code cpu_supports_p2pdma()}: every host bridge forwards P2P; default false. */
    public PlatformBuilder cpuSupportsP2p(boolean v) {
        cpuSupportsP2p = v;
        return this;
    }

    /** Number of swiotlb areas (a power of two); default 1. The slot bookkeeping is the engine's. */
    public PlatformBuilder swiotlbAreas(int v) {
        swiotlbAreas = v;
        return this;
    }

    /** {@code iommu.forcedac=1}: PCI devices get no 32-bit-first IOVA allocation; default false. */
    public PlatformBuilder forceDac(boolean v) {
        forceDac = v;
        return this;
    }

    /** The configuration as it stands, not yet validated. */
    public PlatformConfig config() {
        List<MemoryRegion> regions = new ArrayList<>(ram);
        if (swiotlb != null) {
            regions.add(swiotlb);
        }
        regions.addAll(others);
        return new PlatformConfig(pageSize, cacheLineSize, physAddressBits, regions, hostBridges, pciNodes,
                domains, devices, x86MsiWindow, cpuSupportsP2p, swiotlbAreas, forceDac);
    }

    /** Validates and builds; see {@link Platform#build}. */
    public Platform build() {
        return Platform.build(config());
    }
}
