package org.dmacheck.spec.platform;

import java.util.List;

/**
 * The static description of a simulated machine. {@code Platform.build(config)} validates it and
 * refuses an impossible one with a one-line message naming the field and the value.
 *
 * @param pageSize          {@code PAGE_SIZE}: 4, 16 or 64 KiB
 * @param cacheLineSize     CPU cache line ({@code ARCH_DMA_MINALIGN}), typically 64
 * @param physAddressBits   width of the physical address space (at least 52 supported)
 * @param regions           RAM, the swiotlb pool, P2P BARs and MMIO resources; pairwise disjoint
 * @param hostBridges       PCI host bridges
 * @param pciNodes          root ports, switch ports and endpoints
 * @param domains           IOMMU domains
 * @param devices           DMA-capable devices, each listed once
 * @param x86MsiWindow      reserve {@code 0xFEE00000-0xFEEFFFFF} in every IOMMU domain
 * @param cpuSupportsP2p    {@code cpu_supports_p2pdma()} (AMD Zen): any host bridge forwards P2P
 * @param swiotlbAreas      number of swiotlb areas (each with its own next-fit cursor), a power of two
 * @param forceDac          {@code iommu.forcedac=1}: no 32-bit-first IOVA allocation for PCI devices
 */
public record PlatformConfig(
        long pageSize,
        int cacheLineSize,
        int physAddressBits,
        List<MemoryRegion> regions,
        List<HostBridge> hostBridges,
        List<PciNode> pciNodes,
        List<DomainConfig> domains,
        List<DeviceConfig> devices,
        boolean x86MsiWindow,
        boolean cpuSupportsP2p,
        int swiotlbAreas,
        boolean forceDac) {

    public PlatformConfig {
        regions = List.copyOf(regions);
        hostBridges = List.copyOf(hostBridges);
        pciNodes = List.copyOf(pciNodes);
        domains = List.copyOf(domains);
        devices = List.copyOf(devices);
    }

    /** The swiotlb pool region, or null when the platform has none. */
    public MemoryRegion swiotlbPool() {
        return regions.stream().filter(r -> r.kind() == RegionKind.SWIOTLB).findFirst().orElse(null);
    }
}
