package org.dmacheck.bench;

import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.api.Engines;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.IommuDomainType;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.platform.PlatformBuilder;

/**
 * The machine the scaling benchmarks run on: the default x86-like layout with one device per path
 * and a swiotlb pool sized to the benchmark: room for {@code live + 1} one-slot bounce buffers,
 * rounded up to a whole segment, plus one more segment.
 *
 * <ul>
 *   <li>{@link #STRICT}: on a DMA (strict) domain with a 4 KiB granule;</li>
 *   <li>{@link #LAZY}: on a DMA_FQ (lazy, flush queue) domain with a 4 KiB granule;</li>
 *   <li>{@link #BOUNCE}: dma-direct with {@code is_swiotlb_force_bounce()};</li>
 *   <li>{@link #DIRECT}: dma-direct, 64-bit masks, nothing bounced.</li>
 * </ul>
 * All are coherent platform devices (not PCI, so no 32-bit-first IOVA pass), so a measured call
 * costs data-structure work and no CPU cache maintenance.
 */
final class ScalingMachine {
    static final DeviceId STRICT = DeviceId.of("strict-dev");
    static final DeviceId LAZY = DeviceId.of("lazy-dev");
    static final DeviceId BOUNCE = DeviceId.of("bounce-dev");
    static final DeviceId DIRECT = DeviceId.of("direct-dev");

    /** {@code IO_TLB_SIZE * IO_TLB_SEGSIZE}: the pool is a whole number of 128-slot segments. */
    private static final long SWIOTLB_SEGMENT = 2048L * 128;
    /** The pool sits just above the default high RAM (which ends at 256 GiB). */
    private static final long POOL_BASE = 0x40_0000_0000L;
    private static final long GRANULE = 4096;

    final Platform platform;
    final DmaEngine engine;

    private ScalingMachine(Platform platform, DmaEngine engine) {
        this.platform = platform;
        this.engine = engine;
    }

    /**
     * A machine whose swiotlb pool holds {@code live + 1} one-slot bounce buffers with one to two
     * segments to spare, whatever {@code live} is. The pool is nearly full, so the next-fit cursor
     * wraps every few hundred calls and each search after a wrap must skip every full segment: the
     * slot search's hardest steady state, and the same one at every size (a roomy pool would make
     * the cursor's first wrap, and the JIT's first sight of that path, depend on the size).
     */
    static ScalingMachine build(int live) {
        long poolBytes = (ceilDiv((live + 1L) * 2048, SWIOTLB_SEGMENT) + 1) * SWIOTLB_SEGMENT;
        PlatformBuilder b = Platform.builder()
                .swiotlbPool(POOL_BASE, poolBytes)
                .domain("strict", IommuDomainType.DMA, GRANULE)
                .domain("lazy", IommuDomainType.DMA_FQ, GRANULE)
                .device(DeviceConfig.builder(STRICT.name()).iommuDomain("strict").build())
                .device(DeviceConfig.builder(LAZY.name()).iommuDomain("lazy").build())
                .device(DeviceConfig.builder(BOUNCE.name()).forceBounce(true).build())
                .device(DeviceConfig.builder(DIRECT.name()).build());
        Platform platform = b.build();
        return new ScalingMachine(platform, Engines.find("reference").create(platform));
    }

    /** A fresh page-aligned buffer of {@code size} bytes in RAM. */
    long buffer(long size) {
        return platform.buffers().allocate(size);
    }

    /** Fails when a measured or setup call was refused: the figures would not mean what they say. */
    static long mapped(long dma, DeviceId dev) {
        if (dma == DmaEngine.DMA_MAPPING_ERROR) {
            throw new IllegalStateException("map for " + dev + " returned DMA_MAPPING_ERROR");
        }
        return dma;
    }

    /** Fails when the engine warned since {@code mark} messages (a refused or misrouted call). */
    void requireQuietSince(int mark) {
        int now = platform.kernelLog().size();
        if (now != mark) {
            throw new IllegalStateException("the engine warned during the benchmark: "
                    + platform.kernelLog().subList(mark, Math.min(now, mark + 3)));
        }
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
