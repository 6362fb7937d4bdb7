package org.dmacheck.spec.platform;

/** {@code enum pci_p2pdma_map_type} (§8.1), by name. */
public enum P2pMapType {
    /** Not P2PDMA memory: map normally. */
    NONE,
    /** The path crosses a host bridge that may not forward P2P: the map fails ({@code -EREMOTEIO}). */
    NOT_SUPPORTED,
    /** Common upstream switch, no ACS redirect: program the PCI bus address, no IOMMU. */
    BUS_ADDR,
    /** Through an allow-listed host bridge: map like MMIO through direct or the IOMMU. */
    THRU_HOST_BRIDGE
}
