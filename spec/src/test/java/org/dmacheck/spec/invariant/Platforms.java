package org.dmacheck.spec.invariant;

import java.util.function.UnaryOperator;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.IommuDomainType;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.platform.PlatformBuilder;

/** Small platforms for worked examples: one device, {@link #DEV}, with RAM buffers at fixed addresses. */
final class Platforms {
    static final DeviceId DEV = DeviceId.of("0000:01:00.0");
    /** Two page-aligned buffers in the default low RAM (which starts at 1 MiB). */
    static final long BUF = 0x20_0000L;
    static final long BUF2 = 0x30_0000L;
    /** The default swiotlb pool's first byte (PlatformBuilder.DEFAULT_SWIOTLB). */
    static final long POOL = 0x4000_0000L;

    private Platforms() {
    }

    static Platform direct(UnaryOperator<DeviceConfig.Builder> dev) {
        return Platform.builder().device(dev.apply(DeviceConfig.builder(DEV.name())).build()).build();
    }

    static Platform direct() {
        return direct(d -> d);
    }

    static Platform iommu(IommuDomainType type, UnaryOperator<DeviceConfig.Builder> dev) {
        return iommu(type, b -> b, dev);
    }

    static Platform iommu(IommuDomainType type, UnaryOperator<PlatformBuilder> platform,
                          UnaryOperator<DeviceConfig.Builder> dev) {
        return platform.apply(Platform.builder().domain("dom0", type, 0x1000))
                .device(dev.apply(DeviceConfig.builder(DEV.name()).iommuDomain("dom0")).build()).build();
    }

    static Platform strict() {
        return iommu(IommuDomainType.DMA, d -> d);
    }
}
