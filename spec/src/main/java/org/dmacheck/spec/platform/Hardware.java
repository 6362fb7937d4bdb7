package org.dmacheck.spec.platform;

import java.util.Optional;

/**
 * What a DMA-mapping engine may touch: the hardware, as a kernel programs it. An engine keeps its
 * software state (IOVA allocator, swiotlb slots, flush queue) itself and never a copy of what the
 * hardware holds. Everything observable about a mapping — bytes, cache lines, PTEs, the IOTLB —
 * lives behind this interface, which is what lets the spec judge any engine, even one in another
 * process whose hardware operations travel back over a protocol.
 */
public interface Hardware {
    /** The static description of the machine. */
    PlatformConfig config();

    /** The device's DMA parameters; throws {@link IllegalArgumentException} for an unknown device. */
    DeviceConfig device(DeviceId id);

    /** Whether the device is a PCI function of the topology ({@code dev_is_pci}). */
    boolean isPci(DeviceId id);

    /** The IOMMU domain the device is attached to, if any. */
    Optional<IommuHw> iommu(DeviceId id);

    /** The region containing {@code phys}, or null when the address is not backed. */
    MemoryRegion regionOf(long phys);

    /**
     * {@code pci_p2pdma_map_type(provider, client)}: how {@code client} reaches P2P memory of the PCI
     * function {@code provider}. Non-PCI clients get {@link P2pMapType#NOT_SUPPORTED}.
     */
    P2pPath p2pMapType(String provider, DeviceId client);

    /**
     * A CPU {@code memcpy} of {@code len} bytes from {@code srcPhys} to {@code dstPhys}, through the
     * CPU caches (how swiotlb bounces data).
     */
    void cpuCopy(long dstPhys, long srcPhys, long len);

    /** A CPU {@code memset}, through the CPU caches (swiotlb's zeroed padding). */
    void cpuFill(long phys, long len, byte value);

    /** {@code arch_sync_dma_for_device}: cleans (writes back) CPU cache lines over the range. */
    void archSyncForDevice(long phys, long size, Direction dir);

    /**
     * {@code arch_sync_dma_for_cpu}: for {@code FROM_DEVICE} and {@code BIDIRECTIONAL} invalidates
     * CPU cache lines over the range so the CPU sees what the device wrote; a no-op for
     * {@code TO_DEVICE}.
     */
    void archSyncForCpu(long phys, long size, Direction dir);

    /**
     * Allocates {@code size} bytes (page-aligned, page-multiple) of zeroed RAM ending at or below
     * {@code limit}, for coherent allocations. Returns the physical address or -1 when none fits.
     */
    long allocPages(long size, long limit);

    /** Frees pages from {@link #allocPages}. */
    void freePages(long phys, long size);

    /** A kernel log line ({@code WARN}, {@code dev_warn}); kept for reports. */
    void warn(String message);
}
