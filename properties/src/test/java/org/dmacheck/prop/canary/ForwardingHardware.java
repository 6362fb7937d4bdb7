package org.dmacheck.prop.canary;

import java.util.Optional;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.Hardware;
import org.dmacheck.spec.platform.IommuHw;
import org.dmacheck.spec.platform.MemoryRegion;
import org.dmacheck.spec.platform.P2pPath;
import org.dmacheck.spec.platform.PlatformConfig;

/**
 * The hardware as a broken engine sees it: forwards everything to the real platform; a canary
 * overrides the one method through which its bug enters (a dropped cache clean, a device config
 * the engine misreads, an IOTLB flush that never happens). The spec still observes the real platform.
 */
class ForwardingHardware implements Hardware {
    protected final Hardware real;

    ForwardingHardware(Hardware real) {
        this.real = real;
    }

    @Override
    public PlatformConfig config() {
        return real.config();
    }

    @Override
    public DeviceConfig device(DeviceId id) {
        return real.device(id);
    }

    @Override
    public boolean isPci(DeviceId id) {
        return real.isPci(id);
    }

    @Override
    public Optional<IommuHw> iommu(DeviceId id) {
        return real.iommu(id);
    }

    @Override
    public MemoryRegion regionOf(long phys) {
        return real.regionOf(phys);
    }

    @Override
    public P2pPath p2pMapType(String provider, DeviceId client) {
        return real.p2pMapType(provider, client);
    }

    @Override
    public void cpuCopy(long dstPhys, long srcPhys, long len) {
        real.cpuCopy(dstPhys, srcPhys, len);
    }

    @Override
    public void cpuFill(long phys, long len, byte value) {
        real.cpuFill(phys, len, value);
    }

    @Override
    public void archSyncForDevice(long phys, long size, Direction dir) {
        real.archSyncForDevice(phys, size, dir);
    }

    @Override
    public void archSyncForCpu(long phys, long size, Direction dir) {
        real.archSyncForCpu(phys, size, dir);
    }

    @Override
    public long allocPages(long size, long limit) {
        return real.allocPages(size, limit);
    }

    @Override
    public void freePages(long phys, long size) {
        real.freePages(phys, size);
    }

    @Override
    public void warn(String message) {
        real.warn(message);
    }
}
