package org.dmacheck.spec.platform;

import java.util.List;

/**
 * The hardware face of one IOMMU domain, as an engine programs it: a page table and an IOTLB.
 * Addresses and sizes must be granule-aligned. Like the IOMMU core, nothing here allocates IOVA;
 * that is the engine's software state.
 */
public interface IommuHw {
    /** The domain's static description. */
    DomainConfig config();

    /**
     * Every IOVA range a DMA-API engine must never hand out in this domain: the domain's own
     * reserved regions, PCI host-bridge windows (bus addresses of BARs and MMIO resources), the x86
     * MSI window when the platform has one, and everything outside the aperture.
     */
    List<IovaRange> reservedRegions();

    /**
     * {@code iommu_map}: writes the PTEs for {@code [iova, iova+size)} to {@code phys} and makes
     * them visible to the device ({@code iotlb_sync_map}).
     *
     * @return 0, {@code -EINVAL} for a misaligned or out-of-aperture request, or {@code -EEXIST}
     *         if a PTE in the range is already live (nothing is then changed)
     */
    int map(long iova, long phys, long size, int prot);

    /**
     * {@code iommu_map_nosync}: like {@link #map} but the PTEs stay invisible to the device's
     * page-table walker until {@link #syncMap} covers them.
     */
    int mapNoSync(long iova, long phys, long size, int prot);

    /** {@code iommu_sync_map}: makes pending PTEs in the range visible. Returns 0 or a negative errno. */
    int syncMap(long iova, long size);

    /**
     * {@code iommu_unmap_fast}: clears the PTEs from {@code iova} on, stopping at the first granule
     * that is not mapped. The IOTLB is <em>not</em> invalidated: cached translations stay usable by
     * the device until {@link #iotlbSync} or {@link #flushIotlbAll}.
     *
     * @return the number of bytes unmapped
     */
    long unmap(long iova, long size);

    /** {@code iommu_iotlb_sync} over a gathered range: invalidates cached translations in it. */
    void iotlbSync(long iova, long size);

    /** {@code flush_iotlb_all}: invalidates every cached translation of the domain. */
    void flushIotlbAll();

    /** {@code iommu_iova_to_phys}: the physical address a live PTE maps, or 0 when unmapped. */
    long iovaToPhys(long iova);
}
