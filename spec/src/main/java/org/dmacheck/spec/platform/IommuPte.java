package org.dmacheck.spec.platform;

/**
 * One IOMMU page-table entry (or its IOTLB copy): granule-aligned {@code iova} translates to
 * granule-aligned {@code phys} with {@link IommuProt} bits {@code prot}.
 *
 * @param pending written by {@code iommu_map_nosync} but not yet made visible by
 *                {@code iommu_sync_map}: the device's page-table walker does not see it yet
 */
public record IommuPte(long iova, long phys, int prot, boolean pending) {
    /** The physical address {@code iova + delta} translates to, for {@code delta} inside the granule. */
    public long translate(long addr) {
        return phys + (addr - iova);
    }

    public boolean readable() {
        return (prot & IommuProt.READ) != 0;
    }

    public boolean writable() {
        return (prot & IommuProt.WRITE) != 0;
    }

    @Override
    public String toString() {
        return Unsigned.hex(iova) + "->" + Unsigned.hex(phys) + " " + IommuProt.describe(prot)
                + (pending ? " (pending)" : "");
    }
}
