package org.dmacheck.gen.dma;

import java.util.Map;
import org.dmacheck.spec.api.CoherentBuffer;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.api.DmaIovaState;
import org.dmacheck.spec.api.ResourceUsage;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.Hardware;

/**
 * A test double that accepts every call and maps everything at its physical address (like an
 * identity dma-direct without limits): enough to drive the generators through every kind of step
 * without an engine. Maps of more than {@code failAbove} bytes fail, so failures occur too.
 */
final class EchoEngine implements DmaEngine {
    private final Hardware hw;
    private final long failAbove;

    EchoEngine(Hardware hw, long failAbove) {
        this.hw = hw;
        this.failAbove = failAbove;
    }

    @Override
    public long mapPhys(DeviceId dev, long phys, long size, Direction dir, long attrs) {
        return size > failAbove ? DMA_MAPPING_ERROR : phys;
    }

    @Override
    public void unmapPhys(DeviceId dev, long addr, long size, Direction dir, long attrs) {
    }

    @Override
    public int mapSg(DeviceId dev, Scatterlist sgl, int nents, Direction dir, long attrs) {
        for (int i = 0; i < nents; i++) {
            sgl.get(i).setDma(sgl.get(i).phys(), sgl.get(i).length());
        }
        return nents;
    }

    @Override
    public void unmapSg(DeviceId dev, Scatterlist sgl, int nents, Direction dir, long attrs) {
    }

    @Override
    public void syncSingleForCpu(DeviceId dev, long addr, long size, Direction dir) {
    }

    @Override
    public void syncSingleForDevice(DeviceId dev, long addr, long size, Direction dir) {
    }

    @Override
    public void syncSgForCpu(DeviceId dev, Scatterlist sgl, int nents, Direction dir) {
    }

    @Override
    public void syncSgForDevice(DeviceId dev, Scatterlist sgl, int nents, Direction dir) {
    }

    @Override
    public boolean iovaTryAlloc(DeviceId dev, DmaIovaState state, long phys, long size) {
        state.clear();
        if (size == 0 || size > failAbove) {
            return false;
        }
        state.set(phys, size);
        return true;
    }

    @Override
    public int iovaLink(DeviceId dev, DmaIovaState state, long phys, long offset, long size, Direction dir,
                        long attrs) {
        return 0;
    }

    @Override
    public int iovaSync(DeviceId dev, DmaIovaState state, long offset, long size) {
        return 0;
    }

    @Override
    public void iovaUnlink(DeviceId dev, DmaIovaState state, long offset, long size, Direction dir, long attrs) {
    }

    @Override
    public void iovaFree(DeviceId dev, DmaIovaState state) {
    }

    @Override
    public void iovaDestroy(DeviceId dev, DmaIovaState state, long mappedLen, Direction dir, long attrs) {
    }

    @Override
    public CoherentBuffer allocCoherent(DeviceId dev, long size, long attrs) {
        long phys = hw.allocPages(size, hw.device(dev).coherentLimit());
        return phys == -1 ? null : new CoherentBuffer(phys, phys, size);
    }

    @Override
    public void freeCoherent(DeviceId dev, CoherentBuffer buffer, long attrs) {
        hw.freePages(buffer.cpuPhys(), buffer.size());
    }

    @Override
    public void advanceClock(long millis) {
    }

    @Override
    public ResourceUsage usage() {
        return new ResourceUsage(Map.of(), Map.of(), Map.of(), 0, 0);
    }
}
