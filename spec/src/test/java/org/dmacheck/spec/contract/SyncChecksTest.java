package org.dmacheck.spec.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalLong;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.junit.jupiter.api.Test;

/** Worked examples of {@code check_sync()} (S1–S6) and of its containing lookup. */
class SyncChecksTest {
    static final DeviceId NIC = DeviceId.of("0000:01:00.0");
    static final long ADDR = 0xfff00000L;

    private final DmaDebug debug = DmaDebug.withoutDeviceLimits(DmaDebugOptions.DEFAULT);

    private void map(long step, long devAddr, long size, Direction dir) {
        assertThat(debug.map(new ContractEvent.MapSingle(Location.step(step), NIC, EntryType.PHY,
                OptionalLong.empty(), devAddr, size, dir, 0))).isEmpty();
    }

    private List<ContractViolation> sync(long step, boolean forCpu, long devAddr, long size, Direction dir) {
        return debug.sync(new ContractEvent.SyncSingle(Location.step(step), NIC, forCpu, devAddr, size, dir));
    }

    private static List<String> ids(List<ContractViolation> v) {
        return v.stream().map(ContractViolation::id).toList();
    }

    @Test
    void aSubRangeSyncWithTheMappingsDirectionIsClean() {
        map(1, ADDR, 0x2000, Direction.FROM_DEVICE);
        assertThat(sync(2, true, ADDR + 0x1000, 0x800, Direction.FROM_DEVICE)).isEmpty();
        assertThat(sync(3, false, ADDR, 0x2000, Direction.FROM_DEVICE)).isEmpty();
    }

    @Test
    void s1NoMappingContainsTheRange() {
        map(1, ADDR, 0x2000, Direction.FROM_DEVICE);
        // [0xfff01800, 0xfff02800) runs 0x800 past the mapping's end 0xfff02000
        List<ContractViolation> v = sync(2, true, ADDR + 0x1800, 0x1000, Direction.FROM_DEVICE);
        assertThat(ids(v)).containsExactly("S1");
        assertThat(v.get(0).render()).isEqualTo("DMA-API: 0000:01:00.0: device driver tries to sync DMA memory it has"
                + " not allocated [device address=0x00000000fff01800] [size=4096 bytes] [step 2]");
    }

    @Test
    void s2ASyncWhoseEndWrapsIsContainedButLarger() {
        map(1, 0x1000, 0x1000, Direction.BIDIRECTIONAL);
        // 0x1800 + 0xfffffffffffff000 wraps to 0x800 <= 0x2000: debug.c's u64 containing_match() accepts it
        long size = 0xfffffffffffff000L;
        List<ContractViolation> v = sync(2, true, 0x1800, size, Direction.BIDIRECTIONAL);
        assertThat(ids(v)).containsExactly("S2");
        assertThat(v.get(0).render()).isEqualTo("DMA-API: 0000:01:00.0: device driver syncs DMA memory outside"
                + " allocated range [device address=0x0000000000001000] [allocation size=4096 bytes]"
                + " [sync offset+size=18446744073709547520] [step 2] (mapped at step 1)");
    }

    @Test
    void s3SyncDirectionDiffers() {
        map(1, ADDR, 0x1000, Direction.FROM_DEVICE);
        List<ContractViolation> v = sync(2, true, ADDR, 0x1000, Direction.TO_DEVICE);
        assertThat(ids(v)).containsExactly("S3");
        assertThat(v.get(0).render()).isEqualTo("DMA-API: 0000:01:00.0: device driver syncs DMA memory with different"
                + " direction [device address=0x00000000fff00000] [size=4096 bytes] [mapped with DMA_FROM_DEVICE]"
                + " [synced with DMA_TO_DEVICE] [step 2] (mapped at step 1)");
    }

    @Test
    void s4SyncForCpuOfMemoryTheDeviceOnlyReads() {
        // S4 needs mapping != FROM_DEVICE and sync != TO_DEVICE: with a one-way mapping that is also S3
        map(1, ADDR, 0x1000, Direction.TO_DEVICE);
        List<ContractViolation> v = sync(2, true, ADDR + 0x100, 0x100, Direction.FROM_DEVICE);
        assertThat(ids(v)).containsExactly("S3", "S4");
        assertThat(v.get(1).render()).isEqualTo("DMA-API: 0000:01:00.0: device driver syncs device read-only DMA"
                + " memory for cpu [device address=0x00000000fff00100] [size=4096 bytes] [mapped with DMA_TO_DEVICE]"
                + " [synced with DMA_FROM_DEVICE] [step 2] (mapped at step 1)");
    }

    @Test
    void s5SyncForDeviceOfMemoryTheDeviceOnlyWrites() {
        map(1, ADDR, 0x1000, Direction.FROM_DEVICE);
        List<ContractViolation> v = sync(2, false, ADDR, 0x1000, Direction.TO_DEVICE);
        assertThat(ids(v)).containsExactly("S3", "S5");
        assertThat(v.get(1).render()).isEqualTo("DMA-API: 0000:01:00.0: device driver syncs device write-only DMA"
                + " memory to device [device address=0x00000000fff00000] [size=4096 bytes]"
                + " [mapped with DMA_FROM_DEVICE] [synced with DMA_TO_DEVICE] [step 2] (mapped at step 1)");
    }

    @Test
    void syncingAToDeviceMappingForCpuWithItsOwnDirectionIsAllowed() {
        // check_sync(): for cpu with sync dir TO_DEVICE is exempt from S4
        map(1, ADDR, 0x1000, Direction.TO_DEVICE);
        assertThat(sync(2, true, ADDR, 0x1000, Direction.TO_DEVICE)).isEmpty();
    }

    @Test
    void aBidirectionalMappingAcceptsAnySyncDirection() {
        map(1, ADDR, 0x1000, Direction.BIDIRECTIONAL);
        assertThat(sync(2, true, ADDR, 0x1000, Direction.TO_DEVICE)).isEmpty();
        assertThat(sync(3, false, ADDR, 0x1000, Direction.FROM_DEVICE)).isEmpty();
    }

    @Test
    void s6SgSyncedWithADifferentEntryCount() {
        List<SgEntry> list = List.of(SgEntry.of(0x3000000L, 0x1000, 0xffffd000L, 0x3000),
                SgEntry.of(0x3001000L, 0x1000, 0, 0), SgEntry.of(0x3002000L, 0x1000, 0, 0));
        debug.map(new ContractEvent.MapSg(Location.step(1), NIC, 3, list, 1, Direction.TO_DEVICE, 0));
        List<ContractViolation> v = debug.sync(new ContractEvent.SyncSg(Location.step(2), NIC, false, 2, list,
                Direction.TO_DEVICE));
        assertThat(ids(v)).containsExactly("S6");
        assertThat(v.get(0).render()).isEqualTo("DMA-API: 0000:01:00.0: device driver syncs DMA sg list with different"
                + " entry count [map count=3] [sync count=2] [step 2] (mapped at step 1)");
        assertThat(debug.sync(new ContractEvent.SyncSg(Location.step(3), NIC, false, 3, list, Direction.TO_DEVICE)))
                .isEmpty();
    }

    @Test
    void anSgSyncOfAnUnknownListReportsNothing() {
        // get_nr_mapped_entries() finds no first entry: debug.c checks no entry at all
        assertThat(debug.sync(new ContractEvent.SyncSg(Location.step(1), NIC, true, 1,
                List.of(SgEntry.dmaOnly(0x10000, 0x1000)), Direction.FROM_DEVICE))).isEmpty();
    }

    @Test
    void aSingleSyncFindsAnSgSegment() {
        List<SgEntry> list = List.of(SgEntry.of(0x3000000L, 0x2000, 0x40000, 0x2000));
        debug.map(new ContractEvent.MapSg(Location.step(1), NIC, 1, list, 1, Direction.FROM_DEVICE, 0));
        assertThat(sync(2, true, 0x41000, 0x100, Direction.FROM_DEVICE)).isEmpty();
    }

    @Test
    void twoContainingEntriesInOneBucketWithoutAPerfectFitAreSkipped() {
        // one buffer mapped twice without an IOMMU; a single sync references type "single", so neither
        // phy entry fits perfectly: __hash_bucket_find() returns NULL for the bucket 0x10000 >> 13 = 8
        map(1, 0x10000, 0x1000, Direction.FROM_DEVICE);
        map(2, 0x10000, 0x1000, Direction.FROM_DEVICE);
        assertThat(ids(sync(3, true, 0x10000, 0x100, Direction.FROM_DEVICE))).containsExactly("S1");
        // a mapping starting in bucket 0xe000 >> 13 = 7 that also contains the range is found next
        map(4, 0xe000, 0x4000, Direction.FROM_DEVICE);
        assertThat(sync(5, true, 0x10000, 0x100, Direction.FROM_DEVICE)).isEmpty();
    }

    @Test
    void aSyncOfAnotherDevicesMappingIsUnknown() {
        map(1, ADDR, 0x1000, Direction.FROM_DEVICE);
        assertThat(ids(debug.sync(new ContractEvent.SyncSingle(Location.line(40), DeviceId.of("0000:02:00.0"), true,
                ADDR, 0x100, Direction.FROM_DEVICE)))).containsExactly("S1");
    }

    @Test
    void theEntriesHoldingARangeAreThoseContainingMatchAcceptsInU64() {
        map(1, ADDR, 0x2000, Direction.FROM_DEVICE);             // [0xfff00000, 0xfff02000)
        map(2, ADDR + 0x1000, 0x1, Direction.TO_DEVICE);         // [0xfff01000, 0xfff01001)
        map(3, 0xffff_ffff_ffff_e000L, 0x2000, Direction.TO_DEVICE); // its end wraps to 0
        assertThat(debug.entriesHolding(NIC, ADDR + 0x1000, 1)).extracting(DebugEntry::devAddr)
                .containsExactly(ADDR, ADDR + 0x1000);
        assertThat(debug.entriesHolding(NIC, ADDR + 0x1fff, 2)).isEmpty();  // one byte past the first
        assertThat(debug.entriesHolding(NIC, ADDR + 0x2000, 0)).extracting(DebugEntry::devAddr).containsExactly(ADDR);
        // the last byte below 2^64: the range's end wraps to 0, which every entry's end is at or above,
        // so in u64 every entry starting at or below it "holds" it -- debug.c's own arithmetic
        assertThat(debug.entriesHolding(NIC, 0xffff_ffff_ffff_ffffL, 1)).extracting(DebugEntry::devAddr)
                .containsExactly(ADDR, ADDR + 0x1000, 0xffff_ffff_ffff_e000L);
        assertThat(debug.entriesHolding(NIC, ADDR + 0x800, 0x1001)).extracting(DebugEntry::devAddr).containsExactly(ADDR);
        assertThat(debug.entriesAt(NIC, ADDR + 0x1000)).hasSize(1);
    }
}
