package org.dmacheck.impl.swiotlb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.DmaAccess;
import org.dmacheck.spec.platform.DmaAttrs;
import org.dmacheck.spec.platform.Placement;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.platform.PlatformBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Worked examples for {@code swiotlb_tbl_map_single} and friends on the default platform: the pool
 * is 64 MiB at 0x4000_0000 (32768 slots of 2 KiB, one area, page-aligned start), devices are
 * coherent and have no IOMMU and no dma_range_map, so a device reaches a bounce slot at its
 * physical address.
 */
class SwiotlbTest {
    private static final long POOL = 0x4000_0000L;
    private static final DeviceId DEV = DeviceId.of("dev");

    private static Platform platform(DeviceConfig.Builder dev) {
        return platform(Platform.builder(), dev);
    }

    private static Platform platform(PlatformBuilder b, DeviceConfig.Builder dev) {
        return b.device(dev.build()).build();
    }

    private static byte[] filled(int len, int value) {
        byte[] b = new byte[len];
        Arrays.fill(b, (byte) value);
        return b;
    }

    private static byte[] read(Platform p, long dma, int len) {
        DmaAccess a = p.dmaRead(DEV, dma, len);
        assertThat(a).isInstanceOf(DmaAccess.Done.class);
        return ((DmaAccess.Done) a).data();
    }

    private static void write(Platform p, long dma, byte[] data) {
        assertThat(p.dmaWrite(DEV, dma, data).faulted()).isFalse();
    }

    @Test
    void minAlignMaskKeepsTheLow12Bits() {
        Platform p = platform(DeviceConfig.builder("dev").minAlignMask(0xFFF));
        Swiotlb s = new Swiotlb(p);
        long orig = p.buffers().allocate(0x100, 0x234, Placement.anywhere());
        // offset = 0x234 & 0xFFF & 0x7FF = 0x234 (no pad slot); bit 11 of orig is 0, so the slot's
        // bit 11 must be 0: slot 0 at 0x4000_0000 qualifies; tlb = 0x4000_0000 + 0x234
        long tlb = s.mapSingle(DEV, orig, 0x100, 0, Direction.TO_DEVICE, 0);
        assertThat(tlb).isEqualTo(POOL + 0x234);
        assertThat(tlb & 0xFFF).isEqualTo(orig & 0xFFF);
    }

    @Test
    void bit11ComesFromTheSlotChoiceWhenTheNextFreeSlotIsOdd() {
        // bug-classes example 6 ("braino"): min_align 0xFFF, map(Q, 2K) leaves the cursor on slot 1
        Platform p = platform(DeviceConfig.builder("dev").minAlignMask(0xFFF));
        Swiotlb s = new Swiotlb(p);
        long q = p.buffers().allocate(2048, 0, Placement.anywhere());
        assertThat(s.mapSingle(DEV, q, 2048, 0, Direction.TO_DEVICE, 0)).isEqualTo(POOL);
        long orig = p.buffers().allocate(4096, 0x800, Placement.anywhere());
        // offset = 0x800 & 0x7FF = 0: 2 slots; iotlb_align_mask = 0xFFF & ~0x7FF = 0x800 must match
        // orig's bit 11 (1): slot 1 (0x4000_0800) is odd and free; 0x800 survives
        long tlb = s.mapSingle(DEV, orig, 4096, 0, Direction.TO_DEVICE, 0);
        assertThat(tlb).isEqualTo(POOL + 0x800);
        assertThat(tlb & 0xFFF).isEqualTo(0x800);
        assertThat(s.slotsUsed()).isEqualTo(3);
    }

    @Test
    void allocAlignMaskAboveASlotTakesPaddingSlotsAndReleasesThem() {
        // dma-iommu style: alloc_align_mask = granule - 1 = 0xFFF, min_align 0xFFF, orig at page offset 0xC00
        Platform p = platform(DeviceConfig.builder("dev").minAlignMask(0xFFF));
        Swiotlb s = new Swiotlb(p);
        long orig = p.buffers().allocate(0x100, 0xC00, Placement.anywhere());
        // offset = 0xC00 & 0xFFF & 0xFFF = 0xC00: pad_slots = 1, in-slot offset 0x400;
        // size = round_up(0x100 + 0xC00, 0x1000) = 0x1000 = 2 slots from a 4 KiB-aligned slot (slot 0)
        long tlb = s.mapSingle(DEV, orig, 0x100, 0xFFF, Direction.TO_DEVICE, 0);
        assertThat(tlb).isEqualTo(POOL + 0x800 + 0x400);
        assertThat(s.slotsUsed()).isEqualTo(2);
        s.unmapSingle(DEV, tlb, 0x100, Direction.TO_DEVICE, 0);
        assertThat(s.slotsUsed()).isZero();
    }

    @Test
    void mappingsOfAPageOrMoreArePageAligned() {
        // bug-classes example 10: no min_align; map(Q, 2K) takes slot 0, the cursor is on slot 1
        Platform p = platform(DeviceConfig.builder("dev"));
        Swiotlb s = new Swiotlb(p);
        s.mapSingle(DEV, p.buffers().allocate(2048), 2048, 0, Direction.TO_DEVICE, 0);
        long orig = p.buffers().allocate(4096);
        // 4096 >= PAGE_SIZE with no other alignment: alloc_align_mask = 0xFFF, so slot 2, not slot 1
        long tlb = s.mapSingle(DEV, orig, 4096, 0, Direction.TO_DEVICE, 0);
        assertThat(tlb).isEqualTo(POOL + 0x1000);
        assertThat(tlb % 4096).isZero();
        // next fit: the cursor now sits on slot 4; slot 1 stays free behind it
        assertThat(s.mapSingle(DEV, p.buffers().allocate(100), 100, 0, Direction.TO_DEVICE, 0)).isEqualTo(POOL + 0x2000);
    }

    @Test
    void theDeviceSegmentBoundaryIsRespected() {
        // seg_boundary_mask 0xFFFF (64 KiB = 32 slots); map(Q, 2K) takes slot 0
        Platform p = platform(DeviceConfig.builder("dev").segBoundaryMask(0xFFFF));
        Swiotlb s = new Swiotlb(p);
        s.mapSingle(DEV, p.buffers().allocate(2048), 2048, 0, Direction.TO_DEVICE, 0);
        long orig = p.buffers().allocate(0x10000);
        // 64 KiB page-aligned: slot 2 would end at 0x4001_0FFF, across 0x4001_0000; slot 32 is the next fit
        assertThat(s.mapSingle(DEV, orig, 0x10000, 0, Direction.TO_DEVICE, 0)).isEqualTo(POOL + 0x10000);
    }

    @Test
    void mapCopiesInEvenForFromDeviceSoAShortDeviceWriteLeaksNothing() {
        // CVE-2022-0854 (bug-classes example 1): a one-segment pool, so the second map reuses slot 0
        Platform p = platform(Platform.builder().swiotlbPool(0x3F00_0000L, 256 * 1024)
                .noDefaultRam().ram(0x10_0000L, 0x3F00_0000L - 0x10_0000L), DeviceConfig.builder("dev"));
        Swiotlb s = new Swiotlb(p);
        long p1 = p.buffers().allocate(256 * 1024);
        p.cpuWrite(p1, filled(256 * 1024, 0xAA));
        long t1 = s.mapSingle(DEV, p1, 256 * 1024, 0, Direction.TO_DEVICE, 0);
        s.unmapSingle(DEV, t1, 256 * 1024, Direction.TO_DEVICE, 0);
        long p2 = p.buffers().allocate(4096);
        p.cpuWrite(p2, filled(4096, 0x00));
        long t2 = s.mapSingle(DEV, p2, 4096, 0, Direction.FROM_DEVICE, 0);
        assertThat(t2).isEqualTo(t1);
        write(p, t2, filled(512, 0x11));
        s.unmapSingle(DEV, t2, 4096, Direction.FROM_DEVICE, 0);
        assertThat(p.cpuRead(p2, 512)).isEqualTo(filled(512, 0x11));
        // the bytes the device did not write keep the buffer's zeros, not the previous user's 0xAA
        assertThat(p.cpuRead(p2 + 512, 4096 - 512)).isEqualTo(filled(4096 - 512, 0x00));
    }

    @Test
    void fromDeviceCopiesBackOnUnmapButNotWithSkipCpuSync() {
        Platform p = platform(DeviceConfig.builder("dev"));
        Swiotlb s = new Swiotlb(p);
        long a = p.buffers().allocate(4096);
        long b = p.buffers().allocate(4096);
        long ta = s.mapSingle(DEV, a, 4096, 0, Direction.FROM_DEVICE, 0);
        long tb = s.mapSingle(DEV, b, 4096, 0, Direction.FROM_DEVICE, 0);
        write(p, ta, filled(4096, 0x5A));
        write(p, tb, filled(4096, 0x5A));
        s.unmapSingle(DEV, ta, 4096, Direction.FROM_DEVICE, 0);
        s.unmapSingle(DEV, tb, 4096, Direction.FROM_DEVICE, DmaAttrs.SKIP_CPU_SYNC);
        assertThat(p.cpuRead(a, 4096)).isEqualTo(filled(4096, 0x5A));
        assertThat(p.cpuRead(b, 4096)).isEqualTo(filled(4096, 0));
        assertThat(s.slotsUsed()).isZero();
    }

    @Test
    void partialSyncsMoveTheBytesAtTheSameOffsetOnBothSides() {
        // bug-classes example 3: sync (tlb + 1024, 256) pairs with (orig + 1024, 256)
        Platform p = platform(DeviceConfig.builder("dev"));
        Swiotlb s = new Swiotlb(p);
        long orig = p.buffers().allocate(4096);
        p.cpuWrite(orig, filled(4096, 0x01));
        long tlb = s.mapSingle(DEV, orig, 4096, 0, Direction.BIDIRECTIONAL, 0);
        p.cpuWrite(orig, filled(4096, 0x02));
        s.syncForDevice(DEV, tlb + 1024, 256, Direction.BIDIRECTIONAL);
        assertThat(read(p, tlb + 1024, 256)).isEqualTo(filled(256, 0x02));
        assertThat(read(p, tlb, 1024)).isEqualTo(filled(1024, 0x01));
        assertThat(read(p, tlb + 1280, 4096 - 1280)).isEqualTo(filled(4096 - 1280, 0x01));

        write(p, tlb, filled(4096, 0x03));
        s.syncForCpu(DEV, tlb + 1024, 256, Direction.BIDIRECTIONAL);
        assertThat(p.cpuRead(orig + 1024, 256)).isEqualTo(filled(256, 0x03));
        assertThat(p.cpuRead(orig, 1024)).isEqualTo(filled(1024, 0x02));
        assertThat(p.cpuRead(orig + 1280, 256)).isEqualTo(filled(256, 0x02));
    }

    /** The copy matrix of bug-classes class 5, one direction at a time. */
    @ParameterizedTest
    @EnumSource(value = Direction.class, names = {"TO_DEVICE", "FROM_DEVICE", "BIDIRECTIONAL"})
    void copyMatrix(Direction dir) {
        Platform p = platform(DeviceConfig.builder("dev"));
        Swiotlb s = new Swiotlb(p);
        long orig = p.buffers().allocate(2048);
        boolean in = dir != Direction.FROM_DEVICE;
        boolean out = dir != Direction.TO_DEVICE;
        p.cpuWrite(orig, filled(2048, 0xA0));
        long tlb = s.mapSingle(DEV, orig, 2048, 0, dir, 0);
        // map: copy in, whatever the direction
        assertThat(read(p, tlb, 2048)).isEqualTo(filled(2048, 0xA0));
        // sync_for_device: copy in for TO_DEVICE and BIDIRECTIONAL only
        p.cpuWrite(orig, filled(2048, 0xB0));
        s.syncForDevice(DEV, tlb, 2048, dir);
        assertThat(read(p, tlb, 2048)).isEqualTo(filled(2048, in ? 0xB0 : 0xA0));
        // sync_for_cpu: copy out for FROM_DEVICE and BIDIRECTIONAL only
        write(p, tlb, filled(2048, 0xC0));
        s.syncForCpu(DEV, tlb, 2048, dir);
        assertThat(p.cpuRead(orig, 2048)).isEqualTo(filled(2048, out ? 0xC0 : 0xB0));
        // unmap: copy out for FROM_DEVICE and BIDIRECTIONAL only
        write(p, tlb, filled(2048, 0xD0));
        s.unmapSingle(DEV, tlb, 2048, dir, 0);
        assertThat(p.cpuRead(orig, 2048)).isEqualTo(filled(2048, out ? 0xD0 : 0xB0));
    }

    @Test
    void aFullPoolFailsWithoutRetryAndWarnsUnlessNoWarn() {
        Platform p = platform(Platform.builder().swiotlbPool(0x3F00_0000L, 256 * 1024)
                .noDefaultRam().ram(0x10_0000L, 0x3F00_0000L - 0x10_0000L), DeviceConfig.builder("dev"));
        Swiotlb s = new Swiotlb(p);
        long big = p.buffers().allocate(256 * 1024);
        long tlb = s.mapSingle(DEV, big, 256 * 1024, 0, Direction.TO_DEVICE, 0);
        assertThat(s.slotsUsed()).isEqualTo(128);
        long small = p.buffers().allocate(64);
        assertThat(s.mapSingle(DEV, small, 64, 0, Direction.TO_DEVICE, DmaAttrs.NO_WARN)).isEqualTo(-1);
        assertThat(p.kernelLog()).isEmpty();
        assertThat(s.mapSingle(DEV, small, 64, 0, Direction.TO_DEVICE, 0)).isEqualTo(-1);
        assertThat(p.kernelLog()).singleElement().asString()
                .contains("swiotlb buffer is full").contains("total 128 (slots), used 128 (slots)");
        assertThat(s.slotsUsed()).isEqualTo(128);
        s.unmapSingle(DEV, tlb, 256 * 1024, Direction.TO_DEVICE, 0);
        assertThat(s.mapSingle(DEV, small, 64, 0, Direction.TO_DEVICE, 0)).isNotEqualTo(-1);
    }

    @Test
    void maxMappingSize() {
        Platform p = Platform.builder().device(DeviceConfig.builder("dev").build())
                .device(DeviceConfig.builder("nvme").minAlignMask(0xFFF).build()).build();
        Swiotlb s = new Swiotlb(p);
        // 2 KiB * 128 = 256 KiB; with min_align_mask 0xFFF less roundup(0xFFF, 2 KiB) = 4 KiB
        assertThat(s.maxMappingSize(DEV)).isEqualTo(256 * 1024);
        assertThat(s.maxMappingSize(DeviceId.of("nvme"))).isEqualTo(252 * 1024);
        long buf = p.buffers().allocate(256 * 1024 + 1);
        assertThat(s.mapSingle(DEV, buf, 256 * 1024 + 1, 0, Direction.TO_DEVICE, DmaAttrs.NO_WARN)).isEqualTo(-1);
        assertThat(s.mapSingle(DEV, buf, 256 * 1024, 0, Direction.TO_DEVICE, 0)).isNotEqualTo(-1);
        assertThat(s.slotsUsed()).isEqualTo(128);
    }

    @Test
    void noPoolMeansInactiveAndEveryMapFails() {
        Platform p = platform(Platform.builder().noSwiotlb(), DeviceConfig.builder("dev"));
        Swiotlb s = new Swiotlb(p);
        assertThat(s.active()).isFalse();
        assertThat(s.isBounceSlot(POOL)).isFalse();
        assertThat(s.mapSingle(DEV, p.buffers().allocate(64), 64, 0, Direction.TO_DEVICE, 0)).isEqualTo(-1);
        assertThat(p.kernelLog()).singleElement().asString().contains("Can not allocate SWIOTLB buffer");
    }

    @Test
    void unmapOrSyncOfAnAddressThatIsNoLiveBounceBufferIsIgnored() {
        Platform p = Platform.builder().device(DeviceConfig.builder("dev").build())
                .device(DeviceConfig.builder("other").build()).build();
        Swiotlb s = new Swiotlb(p);
        long orig = p.buffers().allocate(4096);
        long tlb = s.mapSingle(DEV, orig, 4096, 0, Direction.FROM_DEVICE, 0);
        // not allocated, inside the allocation but not its start, another device's buffer
        s.unmapSingle(DEV, POOL + 0x10000, 4096, Direction.FROM_DEVICE, 0);
        s.unmapSingle(DEV, tlb + 0x800, 2048, Direction.FROM_DEVICE, 0);
        s.unmapSingle(DeviceId.of("other"), tlb, 4096, Direction.FROM_DEVICE, 0);
        s.syncForCpu(DEV, POOL + 0x10000, 16, Direction.FROM_DEVICE);
        assertThat(p.kernelLog()).hasSize(4).allMatch(l -> l.endsWith("ignored"));
        assertThat(s.slotsUsed()).isEqualTo(2);
        // the live buffer still works
        write(p, tlb, filled(4096, 0x77));
        s.unmapSingle(DEV, tlb, 4096, Direction.FROM_DEVICE, 0);
        assertThat(p.cpuRead(orig, 4096)).isEqualTo(filled(4096, 0x77));
        assertThat(s.slotsUsed()).isZero();
    }

    @Test
    void aSyncPastTheMappingIsClampedToIt() {
        Platform p = platform(DeviceConfig.builder("dev"));
        Swiotlb s = new Swiotlb(p);
        long orig = p.buffers().allocate(100);
        long neighbour = orig + 100;
        byte[] before = p.cpuRead(neighbour, 16);
        long tlb = s.mapSingle(DEV, orig, 100, 0, Direction.FROM_DEVICE, 0);
        write(p, tlb, filled(116, 0x42));
        s.syncForCpu(DEV, tlb + 50, 66, Direction.FROM_DEVICE);
        assertThat(p.cpuRead(orig + 50, 50)).isEqualTo(filled(50, 0x42));
        assertThat(p.cpuRead(neighbour, 16)).isEqualTo(before);
        assertThat(p.kernelLog()).singleElement().asString().contains("Buffer overflow detected");
    }

    @Test
    void aBufferThatIsNotMemoryIsRefusedWithoutKeepingSlots() {
        Platform p = platform(DeviceConfig.builder("dev"));
        Swiotlb s = new Swiotlb(p);
        // physical 0xC000_0000 is in the default layout's hole: the copy-in names it and fails
        assertThatThrownBy(() -> s.mapSingle(DEV, 0xC000_0000L, 64, 0, Direction.TO_DEVICE, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(s.slotsUsed()).isZero();
        assertThat(s.mapSingle(DEV, p.buffers().allocate(64), 64, 0, Direction.TO_DEVICE, 0)).isEqualTo(POOL + 0x800);
    }

    @Test
    void anInvalidDirectionIsRefused() {
        Platform p = platform(DeviceConfig.builder("dev"));
        Swiotlb s = new Swiotlb(p);
        assertThatThrownBy(() -> s.mapSingle(DEV, p.buffers().allocate(64), 64, 0, Direction.NONE, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dir: DMA_NONE is not a valid DMA direction for swiotlb_tbl_map_single");
        assertThat(s.slotsUsed()).isZero();
    }
}
