package org.dmacheck.spec.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The physical bytes the platform records as touched between two {@link Platform#clearTouched()}
 * (the IOVA side is in {@link IommuDomainModelTest}). 64-byte cache lines; a non-coherent device,
 * so the cache is modelled.
 */
class TouchedTest {
    private static final long BUF = 0x20_0000L;

    private final Platform p = Platform.builder().device(DeviceConfig.builder("nc").coherent(false).build()).build();

    private static Touched.Range r(long start, long last, String by) {
        return new Touched.Range(start, last, by);
    }

    @Test
    void cacheMaintenanceRecordsWholeLinesAndCopiesTheirDestination() {
        p.archSyncForDevice(BUF + 0x10, 0x40, Direction.TO_DEVICE);
        // [0x200010, 0x20004f] spans the lines at 0x200000 and 0x200040
        assertThat(p.touched().memory()).containsExactly(r(BUF, BUF + 0x7f, "arch_sync_dma_for_device"));

        p.clearTouched();
        p.cpuCopy(BUF + 0x1000, BUF, 0x100);
        p.cpuFill(BUF + 0x2000, 0x10, (byte) 0);
        assertThat(p.touched().memory()).containsExactly(r(BUF + 0x1000, BUF + 0x10ff, "memcpy"),
                r(BUF + 0x2000, BUF + 0x200f, "memset"));
    }

    @Test
    void pastTheLimitItOverflowsAndStopsGrowing() {
        for (int i = 0; i <= Touched.LIMIT; i++) {
            p.cpuWrite(BUF + 2L * i, new byte[] {1}); // gaps of one byte: nothing merges
        }
        assertThat(p.touched().overflowed()).isTrue();
        assertThat(p.touched().isEmpty()).isFalse();
        assertThat(p.touched().memory()).isEmpty();

        p.clearTouched();
        assertThat(p.touched().overflowed()).isFalse();
    }
}
