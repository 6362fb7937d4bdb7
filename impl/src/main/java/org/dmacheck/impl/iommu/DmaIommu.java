package org.dmacheck.impl.iommu;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;
import org.dmacheck.impl.swiotlb.Swiotlb;
import org.dmacheck.spec.api.CoherentBuffer;
import org.dmacheck.spec.api.DmaIovaState;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.Hardware;
import org.dmacheck.spec.platform.IommuHw;

/**
 * dma-iommu ({@code drivers/iommu/dma-iommu.c} with {@code drivers/iommu/iova.c}, Linux 6.18+
 * behaviour): the path the dispatcher takes for devices attached to a DMA (strict) or DMA_FQ (lazy)
 * domain. Methods mirror {@link org.dmacheck.spec.api.DmaEngine} and follow its conventions.
 *
 * <p>Software state is kept per domain (IOVA allocator, flush queue, live allocations, PTE count) and
 * per device ({@code pci_32bit_workaround}); both are set up on a device's first call, as
 * {@code iommu_dma_init_domain} does at probe. The flush-queue timer runs on a logical clock that
 * only {@link #advanceClock} moves.
 */
public final class DmaIommu {
    private final Hardware hw;
    private final Map<String, IommuDmaCookie> cookies = new TreeMap<>();
    private final Map<DeviceId, IommuDevice> devices = new HashMap<>();
    private final IommuDmaMap single;
    private final IommuDmaSg sg;
    private final IovaLinkApi iova;
    private final IommuDmaCoherent coherent;
    private long now;

    public DmaIommu(Hardware hw, Swiotlb swiotlb) {
        this.hw = hw;
        IommuBounce bounce = new IommuBounce(hw, swiotlb);
        this.single = new IommuDmaMap(hw, bounce);
        this.sg = new IommuDmaSg(hw, single);
        this.iova = new IovaLinkApi(hw, bounce);
        this.coherent = new IommuDmaCoherent(hw, single);
    }

    /** The device's dma-iommu state; throws if it is unknown or not on a DMA/DMA_FQ domain. */
    private IommuDevice device(DeviceId id) {
        IommuDevice d = devices.get(id);
        if (d != null) {
            return d;
        }
        DeviceConfig cfg = hw.device(id);
        IommuHw domain = hw.iommu(id).orElseThrow(() ->
                new IllegalArgumentException("device " + id + " is not attached to an IOMMU domain; dma-iommu cannot map for it"));
        if (!domain.config().type().usesDmaIommu()) {
            throw new IllegalArgumentException("device " + id + " is attached to " + domain.config().type()
                    + " domain " + domain.config().id() + "; dma-iommu handles only DMA and DMA_FQ domains");
        }
        IommuDmaCookie cookie = cookies.computeIfAbsent(domain.config().id(), k -> new IommuDmaCookie(domain, () -> now));
        d = new IommuDevice(hw, cfg, cookie);
        devices.put(id, d);
        return d;
    }

    private static Direction valid(Direction dir) {
        if (dir == null || !dir.isValid()) {
            throw new IllegalArgumentException("invalid DMA direction " + dir);
        }
        return dir;
    }

    private static void validNents(Scatterlist sgl, int nents) {
        if (nents < 1 || nents > sgl.size()) {
            throw new IllegalArgumentException("nents " + nents + " is outside 1.." + sgl.size() + " for the scatterlist");
        }
    }

    private static void validState(DmaIovaState state) {
        if (state == null) {
            throw new IllegalArgumentException("dma_iova_state is null");
        }
    }

    /** {@code iommu_dma_map_phys()}. */
    public long mapPhys(DeviceId dev, long phys, long size, Direction dir, long attrs) {
        return single.mapPhys(device(dev), phys, size, valid(dir), attrs);
    }

    /** {@code iommu_dma_unmap_phys()}. */
    public void unmapPhys(DeviceId dev, long addr, long size, Direction dir, long attrs) {
        single.unmapPhys(device(dev), addr, size, valid(dir), attrs);
    }

    /** {@code iommu_dma_map_sg()}: segment count, or {@code -EINVAL}/{@code -ENOMEM}/{@code -EIO}/{@code -EREMOTEIO}. */
    public int mapSg(DeviceId dev, Scatterlist sgl, int nents, Direction dir, long attrs) {
        IommuDevice d = device(dev);
        valid(dir);
        validNents(sgl, nents);
        return sg.mapSg(d, sgl, nents, dir, attrs);
    }

    /** {@code iommu_dma_unmap_sg()} with the {@code nents} passed to map. */
    public void unmapSg(DeviceId dev, Scatterlist sgl, int nents, Direction dir, long attrs) {
        IommuDevice d = device(dev);
        valid(dir);
        validNents(sgl, nents);
        sg.unmapSg(d, sgl, nents, dir, attrs);
    }

    public void syncSingleForCpu(DeviceId dev, long addr, long size, Direction dir) {
        single.syncSingleForCpu(device(dev), addr, size, valid(dir));
    }

    public void syncSingleForDevice(DeviceId dev, long addr, long size, Direction dir) {
        single.syncSingleForDevice(device(dev), addr, size, valid(dir));
    }

    public void syncSgForCpu(DeviceId dev, Scatterlist sgl, int nents, Direction dir) {
        IommuDevice d = device(dev);
        valid(dir);
        validNents(sgl, nents);
        sg.syncSgForCpu(d, sgl, nents, dir);
    }

    public void syncSgForDevice(DeviceId dev, Scatterlist sgl, int nents, Direction dir) {
        IommuDevice d = device(dev);
        valid(dir);
        validNents(sgl, nents);
        sg.syncSgForDevice(d, sgl, nents, dir);
    }

    /** {@code dma_iova_try_alloc()} for a device on a DMA/DMA_FQ domain. */
    public boolean iovaTryAlloc(DeviceId dev, DmaIovaState state, long phys, long size) {
        validState(state);
        return iova.tryAlloc(device(dev), state, phys, size);
    }

    public int iovaLink(DeviceId dev, DmaIovaState state, long phys, long offset, long size, Direction dir,
                        long attrs) {
        validState(state);
        return iova.link(device(dev), state, phys, offset, size, valid(dir), attrs);
    }

    public int iovaSync(DeviceId dev, DmaIovaState state, long offset, long size) {
        validState(state);
        return iova.sync(device(dev), state, offset, size);
    }

    public void iovaUnlink(DeviceId dev, DmaIovaState state, long offset, long size, Direction dir, long attrs) {
        validState(state);
        iova.unlink(device(dev), state, offset, size, valid(dir), attrs);
    }

    public void iovaFree(DeviceId dev, DmaIovaState state) {
        validState(state);
        iova.free(device(dev), state);
    }

    public void iovaDestroy(DeviceId dev, DmaIovaState state, long mappedLen, Direction dir, long attrs) {
        validState(state);
        iova.destroy(device(dev), state, mappedLen, valid(dir), attrs);
    }

    /** {@code iommu_dma_alloc()}; null on failure. */
    public CoherentBuffer allocCoherent(DeviceId dev, long size, long attrs) {
        return coherent.alloc(device(dev), size, attrs);
    }

    /** {@code iommu_dma_free()}. */
    public void freeCoherent(DeviceId dev, CoherentBuffer buffer, long attrs) {
        if (buffer == null) {
            throw new IllegalArgumentException("coherent buffer is null");
        }
        coherent.free(device(dev), buffer);
    }

    /** Moves the logical clock; a flush-queue timer that falls due fires now. */
    public void advanceClock(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("clock cannot go back: advanceClock(" + millis + ")");
        }
        now += millis;
        for (IommuDmaCookie c : cookies.values()) {
            c.tick(now);
        }
    }

    /** IOVA granules allocated per domain, including flush-queue entries and two-step reservations. */
    public Map<String, Long> iovaGranules() {
        return perDomain(IommuDmaCookie::iovaGranules);
    }

    /** IOVA granules per domain waiting in its flush queue. */
    public Map<String, Long> flushQueued() {
        return perDomain(IommuDmaCookie::flushQueued);
    }

    /** Page-table entries (granules) mapped by this engine per domain. */
    public Map<String, Long> livePtes() {
        return perDomain(IommuDmaCookie::livePtes);
    }

    /** Bytes of coherent allocations made through dma-iommu and not yet freed. */
    public long coherentBytes() {
        return coherent.outstandingBytes();
    }

    private Map<String, Long> perDomain(ToLongFunction<IommuDmaCookie> f) {
        Map<String, Long> out = new TreeMap<>();
        for (Map.Entry<String, IommuDmaCookie> e : cookies.entrySet()) {
            out.put(e.getKey(), f.applyAsLong(e.getValue()));
        }
        return out;
    }
}
