package org.dmacheck.spec.platform;

/**
 * Where one device-visible byte leads, as hardware would resolve it — without side effects (a probe
 * does not fill the IOTLB and records no fault). Invariants use it to judge translations.
 */
public sealed interface Resolution {
    /** The path a device access took. */
    enum Route {
        /** A peer's BAR reached by its PCI bus address under a shared switch, bypassing the IOMMU. */
        P2P_BUS,
        /** A translation cached in the IOTLB (possibly stale). */
        IOTLB,
        /** A page-table walk. */
        PAGE_TABLE,
        /** No IOMMU, or an identity domain: through {@code dma_range_map}. */
        DIRECT
    }

    /** The byte reaches physical address {@code phys}; {@code prot} is the IOMMU protection (or READ|WRITE). */
    record Reached(long phys, Route route, int prot) implements Resolution {
        public boolean readable() {
            return (prot & IommuProt.READ) != 0;
        }

        public boolean writable() {
            return (prot & IommuProt.WRITE) != 0;
        }
    }

    /** The byte cannot be reached; {@code reason} says why. */
    record Unreachable(String reason) implements Resolution {
    }
}
