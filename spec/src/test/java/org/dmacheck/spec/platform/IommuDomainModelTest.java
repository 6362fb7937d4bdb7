package org.dmacheck.spec.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The IOMMU page table and IOTLB, seen from the device. Granule 4 KiB throughout. */
class IommuDomainModelTest {
    private static final DeviceId DEV = DeviceId.of("0000:01:00.0");
    private static final long IOVA = 0x1000_0000L;
    private static final long BUF = 0x20_0000L;
    private static final int RW = IommuProt.READ | IommuProt.WRITE;
    private static final int EINVAL = -22;
    private static final int EEXIST = -17;

    private Platform p;
    private IommuDomainModel dom;

    @BeforeEach
    void setUp() {
        p = Platform.builder()
                .domain("dma0", IommuDomainType.DMA, 4096)
                .device(DeviceConfig.builder(DEV.name()).iommuDomain("dma0").build())
                .build();
        dom = p.domain("dma0");
        p.cpuWrite(BUF + 0x120, new byte[] {1, 2, 3, 4});
        p.cpuWrite(0x30_0000L + 0x120, new byte[] {9, 9, 9, 9});
    }

    @Test
    void afterMapTheDeviceReadsThePageAtTheSameOffset() {
        assertThat(dom.map(IOVA, BUF, 0x1000, RW)).isZero();
        // iova 0x1000_0120 is offset 0x120 into the granule, so it reads phys 0x20_0120.
        DmaAccess a = p.dmaRead(DEV, IOVA + 0x120, 4);
        assertThat(a).isEqualTo(a).isInstanceOf(DmaAccess.Done.class);
        assertThat(((DmaAccess.Done) a).data()).containsExactly(1, 2, 3, 4);
        assertThat(dom.iotlbEntryCount()).isEqualTo(1);
        assertThat(dom.iovaToPhys(IOVA + 0x120)).isEqualTo(BUF + 0x120);
    }

    @Test
    void unmapWithoutInvalidationLeavesAStaleButUsableTranslation() {
        dom.map(IOVA, BUF, 0x1000, RW);
        p.dmaRead(DEV, IOVA, 1); // walk: the IOTLB now caches iova -> BUF
        assertThat(dom.unmap(IOVA, 0x1000)).isEqualTo(0x1000);
        assertThat(dom.livePteCount()).isZero();
        assertThat(dom.iovaToPhys(IOVA)).isZero();

        DmaAccess stale = p.dmaRead(DEV, IOVA + 0x120, 4);
        assertThat(stale).isInstanceOf(DmaAccess.Done.class);
        assertThat(((DmaAccess.Done) stale).data()).containsExactly(1, 2, 3, 4);
        assertThat(p.resolve(DEV, IOVA + 0x120, false))
                .isEqualTo(new Resolution.Reached(BUF + 0x120, Resolution.Route.IOTLB, RW));

        dom.iotlbSync(IOVA, 0x1000);
        DmaAccess after = p.dmaRead(DEV, IOVA + 0x120, 4);
        assertThat(after).isInstanceOf(DmaAccess.Fault.class);
        assertThat(((DmaAccess.Fault) after).dmaAddr()).isEqualTo(IOVA + 0x120);
        assertThat(p.faults()).containsExactly((DmaAccess.Fault) after);
    }

    @Test
    void flushAllDropsEveryCachedTranslation() {
        dom.map(IOVA, BUF, 0x2000, RW);
        p.dmaRead(DEV, IOVA, 0x2000); // two granules walked
        assertThat(dom.iotlbEntryCount()).isEqualTo(2);
        dom.unmap(IOVA, 0x2000);
        dom.flushIotlbAll();
        assertThat(dom.iotlbEntryCount()).isZero();
        assertThat(p.dmaRead(DEV, IOVA + 0x1000, 1).faulted()).isTrue();
        assertThat(dom.flushAllCount()).isEqualTo(1);
    }

    @Test
    void remappingAStaleIovaElsewhereStillReachesTheOldPageUntilInvalidated() {
        dom.map(IOVA, BUF, 0x1000, RW);
        p.dmaRead(DEV, IOVA, 1);
        dom.unmap(IOVA, 0x1000);
        dom.map(IOVA, 0x30_0000L, 0x1000, RW);
        assertThat(((DmaAccess.Done) p.dmaRead(DEV, IOVA + 0x120, 4)).data()).containsExactly(1, 2, 3, 4);
        dom.iotlbSync(IOVA, 1); // a 1-byte gather still covers the whole granule
        assertThat(((DmaAccess.Done) p.dmaRead(DEV, IOVA + 0x120, 4)).data()).containsExactly(9, 9, 9, 9);
    }

    @Test
    void aDeviceWriteThroughAReadOnlyEntryFaultsAndWritesNothing() {
        dom.map(IOVA, BUF, 0x1000, IommuProt.READ);
        DmaAccess w = p.dmaWrite(DEV, IOVA + 0x120, new byte[] {7});
        assertThat(w).isInstanceOf(DmaAccess.Fault.class);
        assertThat(((DmaAccess.Fault) w).write()).isTrue();
        assertThat(p.cpuRead(BUF + 0x120, 1)).containsExactly(1);
        assertThat(p.resolve(DEV, IOVA, true)).isInstanceOf(Resolution.Unreachable.class);
        assertThat(p.resolve(DEV, IOVA, false)).isInstanceOf(Resolution.Reached.class);
    }

    @Test
    void aDeviceReadThroughAWriteOnlyEntryFaults() {
        dom.map(IOVA, BUF, 0x1000, IommuProt.WRITE);
        assertThat(p.dmaRead(DEV, IOVA, 1).faulted()).isTrue();
        assertThat(p.dmaWrite(DEV, IOVA + 0x120, new byte[] {7}).faulted()).isFalse();
        assertThat(p.cpuRead(BUF + 0x120, 1)).containsExactly(7);
    }

    @Test
    void mapRefusesToOverwriteALiveEntryAndChangesNothing() {
        assertThat(dom.map(IOVA + 0x1000, BUF, 0x1000, RW)).isZero();
        // [IOVA, IOVA+0x3000) overlaps the live granule at IOVA+0x1000.
        assertThat(dom.map(IOVA, 0x30_0000L, 0x3000, RW)).isEqualTo(EEXIST);
        assertThat(dom.livePteCount()).isEqualTo(1);
        assertThat(dom.iovaToPhys(IOVA + 0x1000)).isEqualTo(BUF);
        assertThat(p.kernelLog()).anyMatch(l -> l.contains("overwrites live PTE"));
    }

    @Test
    void mapRefusesMisalignedAndOutOfApertureRequests() {
        assertThat(dom.map(IOVA + 0x10, BUF, 0x1000, RW)).isEqualTo(EINVAL);
        assertThat(dom.map(IOVA, BUF + 0x10, 0x1000, RW)).isEqualTo(EINVAL);
        assertThat(dom.map(IOVA, BUF, 0x800, RW)).isEqualTo(EINVAL);
        // The aperture ends at 2^48-1: the granule at 2^48 is outside.
        assertThat(dom.map(1L << 48, BUF, 0x1000, RW)).isEqualTo(EINVAL);
        assertThat(dom.map((1L << 48) - 0x1000, BUF, 0x1000, RW)).isZero();
        assertThat(dom.livePteCount()).isEqualTo(1);
    }

    @Test
    void unmapStopsAtTheFirstHoleAndReturnsWhatItCleared() {
        dom.map(IOVA, BUF, 0x2000, RW);
        dom.map(IOVA + 0x3000, BUF + 0x3000, 0x1000, RW);
        // Granules 0 and 1 are mapped, 2 is a hole: 0x2000 bytes unmapped, granule 3 untouched.
        assertThat(dom.unmap(IOVA, 0x4000)).isEqualTo(0x2000);
        assertThat(dom.livePteCount()).isEqualTo(1);
        assertThat(dom.unmap(IOVA + 0x10, 0x1000)).isZero();
    }

    @Test
    void aPendingEntryIsInvisibleToTheDeviceUntilSynced() {
        assertThat(dom.mapNoSync(IOVA, BUF, 0x1000, RW)).isZero();
        assertThat(dom.pendingPteCount()).isEqualTo(1);
        DmaAccess before = p.dmaRead(DEV, IOVA, 1);
        assertThat(((DmaAccess.Fault) before).reason()).contains("not yet synced");
        assertThat(dom.syncMap(IOVA, 0x1000)).isZero();
        assertThat(dom.pendingPteCount()).isZero();
        assertThat(p.dmaRead(DEV, IOVA + 0x120, 1).faulted()).isFalse();
    }

    @Test
    void resolveDoesNotFillTheIotlbNorRecordFaults() {
        dom.map(IOVA, BUF, 0x1000, RW);
        assertThat(p.resolve(DEV, IOVA, false))
                .isEqualTo(new Resolution.Reached(BUF, Resolution.Route.PAGE_TABLE, RW));
        assertThat(dom.iotlbEntryCount()).isZero();
        assertThat(p.resolve(DEV, IOVA + 0x5000, false)).isInstanceOf(Resolution.Unreachable.class);
        assertThat(p.faults()).isEmpty();
    }

    @Test
    void anAccessSpanningGranulesFaultsAtTheFirstUnmappedByteAndTransfersNothing() {
        dom.map(IOVA, BUF, 0x1000, RW);
        DmaAccess w = p.dmaWrite(DEV, IOVA + 0xFFE, new byte[] {5, 5, 5, 5});
        assertThat(((DmaAccess.Fault) w).dmaAddr()).isEqualTo(IOVA + 0x1000);
        assertThat(p.cpuRead(BUF + 0xFFE, 2)).containsExactly(0, 0);
    }

    @Test
    void reservedRegionsIncludeMsiWindowHostBridgeWindowsAndOutsideTheAperture() {
        Platform q = Platform.builder()
                .hostBridge("pci0000:00", false)
                .rootPort("0000:00:01.0", "pci0000:00", false)
                .endpoint("0000:01:00.0", "0000:00:01.0")
                .p2pBar("0000:01:00.0", 0xE000_0000L, 0x10_0000L, 0x1000_0000_0000L)
                .domain(new DomainConfig("d", IommuDomainType.DMA_FQ, 4096, 0x1000, Unsigned.bitMask(48), List.of()))
                .build();
        assertThat(q.domain("d").reservedRegions()).extracting(IovaRange::start, IovaRange::last).containsExactly(
                org.assertj.core.groups.Tuple.tuple(0L, 0xFFFL),
                org.assertj.core.groups.Tuple.tuple(0xFEE0_0000L, 0xFEEF_FFFFL),
                org.assertj.core.groups.Tuple.tuple(0x1000_E000_0000L, 0x1000_E00F_FFFFL),
                org.assertj.core.groups.Tuple.tuple(1L << 48, Unsigned.MAX));
    }

    @Test
    void identityAndBlockedDomainsAreNotPagingDomains() {
        Platform q = Platform.builder()
                .domain("id", IommuDomainType.IDENTITY, 4096)
                .domain("blk", IommuDomainType.BLOCKED, 4096)
                .device(DeviceConfig.builder("a").iommuDomain("id").build())
                .device(DeviceConfig.builder("b").iommuDomain("blk").build())
                .build();
        q.cpuWrite(BUF, new byte[] {42});
        assertThat(q.domain("id").map(IOVA, BUF, 0x1000, RW)).isEqualTo(EINVAL);
        assertThat(((DmaAccess.Done) q.dmaRead(DeviceId.of("a"), BUF, 1)).data()).containsExactly(42);
        assertThat(((DmaAccess.Fault) q.dmaRead(DeviceId.of("b"), BUF, 1)).reason()).contains("BLOCKED");
    }

    // ---- what a change records in Platform.touched() ------------------------------------------

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
}
