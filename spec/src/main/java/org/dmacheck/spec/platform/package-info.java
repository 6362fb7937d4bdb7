/**
 * The simulated platform: the hardware a DMA-mapping engine programs, and the device side the spec
 * observes it through.
 *
 * <p>Static description: {@link org.dmacheck.spec.platform.PlatformConfig} with its regions
 * ({@link org.dmacheck.spec.platform.MemoryRegion}), PCI tree ({@link org.dmacheck.spec.platform.HostBridge},
 * {@link org.dmacheck.spec.platform.PciNode}), IOMMU domains ({@link org.dmacheck.spec.platform.DomainConfig})
 * and devices ({@link org.dmacheck.spec.platform.DeviceConfig}); built fluently with
 * {@link org.dmacheck.spec.platform.PlatformBuilder} and validated by
 * {@link org.dmacheck.spec.platform.Platform#build}.
 *
 * <p>What an engine may touch is {@link org.dmacheck.spec.platform.Hardware} (with
 * {@link org.dmacheck.spec.platform.IommuHw} per domain). {@link org.dmacheck.spec.platform.Platform}
 * implements it and adds the CPU side (loads and stores through a write-back cache when some device
 * is not coherent), the device side ({@code dmaRead}/{@code dmaWrite}/{@code resolve}: P2P bus
 * routing, IOTLB, page table, {@code dma_range_map}, limits), faults, the kernel log, and
 * observation ({@link org.dmacheck.spec.platform.IommuDomainModel},
 * {@link org.dmacheck.spec.platform.PciTopology}, {@link org.dmacheck.spec.platform.BufferAllocator}).
 *
 * <p>Every address, mask and limit is an unsigned 64-bit value carried in a {@code long}; compare
 * them with {@link org.dmacheck.spec.platform.Unsigned}.
 */
package org.dmacheck.spec.platform;
