package org.dmacheck.spec.platform;

import java.util.List;
import java.util.Objects;

/**
 * One IOMMU domain.
 *
 * @param id            its name, referenced by {@link DeviceConfig#iommuDomain()}
 * @param type          DMA (strict), DMA_FQ (lazy), IDENTITY or BLOCKED
 * @param granule       the IOVA granule {@code G} (smallest page size of the domain); a power of two,
 *                      at most the platform's PAGE_SIZE
 * @param apertureStart {@code domain->geometry.aperture_start}
 * @param apertureEnd   {@code domain->geometry.aperture_end} (inclusive)
 * @param reserved      extra reserved regions of this domain (the platform adds the MSI window and
 *                      host-bridge windows itself, see {@code Hardware#reservedRegions})
 */
public record DomainConfig(String id, IommuDomainType type, long granule, long apertureStart,
                           long apertureEnd, List<IovaRange> reserved) {
    public DomainConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        reserved = List.copyOf(reserved);
        if (!Unsigned.isPowerOfTwo(granule)) {
            throw new IllegalArgumentException("IOMMU domain " + id + ": granule " + Unsigned.hex(granule)
                    + " is not a power of two");
        }
        if (Unsigned.lt(apertureEnd, apertureStart)) {
            throw new IllegalArgumentException("IOMMU domain " + id + ": aperture end "
                    + Unsigned.hex(apertureEnd) + " is below its start " + Unsigned.hex(apertureStart));
        }
    }

    /** A domain with a 48-bit aperture and no extra reserved regions. */
    public static DomainConfig of(String id, IommuDomainType type, long granule) {
        return new DomainConfig(id, type, granule, 0, Unsigned.bitMask(48), List.of());
    }

    /** {@code iova_shift}. */
    public int granuleShift() {
        return Long.numberOfTrailingZeros(granule);
    }

    public boolean lazy() {
        return type == IommuDomainType.DMA_FQ;
    }
}
