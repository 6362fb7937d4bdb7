package org.dmacheck.spec.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the platform records as touched between two {@link Platform#clearTouched()}: the IOVA
 * granules whose translation may have changed, and the physical bytes that may read differently.
 * Granule 4 KiB, 64-byte cache lines, a non-coherent device so the cache is modelled.
 */
class TouchedTest {
    private static final DeviceId DEV = DeviceId.of("0000:01:00.0");
    private static final long IOVA = 0x1000_0000L;
    private static final long BUF = 0x20_0000L;
    private static final int RW = IommuProt.READ | IommuProt.WRITE;

    private Platform p;
    private IommuDomainModel dom;

    @BeforeEach
    void setUp() {
        p = Platform.builder()
                .domain("dma0", IommuDomainType.DMA, 4096)
                .device(DeviceConfig.builder(DEV.name()).iommuDomain("dma0").coherent(false).build())
                .build();
        dom = p.domain("dma0");
    }

    private static Touched.Range r(long start, long last, String by) {
        return new Touched.Range(start, last, by);
    }

    private List<Touched.Range> iova() {
        return p.touched().iova().getOrDefault("dma0", List.of());
    }

    @Test
    void mapAndUnmapRecordTheirGranules() {
        dom.map(IOVA, BUF, 0x3000, RW);
        p.clearTouched();
        assertThat(p.touched().isEmpty()).isTrue();

        // iommu_unmap stops at the first unmapped granule: of the 0x5000 asked, 0x3000 were mapped
        assertThat(dom.unmap(IOVA, 0x5000)).isEqualTo(0x3000);
        assertThat(iova()).containsExactly(r(IOVA, IOVA + 0x2fff, "iommu_unmap"));
        assertThat(p.touched().memory()).isEmpty();
    }

    @Test
    void anInvalidationRecordsOnlyTheEntriesThatDisagreedWithThePageTable() {
        dom.map(IOVA, BUF, 0x2000, RW);
        p.dmaRead(DEV, IOVA, 1);
        p.dmaRead(DEV, IOVA + 0x1000, 1); // both granules now cached
        dom.unmap(IOVA + 0x1000, 0x1000); // the second entry is stale from here on
        p.clearTouched();

        dom.iotlbSync(IOVA, 0x2000);
        // the first entry agreed with its PTE: dropping it changes no translation
        assertThat(iova()).containsExactly(r(IOVA + 0x1000, IOVA + 0x1fff, "iotlb_sync"));
    }

    @Test
    void aFullFlushNamesTheStaleGranulesOnly() {
        dom.map(IOVA, BUF, 0x4000, RW);
        for (long g = 0; g < 0x4000; g += 0x1000) {
            p.dmaRead(DEV, IOVA + g, 1);
        }
        dom.unmap(IOVA + 0x1000, 0x2000); // granules 1 and 2 stale, 0 and 3 still right
        p.clearTouched();

        dom.flushIotlbAll();
        // adjacent stale granules are merged into one range
        assertThat(iova()).containsExactly(r(IOVA + 0x1000, IOVA + 0x2fff, "flush_iotlb_all"));

        p.clearTouched();
        dom.flushIotlbAll();
        assertThat(p.touched().isEmpty()).isTrue();
    }

    @Test
    void aRefilledEntryIsNoLongerStale() {
        dom.map(IOVA, BUF, 0x1000, RW);
        p.dmaRead(DEV, IOVA, 1);
        dom.unmap(IOVA, 0x1000);
        dom.map(IOVA, BUF + 0x1000, 0x1000, RW); // stale: the IOTLB still says BUF
        dom.iotlbSync(IOVA, 0x1000);
        p.dmaRead(DEV, IOVA, 1); // the walk caches the new PTE
        p.clearTouched();

        dom.flushIotlbAll();
        assertThat(p.touched().isEmpty()).isTrue();
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
