package org.dmacheck.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.DmaAccess;
import org.dmacheck.spec.platform.DmaAttrs;
import org.dmacheck.spec.platform.DmaRange;
import org.dmacheck.spec.platform.Placement;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.platform.PlatformBuilder;
import org.dmacheck.spec.platform.Unsigned;
import org.junit.jupiter.api.Test;

/**
 * Worked examples of the direct path through the reference engine: devices without an IOMMU, the
 * default swiotlb pool of 64 MiB at 0x4000_0000 unless said otherwise. Every expected address is
 * derived in a comment from dma-direct's rules (§3) and swiotlb's slot choice (§4: a fresh pool
 * hands out slot 0 first; mappings of a page or more start page-aligned).
 */
class DirectPathTest {
    private static final DeviceId DEV = DeviceId.of("dev");
    private static final long POOL = 0x4000_0000L;

    private static byte[] filled(int len, int value) {
        byte[] b = new byte[len];
        Arrays.fill(b, (byte) value);
        return b;
    }

    private static byte[] devRead(Platform p, long dma, int len) {
        DmaAccess a = p.dmaRead(DEV, dma, len);
        assertThat(a).as("device read at %s", Unsigned.hex(dma)).isInstanceOf(DmaAccess.Done.class);
        return ((DmaAccess.Done) a).data();
    }

    private static void devWrite(Platform p, long dma, byte[] data) {
        assertThat(p.dmaWrite(DEV, dma, data).faulted()).as("device write at %s", Unsigned.hex(dma)).isFalse();
    }

    private static Platform platform(PlatformBuilder b, DeviceConfig.Builder dev) {
        return b.device(dev.build()).build();
    }

    @Test
    void anAddressOutsideTheRangeMapWindowIsBouncedIntoTheWindowWithoutWrapping() {
        // bug-classes example 31 (Raspberry Pi 4): CPU [0, 1 GiB) is DMA [0xC000_0000, 0x1_0000_0000);
        // 32-bit mask; the pool sits inside the window at 0x2000_0000
        Platform p = platform(Platform.builder().noDefaultRam()
                        .ram(0x10_0000L, 0x2000_0000L - 0x10_0000L)
                        .swiotlbPool(0x2000_0000L, 64L << 20)
                        .ram(0x2400_0000L, 0x8000_0000L - 0x2400_0000L),
                DeviceConfig.builder("dev").masks(Unsigned.bitMask(32))
                        .rangeMap(List.of(new DmaRange(0, 0xC000_0000L, 0x4000_0000L))));
        DmaEngine e = new ReferenceEngine(p);
        long buf = p.buffers().allocate(4096, 0, new Placement.At(0x5000_0000L));
        p.cpuWrite(buf, filled(4096, 0x31));
        long dma = e.mapPhys(DEV, buf, 4096, Direction.TO_DEVICE, 0);
        // 0x5000_0000 is in no window: bounce to slot 0 (0x2000_0000), DMA 0x2000_0000 + 0xC000_0000.
        // A 32-bit wrap of 0x5000_0000 + 0xC000_0000 would have given 0x1000_0000.
        assertThat(dma).isEqualTo(0xE000_0000L);
        assertThat(devRead(p, dma, 4096)).isEqualTo(filled(4096, 0x31));
        assertThat(e.usage().swiotlbSlots()).isEqualTo(2);
        e.unmapPhys(DEV, dma, 4096, Direction.TO_DEVICE, 0);
        assertThat(e.usage().swiotlbSlots()).isZero();

        // inside the window: translated, not bounced
        long low = p.buffers().allocate(4096, 0, new Placement.At(0x1000_0000L));
        assertThat(e.mapPhys(DEV, low, 4096, Direction.TO_DEVICE, 0)).isEqualTo(0xD000_0000L);
        assertThat(e.usage().swiotlbSlots()).isZero();
    }

    /** CPU [4 GiB, 8 GiB) appears at DMA [2^64 - 4 GiB, 2^64). */
    private static final DmaRange TOP = new DmaRange(0x1_0000_0000L, 0xFFFF_FFFF_0000_0000L, 0x1_0000_0000L);

    @Test
    void aBufferEndingAtTheLastDmaAddressFitsAnAllOnesMask() {
        Platform p = platform(Platform.builder(), DeviceConfig.builder("dev").masks(Unsigned.MAX).rangeMap(List.of(TOP)));
        DmaEngine e = new ReferenceEngine(p);
        long buf = p.buffers().allocate(4096, 0, new Placement.At(0x1_FFFF_F000L));
        p.cpuWrite(buf, filled(4096, 0x64));
        // 0x1_FFFF_F000 - 0x1_0000_0000 + 0xFFFF_FFFF_0000_0000 = 0xFFFF_FFFF_FFFF_F000; its last byte
        // is 2^64-1 <= DMA_BIT_MASK(64): reachable, no bounce
        long dma = e.mapPhys(DEV, buf, 4096, Direction.TO_DEVICE, 0);
        assertThat(dma).isEqualTo(0xFFFF_FFFF_FFFF_F000L);
        assertThat(devRead(p, dma, 4096)).isEqualTo(filled(4096, 0x64));
        assertThat(e.usage().swiotlbSlots()).isZero();
    }

    @Test
    void aBusLimitJustBelowTheBufferEndForcesABounceThatTheWindowCannotReach() {
        // same window, bus_dma_limit 0xFFFF_FFFF_FFFF_EFFF: the buffer ends 0x1000 above it, so it must
        // bounce; the pool (0x4000_0000) is in no window, so the bounce is unreachable too: the slots go
        // back and the map fails (swiotlb_map's "swiotlb addr ... overflow")
        Platform p = platform(Platform.builder(), DeviceConfig.builder("dev").masks(Unsigned.MAX)
                .busDmaLimit(0xFFFF_FFFF_FFFF_EFFFL).rangeMap(List.of(TOP)));
        DmaEngine e = new ReferenceEngine(p);
        long buf = p.buffers().allocate(4096, 0, new Placement.At(0x1_FFFF_F000L));
        assertThat(e.mapPhys(DEV, buf, 4096, Direction.TO_DEVICE, 0)).isEqualTo(DmaEngine.DMA_MAPPING_ERROR);
        assertThat(e.usage().swiotlbSlots()).isZero();
        assertThat(p.kernelLog()).singleElement().asString().contains("swiotlb addr").contains("overflow");
        // one page lower ends exactly at the bus limit: reachable
        long lower = p.buffers().allocate(4096, 0, new Placement.At(0x1_FFFF_E000L));
        assertThat(e.mapPhys(DEV, lower, 4096, Direction.TO_DEVICE, 0)).isEqualTo(0xFFFF_FFFF_FFFF_E000L);
    }

    @Test
    void aBusLimitBelowTheMaskDecidesWhatIsBounced() {
        // 64-bit mask, bus_dma_limit 0xFFFF_FFFF: the limit is min_not_zero(mask, limit) = 4 GiB - 1
        Platform p = platform(Platform.builder(), DeviceConfig.builder("dev").busDmaLimit(0xFFFF_FFFFL));
        DmaEngine e = new ReferenceEngine(p);
        long high = p.buffers().allocate(4096, 0, Placement.above4G());
        long low = p.buffers().allocate(4096, 0, Placement.below4G());
        long dHigh = e.mapPhys(DEV, high, 4096, Direction.FROM_DEVICE, 0);
        long dLow = e.mapPhys(DEV, low, 4096, Direction.FROM_DEVICE, 0);
        // the high buffer bounces into slots 0-1 of the identity-mapped pool; the low one is its own address
        assertThat(dHigh).isEqualTo(POOL);
        assertThat(dLow).isEqualTo(low);
        assertThat(e.usage().swiotlbSlots()).isEqualTo(2);
        devWrite(p, dHigh, filled(4096, 0x7E));
        e.unmapPhys(DEV, dHigh, 4096, Direction.FROM_DEVICE, 0);
        assertThat(p.cpuRead(high, 4096)).isEqualTo(filled(4096, 0x7E));
        assertThat(e.usage().swiotlbSlots()).isZero();
    }

    @Test
    void aFullPoolGivesDmaMappingErrorAndLeavesUsageUnchanged() {
        Platform p = platform(Platform.builder().swiotlbPool(0x3F00_0000L, 256 * 1024)
                        .noDefaultRam().ram(0x10_0000L, 0x3F00_0000L - 0x10_0000L),
                DeviceConfig.builder("dev").forceBounce(true));
        DmaEngine e = new ReferenceEngine(p);
        long big = p.buffers().allocate(256 * 1024);
        assertThat(e.mapPhys(DEV, big, 256 * 1024, Direction.TO_DEVICE, 0)).isEqualTo(0x3F00_0000L);
        var before = e.usage();
        long small = p.buffers().allocate(4096);
        assertThat(e.mapPhys(DEV, small, 4096, Direction.TO_DEVICE, 0)).isEqualTo(DmaEngine.DMA_MAPPING_ERROR);
        assertThat(e.mappingError(DEV, DmaEngine.DMA_MAPPING_ERROR)).isEqualTo(-12);
        assertThat(e.usage()).isEqualTo(before);
        assertThat(before.swiotlbSlots()).isEqualTo(128);
        assertThat(p.kernelLog()).singleElement().asString().contains("swiotlb buffer is full");
    }

    @Test
    void aNonCoherentDeviceSeesCpuDataAfterMapAndTheCpuSeesDeviceDataAfterUnmap() {
        Platform p = platform(Platform.builder(), DeviceConfig.builder("dev").coherent(false));
        DmaEngine e = new ReferenceEngine(p);
        long out = p.buffers().allocate(4096);
        long skip = p.buffers().allocate(4096);
        p.cpuWrite(out, filled(4096, 0x11));
        p.cpuWrite(skip, filled(4096, 0x11));
        // TO_DEVICE: map cleans the dirty lines (arch_sync_dma_for_device); with SKIP_CPU_SYNC it does not
        long d = e.mapPhys(DEV, out, 4096, Direction.TO_DEVICE, 0);
        long ds = e.mapPhys(DEV, skip, 4096, Direction.TO_DEVICE, DmaAttrs.SKIP_CPU_SYNC);
        assertThat(devRead(p, d, 4096)).isEqualTo(filled(4096, 0x11));
        assertThat(devRead(p, ds, 4096)).isEqualTo(filled(4096, 0x00));

        // FROM_DEVICE: the CPU holds clean lines of the buffer; the device's data shows after unmap
        long in = p.buffers().allocate(4096);
        assertThat(p.cpuRead(in, 4096)).isEqualTo(filled(4096, 0));
        long di = e.mapPhys(DEV, in, 4096, Direction.FROM_DEVICE, 0);
        devWrite(p, di, filled(4096, 0x22));
        assertThat(p.cpuRead(in, 4096)).as("stale lines before unmap").isEqualTo(filled(4096, 0));
        e.unmapPhys(DEV, di, 4096, Direction.FROM_DEVICE, 0);
        assertThat(p.cpuRead(in, 4096)).isEqualTo(filled(4096, 0x22));
    }

    @Test
    void aNonCoherentBounceCleansTheSlotAndInvalidatesItBeforeCopyingBack() {
        Platform p = platform(Platform.builder(), DeviceConfig.builder("dev").coherent(false).forceBounce(true));
        DmaEngine e = new ReferenceEngine(p);
        long buf = p.buffers().allocate(4096);
        p.cpuWrite(buf, filled(4096, 0x44));
        long d = e.mapPhys(DEV, buf, 4096, Direction.BIDIRECTIONAL, 0);
        assertThat(d).isEqualTo(POOL);
        assertThat(devRead(p, d, 4096)).isEqualTo(filled(4096, 0x44));
        devWrite(p, d, filled(4096, 0x55));
        e.unmapPhys(DEV, d, 4096, Direction.BIDIRECTIONAL, 0);
        assertThat(p.cpuRead(buf, 4096)).isEqualTo(filled(4096, 0x55));
    }

    @Test
    void partialSyncOfABouncedMappingThroughTheEngine() {
        // bug-classes example 3 with the direct path: swiotlb=force, no min_align
        Platform p = platform(Platform.builder(), DeviceConfig.builder("dev").forceBounce(true));
        DmaEngine e = new ReferenceEngine(p);
        long buf = p.buffers().allocate(4096);
        long d = e.mapPhys(DEV, buf, 4096, Direction.TO_DEVICE, 0);
        p.cpuWrite(buf + 1024, filled(256, 0x3C));
        e.syncSingleForDevice(DEV, d + 1024, 256, Direction.TO_DEVICE);
        assertThat(devRead(p, d + 1024, 256)).isEqualTo(filled(256, 0x3C));
        assertThat(devRead(p, d, 1024)).isEqualTo(filled(1024, 0));
        e.unmapPhys(DEV, d, 4096, Direction.TO_DEVICE, 0);

        long in = p.buffers().allocate(4096);
        long di = e.mapPhys(DEV, in, 4096, Direction.FROM_DEVICE, 0);
        devWrite(p, di + 1024, filled(256, 0x5D));
        e.syncSingleForCpu(DEV, di + 1024, 256, Direction.FROM_DEVICE);
        assertThat(p.cpuRead(in + 1024, 256)).isEqualTo(filled(256, 0x5D));
        assertThat(p.cpuRead(in, 256)).isEqualTo(filled(256, 0));
    }

    @Test
    void mapResourceReturnsThePhysicalAddressUntranslatedAndNeverBounces() {
        // MMIO is not translated (dma_direct_map_phys, MMIO): DMA address = phys
        Platform p = Platform.builder().mmio(null, 0xD000_0000L, 0x10_0000L, 0)
                .device(DeviceConfig.builder("dev").build())
                .device(DeviceConfig.builder("narrow").masks(Unsigned.bitMask(31)).build())
                .device(DeviceConfig.builder("forced").forceBounce(true).build())
                .build();
        DmaEngine e = new ReferenceEngine(p);
        assertThat(e.mapResource(DEV, 0xD000_0100L, 0x100, Direction.BIDIRECTIONAL, 0)).isEqualTo(0xD000_0100L);
        assertThat(p.dmaWrite(DEV, 0xD000_0100L, new byte[] {7}).faulted()).isFalse();
        assertThat(p.cpuRead(0xD000_0100L, 1)).containsExactly(7);
        // a 31-bit device cannot reach 0xD000_0000: an error, not a bounce
        assertThat(e.mapResource(DeviceId.of("narrow"), 0xD000_0000L, 0x100, Direction.TO_DEVICE, 0))
                .isEqualTo(DmaEngine.DMA_MAPPING_ERROR);
        // v7.0: a forced-bounce device cannot map MMIO at all
        assertThat(e.mapResource(DeviceId.of("forced"), 0xD000_0000L, 0x100, Direction.TO_DEVICE, 0))
                .isEqualTo(DmaEngine.DMA_MAPPING_ERROR);
        // dma_map_page refuses DMA_ATTR_MMIO
        assertThat(e.mapPage(DEV, 0xD000_0000L, 0, 0x100, Direction.TO_DEVICE, DmaAttrs.MMIO))
                .isEqualTo(DmaEngine.DMA_MAPPING_ERROR);
        assertThat(e.usage().swiotlbSlots()).isZero();
        e.unmapResource(DEV, 0xD000_0100L, 0x100, Direction.BIDIRECTIONAL, 0);
        assertThat(p.kernelLog()).noneMatch(l -> l.contains("dev:"));
    }

    @Test
    void mapResourceIsRefusedWhereTheRangeMapDoesNotSendThePhysicalAddressBackToItself() {
        // "offset": CPU [0, 4 GiB) is DMA [4 GiB, 8 GiB); DMA 0xD000_0100 is in no window, so the device
        // emitting the untranslated MMIO address reaches nothing (Linux returns it anyway, bug-classes #34).
        // "holed": an identity window CPU = DMA [0xD000_0000, 0xD000_1000) then nothing: a resource
        // inside it maps at phys, one crossing its end (0xD000_0F00 + 0x200) is refused.
        Platform p = Platform.builder().mmio(null, 0xD000_0000L, 0x10_0000L, 0)
                .device(DeviceConfig.builder("offset")
                        .rangeMap(List.of(new DmaRange(0, 0x1_0000_0000L, 0x1_0000_0000L))).build())
                .device(DeviceConfig.builder("holed").rangeMap(List.of(
                        new DmaRange(0x10_0000L, 0x10_0000L, 0x1000_0000L),
                        new DmaRange(0xD000_0000L, 0xD000_0000L, 0x1000L))).build())
                .build();
        DmaEngine e = new ReferenceEngine(p);
        DeviceId offset = DeviceId.of("offset");
        DeviceId holed = DeviceId.of("holed");
        assertThat(e.mapResource(offset, 0xD000_0100L, 0x100, Direction.BIDIRECTIONAL, 0))
                .isEqualTo(DmaEngine.DMA_MAPPING_ERROR);
        assertThat(p.kernelLog()).last().asString().contains("dma_range_map");
        assertThat(e.mapResource(holed, 0xD000_0100L, 0x100, Direction.BIDIRECTIONAL, 0)).isEqualTo(0xD000_0100L);
        assertThat(e.mapResource(holed, 0xD000_0F00L, 0x200, Direction.BIDIRECTIONAL, 0))
                .isEqualTo(DmaEngine.DMA_MAPPING_ERROR);
        e.unmapResource(holed, 0xD000_0100L, 0x100, Direction.BIDIRECTIONAL, 0);
        assertThat(e.usage().swiotlbSlots()).isZero();
    }

    @Test
    void anUnmapOfAnAddressThatIsNotMappedIsIgnoredAndHarmsNoOtherMapping() {
        Platform p = platform(Platform.builder(), DeviceConfig.builder("dev").coherent(false).forceBounce(true));
        DmaEngine e = new ReferenceEngine(p);
        long buf = p.buffers().allocate(4096);
        long d = e.mapPhys(DEV, buf, 4096, Direction.FROM_DEVICE, 0);
        devWrite(p, d, filled(4096, 0x66));
        e.unmapPhys(DEV, d + 0x800, 2048, Direction.FROM_DEVICE, 0);
        e.unmapPhys(DEV, 0x1234_5000L, 4096, Direction.FROM_DEVICE, 0);
        e.syncSingleForCpu(DEV, d + 4096, 16, Direction.FROM_DEVICE);
        assertThat(p.kernelLog()).hasSize(3).allMatch(l -> l.endsWith("ignored"));
        assertThat(e.usage().swiotlbSlots()).isEqualTo(2);
        e.unmapPhys(DEV, d, 4096, Direction.FROM_DEVICE, 0);
        assertThat(p.cpuRead(buf, 4096)).isEqualTo(filled(4096, 0x66));
        assertThat(e.usage().swiotlbSlots()).isZero();
        // a second unmap of the same address is a double unmap
        e.unmapPhys(DEV, d, 4096, Direction.FROM_DEVICE, 0);
        assertThat(p.kernelLog()).hasSize(4);
    }
}
