package org.dmacheck.spec.api;

import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.DmaAttrs;

/**
 * A DMA-mapping engine: one method per Linux DMA-API call ({@code include/linux/dma-mapping.h},
 * §2 and §7 of {@code kernel-dma-semantics.md}). An engine is created for one platform by its
 * {@link DmaEngineProvider} and programs that platform's {@link org.dmacheck.spec.platform.Hardware}.
 *
 * <p>Conventions are the kernel's: a single-buffer map returns a DMA address or
 * {@link #DMA_MAPPING_ERROR}; {@code map_sg} returns the number of DMA segments (1..nents) or a
 * negative errno ({@code -EINVAL}, {@code -ENOMEM}, {@code -EIO}, {@code -EREMOTEIO}); the two-step
 * calls return 0 or a negative errno. Where Linux would {@code BUG()} (an invalid direction, an
 * unknown device) the engine throws {@link IllegalArgumentException} naming the argument; where
 * Linux would {@code WARN} and carry on (unmap of an unknown address) the engine logs through
 * {@code Hardware.warn} and leaves every other mapping alone.
 *
 * <p>All addresses and sizes are unsigned 64-bit values carried in {@code long}.
 */
public interface DmaEngine {
    /** {@code DMA_MAPPING_ERROR}: all ones. */
    long DMA_MAPPING_ERROR = -1L;

    /** {@code dma_map_phys(dev, phys, size, dir, attrs)} (v6.18+), the single-buffer primitive. */
    long mapPhys(DeviceId dev, long phys, long size, Direction dir, long attrs);

    /** {@code dma_unmap_phys(dev, addr, size, dir, attrs)}: same size and direction as mapped. */
    void unmapPhys(DeviceId dev, long addr, long size, Direction dir, long attrs);

    /**
     * {@code dma_map_page_attrs(dev, page, offset, size, dir, attrs)}: returns
     * {@link #DMA_MAPPING_ERROR} for {@code DMA_ATTR_MMIO}, else {@code dma_map_phys(page + offset)}.
     */
    default long mapPage(DeviceId dev, long pagePhys, long offset, long size, Direction dir, long attrs) {
        if (DmaAttrs.has(attrs, DmaAttrs.MMIO)) {
            return DMA_MAPPING_ERROR;
        }
        return mapPhys(dev, pagePhys + offset, size, dir, attrs);
    }

    /** {@code dma_unmap_page_attrs}: silently ignored with {@code DMA_ATTR_MMIO}. */
    default void unmapPage(DeviceId dev, long addr, long size, Direction dir, long attrs) {
        if (!DmaAttrs.has(attrs, DmaAttrs.MMIO)) {
            unmapPhys(dev, addr, size, dir, attrs);
        }
    }

    /** {@code dma_map_resource} = {@code dma_map_phys(..., attrs | DMA_ATTR_MMIO)} (v6.18+). */
    default long mapResource(DeviceId dev, long phys, long size, Direction dir, long attrs) {
        return mapPhys(dev, phys, size, dir, attrs | DmaAttrs.MMIO);
    }

    /** {@code dma_unmap_resource} = {@code dma_unmap_phys(..., attrs | DMA_ATTR_MMIO)}. */
    default void unmapResource(DeviceId dev, long addr, long size, Direction dir, long attrs) {
        unmapPhys(dev, addr, size, dir, attrs | DmaAttrs.MMIO);
    }

    /**
     * {@code __dma_map_sg_attrs}: maps the first {@code nents} entries and writes the DMA segments
     * at the head of {@code sgl}.
     *
     * @return the number of DMA segments (1..nents), or {@code -EINVAL}, {@code -ENOMEM},
     *         {@code -EIO} or {@code -EREMOTEIO}; a failure leaves nothing mapped
     */
    int mapSg(DeviceId dev, Scatterlist sgl, int nents, Direction dir, long attrs);

    /** {@code dma_unmap_sg_attrs}: {@code nents} is the count passed to map, not the one returned. */
    void unmapSg(DeviceId dev, Scatterlist sgl, int nents, Direction dir, long attrs);

    /** {@code dma_sync_single_for_cpu(dev, addr, size, dir)}; {@code addr} may point inside a mapping. */
    void syncSingleForCpu(DeviceId dev, long addr, long size, Direction dir);

    /** {@code dma_sync_single_for_device(dev, addr, size, dir)}. */
    void syncSingleForDevice(DeviceId dev, long addr, long size, Direction dir);

    /** {@code dma_sync_sg_for_cpu(dev, sgl, nents, dir)} with the original {@code nents}. */
    void syncSgForCpu(DeviceId dev, Scatterlist sgl, int nents, Direction dir);

    /** {@code dma_sync_sg_for_device(dev, sgl, nents, dir)} with the original {@code nents}. */
    void syncSgForDevice(DeviceId dev, Scatterlist sgl, int nents, Direction dir);

    /**
     * {@code dma_iova_try_alloc(dev, state, phys, size)}: zeroes {@code state}, then reserves
     * {@code alignG(size + off(phys))} of IOVA. False (state zeroed) when the device is not on
     * dma-iommu, for size 0, or when the IOVA space is exhausted.
     */
    boolean iovaTryAlloc(DeviceId dev, DmaIovaState state, long phys, long size);

    /** {@code dma_iova_link(dev, state, phys, offset, size, dir, attrs)}: 0 or a negative errno. */
    int iovaLink(DeviceId dev, DmaIovaState state, long phys, long offset, long size, Direction dir, long attrs);

    /** {@code dma_iova_sync(dev, state, offset, size)}: 0 or a negative errno. */
    int iovaSync(DeviceId dev, DmaIovaState state, long offset, long size);

    /** {@code dma_iova_unlink(dev, state, offset, size, dir, attrs)}: always strict. */
    void iovaUnlink(DeviceId dev, DmaIovaState state, long offset, long size, Direction dir, long attrs);

    /** {@code dma_iova_free(dev, state)}: releases the reservation immediately. */
    void iovaFree(DeviceId dev, DmaIovaState state);

    /** {@code dma_iova_destroy(dev, state, mapped_len, dir, attrs)}: unlink {@code [0, mapped_len)} and free. */
    void iovaDestroy(DeviceId dev, DmaIovaState state, long mappedLen, Direction dir, long attrs);

    /** {@code dma_alloc_attrs}: a coherent buffer below the coherent mask, or null on failure. */
    CoherentBuffer allocCoherent(DeviceId dev, long size, long attrs);

    /** {@code dma_free_attrs}. */
    void freeCoherent(DeviceId dev, CoherentBuffer buffer, long attrs);

    /** {@code dma_mapping_error(dev, addr)}: {@code -ENOMEM} for {@link #DMA_MAPPING_ERROR}, else 0. */
    default int mappingError(DeviceId dev, long addr) {
        return addr == DMA_MAPPING_ERROR ? -Errno.ENOMEM : 0;
    }

    /**
     * Advances the engine's logical clock by {@code millis}; deferred work that falls due runs now
     * (the flush-queue timer, {@code IOVA_FQ_TIMEOUT}). Operation sequences drive time explicitly,
     * so lazy invalidation is deterministic and replayable.
     */
    void advanceClock(long millis);

    /** What the engine holds right now. */
    ResourceUsage usage();
}
