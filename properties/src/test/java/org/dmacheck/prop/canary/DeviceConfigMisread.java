package org.dmacheck.prop.canary;

import java.util.function.UnaryOperator;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Hardware;
import org.dmacheck.spec.platform.PlatformConfig;

/**
 * Hardware whose device parameters reach the engine altered, wherever it reads them
 * ({@link #device} or {@link #config}): the engine ignores one of them.
 */
final class DeviceConfigMisread extends ForwardingHardware {
    private final UnaryOperator<DeviceConfig.Builder> misread;

    DeviceConfigMisread(Hardware real, UnaryOperator<DeviceConfig.Builder> misread) {
        super(real);
        this.misread = misread;
    }

    @Override
    public DeviceConfig device(DeviceId id) {
        return misread(real.device(id));
    }

    @Override
    public PlatformConfig config() {
        PlatformConfig p = real.config();
        return new PlatformConfig(p.pageSize(), p.cacheLineSize(), p.physAddressBits(), p.regions(), p.hostBridges(),
                p.pciNodes(), p.domains(), p.devices().stream().map(this::misread).toList(), p.x86MsiWindow(),
                p.cpuSupportsP2p(), p.swiotlbAreas(), p.forceDac());
    }

    private DeviceConfig misread(DeviceConfig d) {
        return misread.apply(d.toBuilder()).build();
    }
}
