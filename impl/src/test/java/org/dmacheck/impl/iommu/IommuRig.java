package org.dmacheck.impl.iommu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.dmacheck.impl.swiotlb.Swiotlb;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.DmaAccess;
import org.dmacheck.spec.platform.DomainConfig;
import org.dmacheck.spec.platform.IommuDomainModel;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.platform.PlatformBuilder;

/**
 * A platform, its swiotlb and a dma-iommu engine for worked examples. The default layout has one
 * host bridge with a root port and a PCI endpoint {@link #NIC}, plus a platform (non-PCI) device
 * {@link #PLAT}; both sit in domain {@code d}.
 */
final class IommuRig {
    static final String HB = "pci0000:00";
    static final String RP = "0000:00:01.0";
    static final DeviceId NIC = DeviceId.of("0000:01:00.0");
    static final DeviceId PLAT = DeviceId.of("plat0");
    static final String DOMAIN = "d";
    /** DMA_BIT_MASK(48): the default aperture end. */
    static final long APERTURE_END = 0xFFFF_FFFF_FFFFL;

    final Platform platform;
    final Swiotlb swiotlb;
    final DmaIommu engine;

    IommuRig(Platform platform) {
        this.platform = platform;
        this.swiotlb = new Swiotlb(platform);
        this.engine = new DmaIommu(platform, swiotlb);
    }

    /** A builder with the PCI endpoint in place; add the domain and devices. */
    static PlatformBuilder pciBuilder() {
        return Platform.builder().hostBridge(HB, false).rootPort(RP, HB, false).endpoint(NIC.name(), RP);
    }

    /** Both devices in one domain, with device parameters from the given builders. */
    static IommuRig of(DomainConfig domain, DeviceConfig.Builder nic, DeviceConfig.Builder plat) {
        return new IommuRig(pciBuilder().domain(domain)
                .device(nic.iommuDomain(domain.id()).build())
                .device(plat.iommuDomain(domain.id()).build())
                .build());
    }

    static IommuRig of(DomainConfig domain) {
        return of(domain, DeviceConfig.builder(NIC.name()), DeviceConfig.builder(PLAT.name()));
    }

    IommuDomainModel domain() {
        return platform.domain(DOMAIN);
    }

    long iovaGranules() {
        return engine.iovaGranules().getOrDefault(DOMAIN, 0L);
    }

    long flushQueued() {
        return engine.flushQueued().getOrDefault(DOMAIN, 0L);
    }

    long livePtes() {
        return engine.livePtes().getOrDefault(DOMAIN, 0L);
    }

    void fill(long phys, int len, int value) {
        byte[] b = new byte[len];
        Arrays.fill(b, (byte) value);
        platform.cpuWrite(phys, b);
    }

    static byte[] bytes(int len, int value) {
        byte[] b = new byte[len];
        Arrays.fill(b, (byte) value);
        return b;
    }

    /** The device's read must succeed; returns the data. */
    byte[] deviceRead(DeviceId dev, long dma, int len) {
        DmaAccess a = platform.dmaRead(dev, dma, len);
        assertThat(a).as("device read at 0x%x", dma).isInstanceOf(DmaAccess.Done.class);
        return ((DmaAccess.Done) a).data();
    }

    boolean deviceReadFaults(DeviceId dev, long dma, int len) {
        return platform.dmaRead(dev, dma, len).faulted();
    }
}
