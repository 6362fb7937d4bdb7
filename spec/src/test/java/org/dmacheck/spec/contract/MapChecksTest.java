package org.dmacheck.spec.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.DmaAttrs;
import org.junit.jupiter.api.Test;

/** Worked examples of the map-time checks: {@code check_sg_segment()} (M5, M6) and the cache-line tracker (M7, M8). */
class MapChecksTest {
    static final DeviceId NIC = DeviceId.of("0000:01:00.0");
    /** 64 KiB max segments (the default without dma_parms) and a 64 KiB segment boundary. */
    static final DeviceConfig LIMITS = DeviceConfig.builder(NIC.name()).segBoundaryMask(0xffff).build();
    /** 64 KiB max segments and no boundary (all ones). */
    static final DeviceId DISK = DeviceId.of("0000:03:00.0");

    private final DmaDebug debug = new DmaDebug(d -> d.equals(NIC) ? Optional.of(LIMITS)
            : d.equals(DISK) ? Optional.of(DeviceConfig.builder(DISK.name()).build()) : Optional.empty(),
            DmaDebugOptions.DEFAULT);

    private static ContractEvent.MapSg sg(long step, DeviceId dev, List<SgEntry> list, int mapped, Direction dir) {
        return new ContractEvent.MapSg(Location.step(step), dev, list.size(), list, mapped, dir, 0);
    }

    private static ContractEvent.MapSingle single(long step, long phys, long devAddr, Direction dir, long attrs) {
        return new ContractEvent.MapSingle(Location.step(step), NIC, EntryType.PHY, OptionalLong.of(phys), devAddr,
                512, dir, attrs);
    }

    @Test
    void segmentsWithinTheLimitsAreClean() {
        List<SgEntry> list = List.of(SgEntry.of(0x100000, 0x10000, 0x100000, 0x10000),
                SgEntry.of(0x200000, 0x8000, 0x200000, 0x8000));
        assertThat(debug.map(sg(1, NIC, list, 2, Direction.TO_DEVICE))).isEmpty();
        assertThat(debug.entries(NIC)).extracting(DebugEntry::devAddr, DebugEntry::size, DebugEntry::sgCallEnts,
                DebugEntry::sgMappedEnts).containsExactly(
                org.assertj.core.groups.Tuple.tuple(0x100000L, 0x10000L, 2, 2),
                org.assertj.core.groups.Tuple.tuple(0x200000L, 0x8000L, 2, 2));
    }

    @Test
    void m5AnEntryLongerThanMaxSegSize() {
        // CPU length 0x20000 = 131072 > 65536; judged on s->length even though one DMA segment results
        List<SgEntry> list = List.of(SgEntry.of(0x100000, 0x20000, 0xfff00000L, 0x20000));
        List<ContractViolation> v = debug.map(sg(3, DISK, list, 1, Direction.TO_DEVICE));
        assertThat(v).extracting(ContractViolation::id).containsExactly("M5");
        assertThat(v.get(0).render()).isEqualTo("DMA-API: 0000:03:00.0: mapping sg segment longer than device claims"
                + " to support [len=131072] [max=65536] [step 3]");
    }

    @Test
    void m6ASegmentAcrossTheBoundary() {
        // [0xf000, 0x10fff]: 0xf000 ^ 0x10fff = 0x1ffff, & ~0xffff = 0x10000 != 0
        List<SgEntry> list = List.of(SgEntry.of(0x10f000, 0x2000, 0xf000, 0x2000));
        List<ContractViolation> v = debug.map(sg(4, NIC, list, 1, Direction.TO_DEVICE));
        assertThat(v).extracting(ContractViolation::id).containsExactly("M6");
        assertThat(v.get(0).render()).isEqualTo("DMA-API: 0000:01:00.0: mapping sg segment across boundary"
                + " [start=0x000000000000f000] [end=0x0000000000010fff] [boundary=0x000000000000ffff] [step 4]");
    }

    @Test
    void aSegmentEndingExactlyAtTheBoundaryIsClean() {
        // [0xf000, 0xffff]: 0xf000 ^ 0xffff = 0x0fff, inside one 64 KiB window
        assertThat(debug.map(sg(1, NIC, List.of(SgEntry.of(0x10f000, 0x1000, 0xf000, 0x1000)), 1,
                Direction.TO_DEVICE))).isEmpty();
    }

    @Test
    void withoutDeviceLimitsM5AndM6AreNotJudged() {
        DeviceId other = DeviceId.of("0000:02:00.0");
        List<SgEntry> list = List.of(SgEntry.of(0x100000, 0x20000, 0xf000, 0x20000));
        assertThat(debug.map(sg(1, other, list, 1, Direction.TO_DEVICE))).isEmpty();
    }

    @Test
    void onlyTheMappedEntriesAreJudgedAndBooked() {
        // entry 1 is too long, but map_sg returned 1: debug.c walks mapped_ents entries only
        List<SgEntry> list = List.of(SgEntry.of(0x100000, 0x1000, 0x100000, 0x1000),
                SgEntry.of(0x200000, 0x20000, 0, 0));
        assertThat(debug.map(sg(1, NIC, list, 1, Direction.TO_DEVICE))).isEmpty();
        assertThat(debug.entries(NIC)).hasSize(1);
    }

    @Test
    void aFailedMapBooksNothing() {
        assertThat(debug.map(single(1, 0x2000000, DmaDebug.DMA_MAPPING_ERROR, Direction.FROM_DEVICE, 0))).isEmpty();
        assertThat(debug.map(sg(2, NIC, List.of(SgEntry.of(0x1000, 0x1000, 0, 0)), -5, Direction.TO_DEVICE))).isEmpty();
        assertThat(debug.entries()).isEmpty();
    }

    @Test
    void m7TwoDeviceWritableMappingsStartInOneCacheLine() {
        // 0x2000000 >> 6 = 0x80000 and 0x2000020 >> 6 = 0x80000: the second starts in the first's line
        assertThat(debug.map(single(1, 0x2000000, 0x10000, Direction.FROM_DEVICE, 0))).isEmpty();
        List<ContractViolation> v = debug.map(single(2, 0x2000020, 0x10020, Direction.FROM_DEVICE, 0));
        assertThat(v).extracting(ContractViolation::id).containsExactly("M7");
        assertThat(v.get(0).render()).isEqualTo("DMA-API: 0000:01:00.0: cacheline tracking EEXIST, overlapping"
                + " mappings aren't supported [device address=0x0000000000010020] [cacheline=0x0000000000080000]"
                + " [overlaps device address=0x0000000000010000] [overlaps mapping at=step 1] [step 2]"
                + " (mapped at step 2)");
    }

    @Test
    void m7NotForTheNextCacheLine() {
        // 0x2000040 >> 6 = 0x80001: a different line
        debug.map(single(1, 0x2000000, 0x10000, Direction.FROM_DEVICE, 0));
        assertThat(debug.map(single(2, 0x2000040, 0x10040, Direction.FROM_DEVICE, 0))).isEmpty();
    }

    @Test
    void m7ExemptionsToDeviceSkipCpuSyncAndBothClean() {
        debug.map(single(1, 0x2000000, 0x10000, Direction.FROM_DEVICE, DmaAttrs.DEBUGGING_IGNORE_CACHELINES));
        // the device only reads: not tracked at all
        assertThat(debug.map(single(2, 0x2000000, 0x10000, Direction.TO_DEVICE, 0))).isEmpty();
        // tracked, but the new mapping skips CPU sync
        assertThat(debug.map(single(3, 0x2000000, 0x10000, Direction.FROM_DEVICE, DmaAttrs.SKIP_CPU_SYNC)))
                .isEmpty();
        // both the line's first mapping and the new one are cache-clean
        assertThat(debug.map(single(4, 0x2000000, 0x10000, Direction.BIDIRECTIONAL, DmaAttrs.REQUIRE_COHERENT)))
                .isEmpty();
        // only the new one is clean: reported
        DmaDebug fresh = DmaDebug.withoutDeviceLimits(DmaDebugOptions.DEFAULT);
        fresh.map(single(1, 0x2000000, 0x10000, Direction.FROM_DEVICE, 0));
        assertThat(fresh.map(single(2, 0x2000000, 0x10000, Direction.FROM_DEVICE,
                DmaAttrs.DEBUGGING_IGNORE_CACHELINES))).extracting(ContractViolation::id).containsExactly("M7");
    }

    @Test
    void m7IsNotReportedOnCoherentArchitecturesOrWithBouncedKmalloc() {
        // x86: dma_get_cache_alignment() = 1 < L1_CACHE_BYTES
        DmaDebug x86 = DmaDebug.withoutDeviceLimits(DmaDebugOptions.DEFAULT.withDmaCacheAlignment(1));
        x86.map(single(1, 0x2000000, 0x10000, Direction.FROM_DEVICE, 0));
        assertThat(x86.map(single(2, 0x2000000, 0x10000, Direction.FROM_DEVICE, 0))).isEmpty();
        DmaDebug bounced = DmaDebug.withoutDeviceLimits(new DmaDebugOptions(64, 128, true, true));
        bounced.map(single(1, 0x2000000, 0x10000, Direction.FROM_DEVICE, 0));
        assertThat(bounced.map(single(2, 0x2000000, 0x10000, Direction.FROM_DEVICE, 0))).isEmpty();
    }

    @Test
    void m7AnSgEntryIsTrackedByItsListEntrysPhysicalAddress() {
        debug.map(single(1, 0x3000010, 0x10000, Direction.FROM_DEVICE, 0));
        // entry 0's sg_phys 0x3000000 shares line 0xc0000 with the single mapping at 0x3000010
        List<SgEntry> list = List.of(SgEntry.of(0x3000000, 0x1000, 0x50000, 0x1000));
        assertThat(debug.map(sg(2, NIC, list, 1, Direction.FROM_DEVICE))).extracting(ContractViolation::id)
                .containsExactly("M7");
    }

    @Test
    void anUnmapMakesTheLineIdleAgain() {
        debug.map(single(1, 0x2000000, 0x10000, Direction.FROM_DEVICE, 0));
        debug.mappingErrorChecked(NIC, 0x10000);
        debug.unmap(new ContractEvent.UnmapSingle(Location.step(2), NIC, EntryType.PHY, 0x10000, 512,
                Direction.FROM_DEVICE, 0));
        assertThat(debug.map(single(3, 0x2000000, 0x10000, Direction.FROM_DEVICE, 0))).isEmpty();
    }

    @Test
    void m8TheNinthMappingOfOneLineOverflowsTheCounterOnce() {
        // the first mapping inserts the line; the 2nd..8th raise its count to 7; the 9th would make 8
        List<ContractViolation> all = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            List<ContractViolation> v = debug.map(single(i, 0x2000000, 0x10000L * i, Direction.FROM_DEVICE,
                    DmaAttrs.SKIP_CPU_SYNC));
            if (i < 9) {
                assertThat(v).as("mapping %d", i).isEmpty();
            }
            all.addAll(v);
        }
        assertThat(all).extracting(ContractViolation::id).containsExactly("M8");
        assertThat(all.get(0).render()).isEqualTo("DMA-API: 0000:01:00.0: exceeded 7 overlapping mappings of"
                + " cacheline [cacheline=0x0000000000080000] [step 9] (mapped at step 9)");
    }

    @Test
    void theSaturatedCounterLetsTheLineGoIdleWhileAMappingIsStillLive() {
        // nine mappings, count saturated at 7; eight unmaps take it 7 -> 0 -> idle with one mapping live
        for (int i = 1; i <= 9; i++) {
            debug.map(single(i, 0x2000000, 0x10000L * i, Direction.FROM_DEVICE, DmaAttrs.SKIP_CPU_SYNC));
            debug.mappingErrorChecked(NIC, 0x10000L * i);
        }
        for (int i = 1; i <= 8; i++) {
            assertThat(debug.unmap(new ContractEvent.UnmapSingle(Location.step(10 + i), NIC, EntryType.PHY,
                    0x10000L * i, 512, Direction.FROM_DEVICE, 0))).isEmpty();
        }
        // debug.c no longer sees mapping 9 on the line: a new overlap goes unreported
        assertThat(debug.map(single(20, 0x2000000, 0x200000, Direction.FROM_DEVICE, 0))).isEmpty();
    }
}
