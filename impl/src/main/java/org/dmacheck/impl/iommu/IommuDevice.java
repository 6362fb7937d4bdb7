package org.dmacheck.impl.iommu;

import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Hardware;

/**
 * Per-device dma-iommu state ({@code dev->iommu}): the device's parameters, its domain cookie and
 * {@code pci_32bit_workaround}, which starts true for PCI devices unless {@code iommu.forcedac=1}
 * and is cleared for good the first time a 32-bit IOVA allocation fails.
 */
final class IommuDevice {
    private final Hardware hw;
    private final DeviceConfig config;
    private final IommuDmaCookie cookie;
    private boolean pci32bitWorkaround;

    IommuDevice(Hardware hw, DeviceConfig config, IommuDmaCookie cookie) {
        this.hw = hw;
        this.config = config;
        this.cookie = cookie;
        this.pci32bitWorkaround = hw.isPci(config.id()) && !hw.config().forceDac();
    }

    DeviceId id() {
        return config.id();
    }

    DeviceConfig config() {
        return config;
    }

    IommuDmaCookie cookie() {
        return cookie;
    }

    boolean coherent() {
        return config.coherent();
    }

    /** {@code dev_is_untrusted()} (the platform only marks PCI devices untrusted). */
    boolean untrusted() {
        return config.untrusted();
    }

    boolean pci32bitWorkaround() {
        return pci32bitWorkaround;
    }

    /** {@code iommu_dma_alloc_iova()}: "Using %d-bit DMA addresses", {@code bits_per(dma_limit)}. */
    void dropPci32bitWorkaround(long dmaLimit) {
        pci32bitWorkaround = false;
        int bits = 64 - Long.numberOfLeadingZeros(dmaLimit);
        hw.warn(config.id() + ": Using " + bits + "-bit DMA addresses");
    }
}
