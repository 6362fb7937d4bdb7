package org.dmacheck.prop.canary;

import org.dmacheck.spec.api.CoherentBuffer;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.api.DmaIovaState;
import org.dmacheck.spec.api.ResourceUsage;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;

/** An engine that forwards every call to the reference engine; a canary overrides where it breaks. */
class ForwardingEngine implements DmaEngine {
    protected final DmaEngine inner;

    ForwardingEngine(DmaEngine inner) {
        this.inner = inner;
    }

    @Override
    public long mapPhys(DeviceId dev, long phys, long size, Direction dir, long attrs) {
        return inner.mapPhys(dev, phys, size, dir, attrs);
    }

    @Override
    public void unmapPhys(DeviceId dev, long addr, long size, Direction dir, long attrs) {
        inner.unmapPhys(dev, addr, size, dir, attrs);
    }

    @Override
    public long mapPage(DeviceId dev, long pagePhys, long offset, long size, Direction dir, long attrs) {
        return inner.mapPage(dev, pagePhys, offset, size, dir, attrs);
    }

    @Override
    public void unmapPage(DeviceId dev, long addr, long size, Direction dir, long attrs) {
        inner.unmapPage(dev, addr, size, dir, attrs);
    }

    @Override
    public long mapResource(DeviceId dev, long phys, long size, Direction dir, long attrs) {
        return inner.mapResource(dev, phys, size, dir, attrs);
    }

    @Override
    public void unmapResource(DeviceId dev, long addr, long size, Direction dir, long attrs) {
        inner.unmapResource(dev, addr, size, dir, attrs);
    }

    @Override
    public int mapSg(DeviceId dev, Scatterlist sgl, int nents, Direction dir, long attrs) {
        return inner.mapSg(dev, sgl, nents, dir, attrs);
    }

    @Override
    public void unmapSg(DeviceId dev, Scatterlist sgl, int nents, Direction dir, long attrs) {
        inner.unmapSg(dev, sgl, nents, dir, attrs);
    }

    @Override
    public void syncSingleForCpu(DeviceId dev, long addr, long size, Direction dir) {
        inner.syncSingleForCpu(dev, addr, size, dir);
    }

    @Override
    public void syncSingleForDevice(DeviceId dev, long addr, long size, Direction dir) {
        inner.syncSingleForDevice(dev, addr, size, dir);
    }

    @Override
    public void syncSgForCpu(DeviceId dev, Scatterlist sgl, int nents, Direction dir) {
        inner.syncSgForCpu(dev, sgl, nents, dir);
    }

    @Override
    public void syncSgForDevice(DeviceId dev, Scatterlist sgl, int nents, Direction dir) {
        inner.syncSgForDevice(dev, sgl, nents, dir);
    }

    @Override
    public boolean iovaTryAlloc(DeviceId dev, DmaIovaState state, long phys, long size) {
        return inner.iovaTryAlloc(dev, state, phys, size);
    }

    @Override
    public int iovaLink(DeviceId dev, DmaIovaState state, long phys, long offset, long size, Direction dir,
                        long attrs) {
        return inner.iovaLink(dev, state, phys, offset, size, dir, attrs);
    }

    @Override
    public int iovaSync(DeviceId dev, DmaIovaState state, long offset, long size) {
        return inner.iovaSync(dev, state, offset, size);
    }

    @Override
    public void iovaUnlink(DeviceId dev, DmaIovaState state, long offset, long size, Direction dir, long attrs) {
        inner.iovaUnlink(dev, state, offset, size, dir, attrs);
    }

    @Override
    public void iovaFree(DeviceId dev, DmaIovaState state) {
        inner.iovaFree(dev, state);
    }

    @Override
    public void iovaDestroy(DeviceId dev, DmaIovaState state, long mappedLen, Direction dir, long attrs) {
        inner.iovaDestroy(dev, state, mappedLen, dir, attrs);
    }

    @Override
    public CoherentBuffer allocCoherent(DeviceId dev, long size, long attrs) {
        return inner.allocCoherent(dev, size, attrs);
    }

    @Override
    public void freeCoherent(DeviceId dev, CoherentBuffer buffer, long attrs) {
        inner.freeCoherent(dev, buffer, attrs);
    }

    @Override
    public int mappingError(DeviceId dev, long addr) {
        return inner.mappingError(dev, addr);
    }

    @Override
    public void advanceClock(long millis) {
        inner.advanceClock(millis);
    }

    @Override
    public ResourceUsage usage() {
        return inner.usage();
    }
}
