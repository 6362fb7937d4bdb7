package org.dmacheck.spec.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The write-back CPU cache as a non-coherent device sees it, and the clean/invalidate hooks
 * ({@code arch_sync_dma_for_device/for_cpu}). No IOMMU: DMA address = physical address. 64-byte lines.
 */
class CpuCacheTest {
    private static final DeviceId NC = DeviceId.of("nc");
    private static final DeviceId COH = DeviceId.of("coh");
    private static final long BUF = 0x20_0000L;

    private Platform p;

    @BeforeEach
    void setUp() {
        p = Platform.builder()
                .device(DeviceConfig.builder("nc").coherent(false).build())
                .device(DeviceConfig.builder("coh").build())
                .build();
    }

    private byte[] devRead(DeviceId dev, long addr, int len) {
        return ((DmaAccess.Done) p.dmaRead(dev, addr, len)).data();
    }

    @Test
    void cpuWritesStayInTheCacheUntilCleaned() {
        p.cpuWrite(BUF, new byte[] {1, 2, 3});
        assertThat(p.dirtyCacheLines()).isEqualTo(1);
        assertThat(devRead(NC, BUF, 3)).containsExactly(0, 0, 0); // memory still holds the old bytes
        assertThat(p.cpuRead(BUF, 3)).containsExactly(1, 2, 3); // the CPU sees its own store

        p.archSyncForDevice(BUF, 3, Direction.TO_DEVICE);
        assertThat(devRead(NC, BUF, 3)).containsExactly(1, 2, 3);
        assertThat(p.dirtyCacheLines()).isZero();
        assertThat(p.validCacheLines()).isEqualTo(1); // cleaned, still valid
    }

    @Test
    void cleaningADifferentRangeDoesNotPublishTheWrite() {
        p.cpuWrite(BUF, new byte[] {1, 2, 3});
        p.archSyncForDevice(BUF + 64, 64, Direction.TO_DEVICE); // the next line: misdirected sync
        assertThat(devRead(NC, BUF, 3)).containsExactly(0, 0, 0);
    }

    @Test
    void deviceWritesHideBehindAStaleLineUntilInvalidated() {
        assertThat(p.cpuRead(BUF, 4)).containsExactly(0, 0, 0, 0); // allocates a clean line
        p.dmaWrite(NC, BUF, new byte[] {7, 7, 7, 7});
        assertThat(p.cpuRead(BUF, 4)).containsExactly(0, 0, 0, 0); // stale line answers

        p.archSyncForCpu(BUF, 64, Direction.TO_DEVICE); // a no-op
        assertThat(p.cpuRead(BUF, 4)).containsExactly(0, 0, 0, 0);

        p.archSyncForCpu(BUF, 64, Direction.FROM_DEVICE);
        assertThat(p.cpuRead(BUF, 4)).containsExactly(7, 7, 7, 7);
    }

    @Test
    void invalidatingAWholeDirtyLineDiscardsTheCpuData() {
        p.cpuWrite(BUF, new byte[] {1});
        p.archSyncForCpu(BUF, 64, Direction.BIDIRECTIONAL); // dcache_inval_poc over the full line
        assertThat(p.cpuRead(BUF, 1)).containsExactly(0);
    }

    @Test
    void aPartialEdgeLineIsCleanedBeforeItIsDropped() {
        // CPU data at BUF+0x3F (last byte of line 0); the invalidated range [BUF+0x3F, BUF+0x80)
        // covers line 1 fully and line 0 only partly, so line 0 is written back, line 1 dropped.
        p.cpuWrite(BUF + 0x3F, new byte[] {5, 6});
        p.archSyncForCpu(BUF + 0x3F, 0x41, Direction.FROM_DEVICE);
        assertThat(p.cpuRead(BUF + 0x3F, 2)).containsExactly(5, 0);
        assertThat(devRead(NC, BUF + 0x3F, 1)).containsExactly(5);
    }

    @Test
    void aCoherentDeviceSeesCpuStoresAndTheCpuSeesItsWrites() {
        p.cpuWrite(BUF, new byte[] {1, 2, 3});
        assertThat(devRead(COH, BUF, 3)).containsExactly(1, 2, 3); // snooped from the dirty line
        p.cpuRead(BUF + 0x100, 1);
        p.dmaWrite(COH, BUF + 0x100, new byte[] {9});
        assertThat(p.cpuRead(BUF + 0x100, 1)).containsExactly(9); // the stale line was dropped
    }

    @Test
    void aCoherentWriteOverPartOfADirtyLineKeepsTheCpuBytesAroundIt() {
        p.cpuWrite(BUF, new byte[] {1, 2, 3, 4});
        p.dmaWrite(COH, BUF + 1, new byte[] {8, 8});
        assertThat(p.cpuRead(BUF, 4)).containsExactly(1, 8, 8, 4);
    }

    @Test
    void cpuCopyGoesThroughTheCache() {
        p.cpuWrite(BUF, new byte[] {4, 5});
        p.cpuCopy(BUF + 0x1000, BUF, 2);
        assertThat(devRead(NC, BUF + 0x1000, 2)).containsExactly(0, 0);
        p.archSyncForDevice(BUF + 0x1000, 2, Direction.TO_DEVICE);
        assertThat(devRead(NC, BUF + 0x1000, 2)).containsExactly(4, 5);
    }

    @Test
    void peeksObserveWithoutAllocatingLines() {
        p.cpuWrite(BUF, new byte[] {1});
        p.dmaWrite(NC, BUF + 0x40, new byte[] {2});
        assertThat(p.peekCpu(BUF, 1)).containsExactly(1);
        assertThat(p.peekMemory(BUF, 1)).containsExactly(0);
        assertThat(p.peekCpu(BUF + 0x40, 1)).containsExactly(2);
        assertThat(p.validCacheLines()).isEqualTo(1); // only the written line
    }

    @Test
    void withOnlyCoherentDevicesThereIsNoCache() {
        Platform q = Platform.builder().device(DeviceConfig.builder("coh").build()).build();
        q.cpuWrite(BUF, new byte[] {1});
        assertThat(q.hasCpuCache()).isFalse();
        assertThat(((DmaAccess.Done) q.dmaRead(COH, BUF, 1)).data()).containsExactly(1);
    }

    @Test
    void coherentPagesAreZeroedAndUncached() {
        long phys = p.allocPages(0x2000, Placement.LAST_32BIT);
        // Top-down below 4 GiB: the highest RAM there ends at 0xBFFF_FFFF, so 0xBFFF_E000.
        assertThat(phys).isEqualTo(0xBFFF_E000L);
        p.cpuWrite(phys, new byte[] {3});
        assertThat(p.dirtyCacheLines()).isZero();
        assertThat(devRead(NC, phys, 1)).containsExactly(3);
        p.freePages(phys, 0x2000);
        long again = p.allocPages(0x2000, Placement.LAST_32BIT);
        assertThat(again).isEqualTo(phys);
        assertThat(p.cpuRead(again, 1)).containsExactly(0);
    }
}
