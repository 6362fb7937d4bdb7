package org.dmacheck.spec.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.DmaAttrs;
import org.junit.jupiter.api.Test;

/** Worked examples of {@code check_unmap()} (U1–U9) and of its best-fit lookup. */
class UnmapChecksTest {
    static final DeviceId NIC = DeviceId.of("0000:01:00.0");
    static final long ADDR = 0xfff00000L;

    private final DmaDebug debug = new DmaDebug(d -> Optional.empty(), DmaDebugOptions.DEFAULT);

    static ContractEvent.MapSingle map(long step, EntryType type, long devAddr, long size, Direction dir, long attrs) {
        return new ContractEvent.MapSingle(Location.step(step), NIC, type, OptionalLong.of(0x2000000L), devAddr, size,
                dir, attrs);
    }

    static ContractEvent.UnmapSingle unmap(long step, EntryType type, long devAddr, long size, Direction dir,
                                           long attrs) {
        return new ContractEvent.UnmapSingle(Location.step(step), NIC, type, devAddr, size, dir, attrs);
    }

    /** A map whose result the driver checks with dma_mapping_error(), as a correct driver does. */
    private void mapChecked(long step, long devAddr, long size, Direction dir) {
        assertThat(debug.map(map(step, EntryType.PHY, devAddr, size, dir, 0))).isEmpty();
        debug.mappingErrorChecked(NIC, devAddr);
    }

    private List<ContractViolation> unmapPhy(long step, long devAddr, long size, Direction dir) {
        return debug.unmap(unmap(step, EntryType.PHY, devAddr, size, dir, 0));
    }

    @Test
    void aMatchingUnmapIsCleanAndReleasesTheEntry() {
        mapChecked(1, ADDR, 4096, Direction.TO_DEVICE);
        assertThat(debug.entries(NIC)).hasSize(1);
        assertThat(unmapPhy(2, ADDR, 4096, Direction.TO_DEVICE)).isEmpty();
        assertThat(debug.entries(NIC)).isEmpty();
    }

    @Test
    void u1UnmapOfDmaMappingError() {
        List<ContractViolation> v = unmapPhy(3, DmaDebug.DMA_MAPPING_ERROR, 4096, Direction.TO_DEVICE);
        assertThat(v).extracting(ContractViolation::id).containsExactly("U1");
        assertThat(v.get(0).render()).isEqualTo("DMA-API: 0000:01:00.0: device driver tries to free an invalid DMA"
                + " memory address [step 3]");
    }

    @Test
    void u2UnmapOfAnAddressNothingMapped() {
        mapChecked(1, ADDR, 4096, Direction.TO_DEVICE);
        List<ContractViolation> v = unmapPhy(2, ADDR + 0x1000, 4096, Direction.TO_DEVICE);
        assertThat(v).extracting(ContractViolation::id).containsExactly("U2");
        assertThat(v.get(0).render()).isEqualTo("DMA-API: 0000:01:00.0: device driver tries to free DMA memory it has"
                + " not allocated [device address=0x00000000fff01000] [size=4096 bytes] [step 2]");
        assertThat(v.get(0).mappedAt()).isEqualTo(Location.NONE);
        assertThat(debug.entries(NIC)).hasSize(1);
    }

    @Test
    void u3SizeDiffersAndTheEntryIsReleasedAnyway() {
        mapChecked(7, ADDR, 4096, Direction.FROM_DEVICE);
        List<ContractViolation> v = unmapPhy(9, ADDR, 512, Direction.FROM_DEVICE);
        assertThat(v).extracting(ContractViolation::id).containsExactly("U3");
        assertThat(v.get(0).render()).isEqualTo("DMA-API: 0000:01:00.0: device driver frees DMA memory with different"
                + " size [device address=0x00000000fff00000] [map size=4096 bytes] [unmap size=512 bytes] [step 9]"
                + " (mapped at step 7)");
        assertThat(v.get(0).evidence("unmap size")).isEqualTo("512 bytes");
        // check_unmap() removes the entry even when it reports: the same unmap again is U2
        assertThat(unmapPhy(10, ADDR, 4096, Direction.FROM_DEVICE)).extracting(ContractViolation::id)
                .containsExactly("U2");
    }

    @Test
    void u4MappedWithMapPageUnmappedWithUnmapResource() {
        assertThat(debug.map(map(1, EntryType.SINGLE, ADDR, 4096, Direction.TO_DEVICE, 0))).isEmpty();
        debug.mappingErrorChecked(NIC, ADDR);
        List<ContractViolation> v = debug.unmap(unmap(2, EntryType.RESOURCE, ADDR, 4096, Direction.TO_DEVICE, 0));
        assertThat(v).extracting(ContractViolation::id).containsExactly("U4");
        assertThat(v.get(0).render()).isEqualTo("DMA-API: 0000:01:00.0: device driver frees DMA memory with wrong"
                + " function [device address=0x00000000fff00000] [size=4096 bytes] [mapped as single]"
                + " [unmapped as resource] [step 2] (mapped at step 1)");
    }

    @Test
    void u5CoherentFreedWithAnotherCpuAddress() {
        ContractEvent.Alloc a = new ContractEvent.Alloc(Location.step(1), NIC, EntryType.COHERENT,
                OptionalLong.of(0x3000000L), 0x3000000L, 0x1000000L, 4096, Direction.BIDIRECTIONAL, 0);
        assertThat(debug.alloc(a)).isEmpty();
        List<ContractViolation> v = debug.free(new ContractEvent.Free(Location.step(2), NIC, EntryType.COHERENT,
                0x3001000L, 0x1000000L, 4096, Direction.BIDIRECTIONAL, 0));
        assertThat(v).extracting(ContractViolation::id).containsExactly("U5");
        assertThat(v.get(0).render()).isEqualTo("DMA-API: 0000:01:00.0: device driver frees DMA memory with different"
                + " CPU address [device address=0x0000000001000000] [size=4096 bytes]"
                + " [cpu alloc address=0x0000000003000000] [cpu free address=0x0000000003001000] [step 2]"
                + " (mapped at step 1)");
    }

    @Test
    void aCoherentFreeWithTheSameArgumentsIsClean() {
        debug.alloc(new ContractEvent.Alloc(Location.step(1), NIC, EntryType.COHERENT, OptionalLong.of(0x3000000L),
                0x3000000L, 0x1000000L, 4096, Direction.BIDIRECTIONAL, 0));
        assertThat(debug.free(new ContractEvent.Free(Location.step(2), NIC, EntryType.COHERENT, 0x3000000L, 0x1000000L,
                4096, Direction.BIDIRECTIONAL, 0))).isEmpty();
        assertThat(debug.entries()).isEmpty();
    }

    @Test
    void u6SgUnmappedWithFewerEntriesThanMapped() {
        // three list entries merged by an IOMMU into one 12 KiB segment: dma_map_sg(nents=3) returned 1
        List<SgEntry> list = List.of(SgEntry.of(0x3000000L, 0x1000, 0xffffd000L, 0x3000),
                SgEntry.of(0x3001000L, 0x1000, 0, 0), SgEntry.of(0x3002000L, 0x1000, 0, 0));
        assertThat(debug.map(new ContractEvent.MapSg(Location.step(1), NIC, 3, list, 1, Direction.TO_DEVICE, 0)))
                .isEmpty();
        List<ContractViolation> v = debug.unmap(new ContractEvent.UnmapSg(Location.step(2), NIC, 2, list,
                Direction.TO_DEVICE, 0));
        assertThat(v).extracting(ContractViolation::id).containsExactly("U6");
        assertThat(v.get(0).render()).isEqualTo("DMA-API: 0000:01:00.0: device driver frees DMA sg list with different"
                + " entry count [map count=3] [unmap count=2] [step 2] (mapped at step 1)");
        assertThat(debug.entries()).isEmpty();
    }

    @Test
    void anSgUnmapWithTheOriginalNentsIsCleanAndStopsAtTheMappedCount() {
        List<SgEntry> list = List.of(SgEntry.of(0x3000000L, 0x1000, 0xffffd000L, 0x3000),
                SgEntry.of(0x3001000L, 0x1000, 0, 0), SgEntry.of(0x3002000L, 0x1000, 0, 0));
        debug.map(new ContractEvent.MapSg(Location.step(1), NIC, 3, list, 1, Direction.TO_DEVICE, 0));
        // entries 1 and 2 hold no segment: checking them would report U2 twice; debug.c stops at 1
        assertThat(debug.unmap(new ContractEvent.UnmapSg(Location.step(2), NIC, 3, list, Direction.TO_DEVICE, 0)))
                .isEmpty();
    }

    @Test
    void anSgUnmapOfAnUnknownListChecksEveryPassedEntry() {
        List<SgEntry> list = List.of(SgEntry.dmaOnly(0x10000, 0x1000), SgEntry.dmaOnly(0x20000, 0x1000));
        assertThat(debug.unmap(new ContractEvent.UnmapSg(Location.step(1), NIC, 2, list, Direction.TO_DEVICE, 0)))
                .extracting(v -> v.id() + " " + v.evidence("device address"))
                .containsExactly("U2 0x0000000000010000", "U2 0x0000000000020000");
    }

    @Test
    void u7DirectionDiffers() {
        mapChecked(1, ADDR, 4096, Direction.FROM_DEVICE);
        List<ContractViolation> v = unmapPhy(2, ADDR, 4096, Direction.TO_DEVICE);
        assertThat(v).extracting(ContractViolation::id).containsExactly("U7");
        assertThat(v.get(0).render()).isEqualTo("DMA-API: 0000:01:00.0: device driver frees DMA memory with different"
                + " direction [device address=0x00000000fff00000] [size=4096 bytes] [mapped with DMA_FROM_DEVICE]"
                + " [unmapped with DMA_TO_DEVICE] [step 2] (mapped at step 1)");
    }

    @Test
    void severalMismatchesAreReportedInDebugCsOrder() {
        mapChecked(1, ADDR, 4096, Direction.FROM_DEVICE);
        assertThat(debug.unmap(unmap(2, EntryType.SINGLE, ADDR, 512, Direction.TO_DEVICE, DmaAttrs.MMIO)))
                .extracting(ContractViolation::id).containsExactly("U3", "U4", "U7", "U9");
    }

    @Test
    void u8MapResultNeverChecked() {
        assertThat(debug.map(map(4, EntryType.PHY, ADDR, 4096, Direction.TO_DEVICE, 0))).isEmpty();
        List<ContractViolation> v = unmapPhy(5, ADDR, 4096, Direction.TO_DEVICE);
        assertThat(v).extracting(ContractViolation::id).containsExactly("U8");
        assertThat(v.get(0).render()).isEqualTo("DMA-API: 0000:01:00.0: device driver failed to check map error"
                + " [device address=0x00000000fff00000] [size=4096 bytes] [mapped as phy] [step 5] (mapped at step 4)");
    }

    @Test
    void u8IsNotJudgedWhenTheCallerCannotSeeMapErrorChecks() {
        DmaDebug blind = DmaDebug.withoutDeviceLimits(DmaDebugOptions.DEFAULT.withJudgeMapErrorChecks(false));
        blind.map(map(1, EntryType.PHY, ADDR, 4096, Direction.TO_DEVICE, 0));
        assertThat(blind.unmap(unmap(2, EntryType.PHY, ADDR, 4096, Direction.TO_DEVICE, 0))).isEmpty();
    }

    @Test
    void mappingErrorFlipsOnlyTheFirstUncheckedEntryAtTheAddress() {
        // the same buffer mapped twice without an IOMMU: two entries at one address; one check
        debug.map(map(1, EntryType.PHY, ADDR, 4096, Direction.TO_DEVICE, 0));
        debug.map(map(2, EntryType.PHY, ADDR, 4096, Direction.TO_DEVICE, 0));
        debug.mappingErrorChecked(NIC, ADDR);
        assertThat(debug.entries(NIC)).extracting(DebugEntry::mapErr)
                .containsExactly(DebugEntry.MapErr.CHECKED, DebugEntry.MapErr.NOT_CHECKED);
    }

    @Test
    void u9MmioAttributeDiffersButSkipCpuSyncMayDiffer() {
        mapChecked(1, ADDR, 4096, Direction.TO_DEVICE);
        debug.map(map(2, EntryType.PHY, ADDR + 0x1000, 4096, Direction.TO_DEVICE, DmaAttrs.MMIO));
        debug.mappingErrorChecked(NIC, ADDR + 0x1000);
        assertThat(debug.unmap(unmap(3, EntryType.PHY, ADDR, 4096, Direction.TO_DEVICE, DmaAttrs.SKIP_CPU_SYNC)))
                .isEmpty();
        List<ContractViolation> v = debug.unmap(unmap(4, EntryType.PHY, ADDR + 0x1000, 4096, Direction.TO_DEVICE, 0));
        assertThat(v).extracting(ContractViolation::id).containsExactly("U9");
        // DMA_ATTR_MMIO is bit 10: 0x400
        assertThat(v.get(0).render()).isEqualTo("DMA-API: 0000:01:00.0: device driver frees DMA memory with different"
                + " attributes [device address=0x00000000fff01000] [size=4096 bytes] [mapped with 0x400]"
                + " [unmapped with 0x0] [step 4] (mapped at step 2)");
    }

    // ---- the best-fit lookup (__hash_bucket_find) -------------------------------------------------

    @Test
    void aSingleCandidateIsFoundHoweverBadlyItFits() {
        mapChecked(1, ADDR, 4096, Direction.TO_DEVICE);
        assertThat(debug.unmapTarget(NIC, ADDR, 1, EntryType.SG, Direction.FROM_DEVICE, 9)).isPresent();
    }

    @Test
    void aPerfectFitAmongSeveralIsReleasedAndTheOtherStays() {
        // no IOMMU: one buffer mapped for the device to read and again for it to write
        mapChecked(1, ADDR, 4096, Direction.TO_DEVICE);
        mapChecked(2, ADDR, 4096, Direction.FROM_DEVICE);
        assertThat(unmapPhy(3, ADDR, 4096, Direction.FROM_DEVICE)).isEmpty();
        assertThat(debug.entries(NIC)).extracting(DebugEntry::direction).containsExactly(Direction.TO_DEVICE);
    }

    @Test
    void ofTwoPerfectFitsTheFirstBookedIsReleased() {
        mapChecked(1, ADDR, 4096, Direction.TO_DEVICE);
        mapChecked(2, ADDR, 4096, Direction.TO_DEVICE);
        assertThat(debug.unmapTarget(NIC, ADDR, 4096, EntryType.PHY, Direction.TO_DEVICE, 0))
                .map(DebugEntry::mappedAt).contains(Location.step(1));
    }

    @Test
    void severalCandidatesWithoutAPerfectFitCountAsNotFound() {
        mapChecked(1, ADDR, 4096, Direction.TO_DEVICE);
        mapChecked(2, ADDR, 8192, Direction.TO_DEVICE);
        // 2048 bytes fits neither perfectly (each scores 3 of 4): debug.c gives up, U2
        assertThat(unmapPhy(3, ADDR, 2048, Direction.TO_DEVICE)).extracting(ContractViolation::id)
                .containsExactly("U2");
        assertThat(debug.entries(NIC)).hasSize(2);
    }

    @Test
    void entriesOfAnotherDeviceAtTheSameAddressDoNotMatch() {
        mapChecked(1, ADDR, 4096, Direction.TO_DEVICE);
        DeviceId gpu = DeviceId.of("0000:02:00.0");
        assertThat(debug.unmap(new ContractEvent.UnmapSingle(Location.step(2), gpu, EntryType.PHY, ADDR, 4096,
                Direction.TO_DEVICE, 0))).extracting(ContractViolation::id).containsExactly("U2");
    }

    @Test
    void aViolationConvertsToTheSharedViolationRecord() {
        mapChecked(7, ADDR, 4096, Direction.FROM_DEVICE);
        var shared = unmapPhy(9, ADDR, 512, Direction.FROM_DEVICE).get(0).toViolation();
        assertThat(shared.kind()).isEqualTo("U3");
        assertThat(shared.step()).isEqualTo(9);
        assertThat(shared.toString()).isEqualTo("DMA-API: 0000:01:00.0: device driver frees DMA memory with different"
                + " size [device address=0x00000000fff00000] [map size=4096 bytes] [unmap size=512 bytes] [step 9]");
    }

    @Test
    void applyRoutesEachEventToItsHook() {
        List<ContractEvent> events = List.of(map(1, EntryType.PHY, ADDR, 4096, Direction.TO_DEVICE, 0),
                new ContractEvent.MappingErrorChecked(Location.step(2), NIC, ADDR),
                unmap(3, EntryType.PHY, ADDR, 2048, Direction.TO_DEVICE, 0),
                new ContractEvent.SyncSingle(Location.step(4), NIC, true, ADDR, 16, Direction.TO_DEVICE),
                new ContractEvent.Unbind(Location.step(5), NIC));
        // the map was checked (no U8); the unmap is U3 and releases it; the sync finds nothing (S1)
        assertThat(events.stream().flatMap(e -> debug.apply(e).stream()).map(ContractViolation::id))
                .containsExactly("U3", "S1");
    }
}
