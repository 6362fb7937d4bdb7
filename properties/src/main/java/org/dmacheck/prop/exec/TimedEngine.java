package org.dmacheck.prop.exec;

import java.util.Objects;
import org.dmacheck.spec.api.CoherentBuffer;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.api.DmaIovaState;
import org.dmacheck.spec.api.ResourceUsage;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;

/**
 * An engine whose every call runs under a {@link CallTimer}: a call that hangs throws
 * {@link EngineHangException} naming the Linux call. Every method forwards, including the ones
 * {@link DmaEngine} defaults, so an engine's own overrides are what runs.
 */
public final class TimedEngine implements DmaEngine {
    private final DmaEngine inner;
    private final CallTimer timer;

    public TimedEngine(DmaEngine inner, CallTimer timer) {
        this.inner = Objects.requireNonNull(inner, "inner");
        this.timer = Objects.requireNonNull(timer, "timer");
    }

    @Override
    public long mapPhys(DeviceId dev, long phys, long size, Direction dir, long attrs) {
        return timer.call("dma_map_phys", () -> inner.mapPhys(dev, phys, size, dir, attrs));
    }

    @Override
    public void unmapPhys(DeviceId dev, long addr, long size, Direction dir, long attrs) {
        timer.run("dma_unmap_phys", () -> inner.unmapPhys(dev, addr, size, dir, attrs));
    }

    @Override
    public long mapPage(DeviceId dev, long pagePhys, long offset, long size, Direction dir, long attrs) {
        return timer.call("dma_map_page_attrs", () -> inner.mapPage(dev, pagePhys, offset, size, dir, attrs));
    }

    @Override
    public void unmapPage(DeviceId dev, long addr, long size, Direction dir, long attrs) {
        timer.run("dma_unmap_page_attrs", () -> inner.unmapPage(dev, addr, size, dir, attrs));
    }

    @Override
    public long mapResource(DeviceId dev, long phys, long size, Direction dir, long attrs) {
        return timer.call("dma_map_resource", () -> inner.mapResource(dev, phys, size, dir, attrs));
    }

    @Override
    public void unmapResource(DeviceId dev, long addr, long size, Direction dir, long attrs) {
        timer.run("dma_unmap_resource", () -> inner.unmapResource(dev, addr, size, dir, attrs));
    }

    @Override
    public int mapSg(DeviceId dev, Scatterlist sgl, int nents, Direction dir, long attrs) {
        return timer.call("dma_map_sg", () -> inner.mapSg(dev, sgl, nents, dir, attrs));
    }

    @Override
    public void unmapSg(DeviceId dev, Scatterlist sgl, int nents, Direction dir, long attrs) {
        timer.run("dma_unmap_sg", () -> inner.unmapSg(dev, sgl, nents, dir, attrs));
    }

    @Override
    public void syncSingleForCpu(DeviceId dev, long addr, long size, Direction dir) {
        timer.run("dma_sync_single_for_cpu", () -> inner.syncSingleForCpu(dev, addr, size, dir));
    }

    @Override
    public void syncSingleForDevice(DeviceId dev, long addr, long size, Direction dir) {
        timer.run("dma_sync_single_for_device", () -> inner.syncSingleForDevice(dev, addr, size, dir));
    }

    @Override
    public void syncSgForCpu(DeviceId dev, Scatterlist sgl, int nents, Direction dir) {
        timer.run("dma_sync_sg_for_cpu", () -> inner.syncSgForCpu(dev, sgl, nents, dir));
    }

    @Override
    public void syncSgForDevice(DeviceId dev, Scatterlist sgl, int nents, Direction dir) {
        timer.run("dma_sync_sg_for_device", () -> inner.syncSgForDevice(dev, sgl, nents, dir));
    }

    @Override
    public boolean iovaTryAlloc(DeviceId dev, DmaIovaState state, long phys, long size) {
        return timer.call("dma_iova_try_alloc", () -> inner.iovaTryAlloc(dev, state, phys, size));
    }

    @Override
    public int iovaLink(DeviceId dev, DmaIovaState state, long phys, long offset, long size, Direction dir,
                        long attrs) {
        return timer.call("dma_iova_link", () -> inner.iovaLink(dev, state, phys, offset, size, dir, attrs));
    }

    @Override
    public int iovaSync(DeviceId dev, DmaIovaState state, long offset, long size) {
        return timer.call("dma_iova_sync", () -> inner.iovaSync(dev, state, offset, size));
    }

    @Override
    public void iovaUnlink(DeviceId dev, DmaIovaState state, long offset, long size, Direction dir, long attrs) {
        timer.run("dma_iova_unlink", () -> inner.iovaUnlink(dev, state, offset, size, dir, attrs));
    }

    @Override
    public void iovaFree(DeviceId dev, DmaIovaState state) {
        timer.run("dma_iova_free", () -> inner.iovaFree(dev, state));
    }

    @Override
    public void iovaDestroy(DeviceId dev, DmaIovaState state, long mappedLen, Direction dir, long attrs) {
        timer.run("dma_iova_destroy", () -> inner.iovaDestroy(dev, state, mappedLen, dir, attrs));
    }

    @Override
    public CoherentBuffer allocCoherent(DeviceId dev, long size, long attrs) {
        return timer.call("dma_alloc_attrs", () -> inner.allocCoherent(dev, size, attrs));
    }

    @Override
    public void freeCoherent(DeviceId dev, CoherentBuffer buffer, long attrs) {
        timer.run("dma_free_attrs", () -> inner.freeCoherent(dev, buffer, attrs));
    }

    @Override
    public int mappingError(DeviceId dev, long addr) {
        return timer.call("dma_mapping_error", () -> inner.mappingError(dev, addr));
    }

    @Override
    public void advanceClock(long millis) {
        timer.run("advance_clock", () -> inner.advanceClock(millis));
    }

    @Override
    public ResourceUsage usage() {
        return timer.call("usage", inner::usage);
    }
}
