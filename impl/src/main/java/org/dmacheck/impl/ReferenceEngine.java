package org.dmacheck.impl;

import org.dmacheck.impl.coherent.CoherentAllocations;
import org.dmacheck.impl.coherent.DirectCoherent;
import org.dmacheck.impl.direct.DmaDirect;
import org.dmacheck.impl.iommu.DmaIommu;
import org.dmacheck.impl.swiotlb.Swiotlb;
import org.dmacheck.spec.api.CoherentBuffer;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.api.DmaIovaState;
import org.dmacheck.spec.api.Errno;
import org.dmacheck.spec.api.ResourceUsage;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.Hardware;
import org.dmacheck.spec.platform.IommuHw;

/**
 * The reference engine's dispatcher, shaped like {@code kernel/dma/mapping.c}: every entry point
 * checks its arguments (an invalid direction or an unknown device is a {@code BUG()} in Linux and
 * an {@link IllegalArgumentException} here), then calls dma-iommu when the device is attached to a
 * DMA or DMA_FQ domain ({@code use_dma_iommu}) and dma-direct otherwise.
 */
public final class ReferenceEngine implements DmaEngine {
    private final Hardware hw;
    private final Swiotlb swiotlb;
    private final DmaDirect direct;
    private final DirectCoherent directCoherent;
    private final DmaIommu iommu;
    private final CoherentAllocations coherent;

    public ReferenceEngine(Hardware hw) {
        this.hw = hw;
        this.swiotlb = new Swiotlb(hw);
        this.direct = new DmaDirect(hw, swiotlb);
        this.directCoherent = new DirectCoherent(hw);
        this.iommu = new DmaIommu(hw, swiotlb);
        this.coherent = new CoherentAllocations(hw);
    }

    /** {@code use_dma_iommu(dev)}: the device's default domain is translated by dma-iommu. */
    private boolean useDmaIommu(DeviceId dev) {
        hw.device(dev);
        return hw.iommu(dev).map(IommuHw::config).map(c -> c.type().usesDmaIommu()).orElse(false);
    }

    private static void checkDirection(Direction dir, String call) {
        if (dir == null || !dir.isValid()) {
            throw new IllegalArgumentException("dir: " + (dir == null ? "null" : "DMA_" + dir.name())
                    + " is not a valid DMA direction for " + call);
        }
    }

    private static void checkNents(Scatterlist sgl, int nents, String call) {
        if (sgl == null) {
            throw new IllegalArgumentException("sgl: null scatterlist for " + call);
        }
        if (nents < 0 || nents > sgl.size()) {
            throw new IllegalArgumentException("nents: " + nents + " is outside 0.." + sgl.size()
                    + " (the scatterlist's entries) for " + call);
        }
    }

    @Override
    public long mapPhys(DeviceId dev, long phys, long size, Direction dir, long attrs) {
        checkDirection(dir, "dma_map_phys");
        return useDmaIommu(dev) ? iommu.mapPhys(dev, phys, size, dir, attrs)
                : direct.mapPhys(dev, phys, size, dir, attrs);
    }

    @Override
    public void unmapPhys(DeviceId dev, long addr, long size, Direction dir, long attrs) {
        checkDirection(dir, "dma_unmap_phys");
        if (useDmaIommu(dev)) {
            iommu.unmapPhys(dev, addr, size, dir, attrs);
        } else {
            direct.unmapPhys(dev, addr, size, dir, attrs);
        }
    }

    /** {@code __dma_map_sg_attrs}: an unexpected result code becomes {@code -EIO} with a warning (§2.4). */
    @Override
    public int mapSg(DeviceId dev, Scatterlist sgl, int nents, Direction dir, long attrs) {
        checkDirection(dir, "dma_map_sg");
        checkNents(sgl, nents, "dma_map_sg");
        if (nents == 0) {
            hw.device(dev);
            hw.warn(dev + ": dma_map_sg of 0 entries, reported as -EIO");
            return -Errno.EIO;
        }
        int ents = useDmaIommu(dev) ? iommu.mapSg(dev, sgl, nents, dir, attrs)
                : direct.mapSg(dev, sgl, nents, dir, attrs);
        if (ents > 0) {
            return ents;
        }
        if (ents != -Errno.EINVAL && ents != -Errno.ENOMEM && ents != -Errno.EIO && ents != -Errno.EREMOTEIO) {
            hw.warn(dev + ": dma_map_sg: unexpected result " + Errno.name(ents) + " for " + nents
                    + " entries, reported as -EIO");
            return -Errno.EIO;
        }
        return ents;
    }

    @Override
    public void unmapSg(DeviceId dev, Scatterlist sgl, int nents, Direction dir, long attrs) {
        checkDirection(dir, "dma_unmap_sg");
        checkNents(sgl, nents, "dma_unmap_sg");
        if (nents == 0) {
            hw.device(dev);
            return;
        }
        if (useDmaIommu(dev)) {
            iommu.unmapSg(dev, sgl, nents, dir, attrs);
        } else {
            direct.unmapSg(dev, sgl, nents, dir, attrs);
        }
    }

    @Override
    public void syncSingleForCpu(DeviceId dev, long addr, long size, Direction dir) {
        checkDirection(dir, "dma_sync_single_for_cpu");
        if (useDmaIommu(dev)) {
            iommu.syncSingleForCpu(dev, addr, size, dir);
        } else {
            direct.syncSingleForCpu(dev, addr, size, dir);
        }
    }

    @Override
    public void syncSingleForDevice(DeviceId dev, long addr, long size, Direction dir) {
        checkDirection(dir, "dma_sync_single_for_device");
        if (useDmaIommu(dev)) {
            iommu.syncSingleForDevice(dev, addr, size, dir);
        } else {
            direct.syncSingleForDevice(dev, addr, size, dir);
        }
    }

    @Override
    public void syncSgForCpu(DeviceId dev, Scatterlist sgl, int nents, Direction dir) {
        checkDirection(dir, "dma_sync_sg_for_cpu");
        checkNents(sgl, nents, "dma_sync_sg_for_cpu");
        if (nents == 0) {
            hw.device(dev);
            return;
        }
        if (useDmaIommu(dev)) {
            iommu.syncSgForCpu(dev, sgl, nents, dir);
        } else {
            direct.syncSgForCpu(dev, sgl, nents, dir);
        }
    }

    @Override
    public void syncSgForDevice(DeviceId dev, Scatterlist sgl, int nents, Direction dir) {
        checkDirection(dir, "dma_sync_sg_for_device");
        checkNents(sgl, nents, "dma_sync_sg_for_device");
        if (nents == 0) {
            hw.device(dev);
            return;
        }
        if (useDmaIommu(dev)) {
            iommu.syncSgForDevice(dev, sgl, nents, dir);
        } else {
            direct.syncSgForDevice(dev, sgl, nents, dir);
        }
    }

    /** {@code dma_iova_try_alloc}: false with a zeroed state unless the device is on dma-iommu. */
    @Override
    public boolean iovaTryAlloc(DeviceId dev, DmaIovaState state, long phys, long size) {
        checkState(state, "dma_iova_try_alloc");
        if (!useDmaIommu(dev)) {
            state.clear();
            return false;
        }
        return iommu.iovaTryAlloc(dev, state, phys, size);
    }

    @Override
    public int iovaLink(DeviceId dev, DmaIovaState state, long phys, long offset, long size, Direction dir, long attrs) {
        checkDirection(dir, "dma_iova_link");
        return iovaDevice(dev, state, "dma_iova_link").iovaLink(dev, state, phys, offset, size, dir, attrs);
    }

    @Override
    public int iovaSync(DeviceId dev, DmaIovaState state, long offset, long size) {
        return iovaDevice(dev, state, "dma_iova_sync").iovaSync(dev, state, offset, size);
    }

    @Override
    public void iovaUnlink(DeviceId dev, DmaIovaState state, long offset, long size, Direction dir, long attrs) {
        checkDirection(dir, "dma_iova_unlink");
        iovaDevice(dev, state, "dma_iova_unlink").iovaUnlink(dev, state, offset, size, dir, attrs);
    }

    @Override
    public void iovaFree(DeviceId dev, DmaIovaState state) {
        iovaDevice(dev, state, "dma_iova_free").iovaFree(dev, state);
    }

    @Override
    public void iovaDestroy(DeviceId dev, DmaIovaState state, long mappedLen, Direction dir, long attrs) {
        checkDirection(dir, "dma_iova_destroy");
        iovaDevice(dev, state, "dma_iova_destroy").iovaDestroy(dev, state, mappedLen, dir, attrs);
    }

    private static void checkState(DmaIovaState state, String call) {
        if (state == null) {
            throw new IllegalArgumentException("state: null dma_iova_state for " + call);
        }
    }

    /** The two-step calls after {@code dma_iova_try_alloc} exist only on dma-iommu devices. */
    private DmaIommu iovaDevice(DeviceId dev, DmaIovaState state, String call) {
        checkState(state, call);
        if (!useDmaIommu(dev)) {
            throw new IllegalArgumentException("state: " + call + " on device " + dev
                    + ", which is not on dma-iommu (dma_iova_try_alloc returns false for it)");
        }
        return iommu;
    }

    @Override
    public CoherentBuffer allocCoherent(DeviceId dev, long size, long attrs) {
        CoherentBuffer b = useDmaIommu(dev) ? iommu.allocCoherent(dev, size, attrs)
                : directCoherent.alloc(dev, size, attrs);
        if (b != null) {
            coherent.allocated(dev, b);
        }
        return b;
    }

    @Override
    public void freeCoherent(DeviceId dev, CoherentBuffer buffer, long attrs) {
        boolean iommuPath = useDmaIommu(dev);
        if (buffer == null || !coherent.release(dev, buffer)) {
            return;
        }
        if (iommuPath) {
            iommu.freeCoherent(dev, buffer, attrs);
        } else {
            directCoherent.free(dev, buffer);
        }
    }

    @Override
    public void advanceClock(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("millis: " + millis + " is negative; the clock only moves forward");
        }
        iommu.advanceClock(millis);
    }

    @Override
    public ResourceUsage usage() {
        return new ResourceUsage(iommu.iovaGranules(), iommu.flushQueued(), iommu.livePtes(),
                swiotlb.slotsUsed(), coherent.bytes());
    }
}
