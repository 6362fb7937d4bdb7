package org.dmacheck.spec.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dmacheck.spec.platform.Direction.BIDIRECTIONAL;
import static org.dmacheck.spec.platform.Direction.FROM_DEVICE;
import static org.dmacheck.spec.platform.Direction.TO_DEVICE;

import java.util.List;
import java.util.Optional;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.DmaAttrs;
import org.dmacheck.spec.violation.Violation;
import org.junit.jupiter.api.Test;

/** One worked example per dma-debug check (§9), with the message as debug.c words it. */
class ContractCheckerTest {
    private static final DeviceId DEV = DeviceId.of("0000:01:00.0");
    private static final long P = 0x20_0000L;
    private static final long D = 0xffff_f000L;

    private static ContractChecker checker() {
        return new ContractChecker(ContractChecker.Config.defaults());
    }

    /** A checked phy mapping of 4096 bytes of P at D. */
    private static ContractChecker withMapping(Direction dir) {
        ContractChecker c = checker();
        assertThat(c.mapPhys(DEV, P, 4096, dir, D, 0)).isEmpty();
        c.mappingErrorChecked(DEV, D);
        return c;
    }

    private static Violation only(List<Violation> v) {
        assertThat(v).hasSize(1);
        return v.get(0);
    }

    @Test
    void u1FreeOfDmaMappingError() {
        assertThat(only(checker().unmapPhys(DEV, DmaEngine.DMA_MAPPING_ERROR, 4096, TO_DEVICE))).hasToString(
                "DMA-API: 0000:01:00.0: device driver tries to free an invalid DMA memory address");
    }

    @Test
    void u2FreeOfUnknownAddressAndDoubleUnmap() {
        ContractChecker c = withMapping(TO_DEVICE);
        assertThat(c.unmapPhys(DEV, D, 4096, TO_DEVICE)).isEmpty();
        Violation v = only(c.unmapPhys(DEV, D, 4096, TO_DEVICE)); // double unmap
        assertThat(v.kind()).isEqualTo("U2");
        assertThat(v).hasToString("DMA-API: 0000:01:00.0: device driver tries to free DMA memory it has not allocated "
                + "[device address=0x00000000fffff000] [size=4096 bytes]");
    }

    @Test
    void u3DifferentSize() {
        assertThat(only(withMapping(TO_DEVICE).unmapPhys(DEV, D, 2048, TO_DEVICE))).hasToString(
                "DMA-API: 0000:01:00.0: device driver frees DMA memory with different size "
                        + "[device address=0x00000000fffff000] [map size=4096 bytes] [unmap size=2048 bytes]");
    }

    @Test
    void u4WrongFunctionAndU5WrongCpuAddress() {
        ContractChecker c = checker();
        c.allocCoherent(DEV, 8192, D, P, 0);
        Violation v = only(c.unmapPhys(DEV, D, 8192, BIDIRECTIONAL));
        assertThat(v).hasToString("DMA-API: 0000:01:00.0: device driver frees DMA memory with wrong function "
                + "[device address=0x00000000fffff000] [size=8192 bytes] [mapped as coherent] [unmapped as phy]");
        c.allocCoherent(DEV, 8192, D, P, 0);
        assertThat(only(c.freeCoherent(DEV, 8192, D, P + 0x1000))).hasToString("DMA-API: 0000:01:00.0: device driver "
                + "frees DMA memory with different CPU address [device address=0x00000000fffff000] [size=8192 bytes] "
                + "[cpu alloc address=0x0000000000200000] [cpu free address=0x0000000000201000]");
    }

    @Test
    void u6DifferentEntryCountAndTheLookupStopsAtTheMappedCount() {
        ContractChecker c = checker();
        List<SgEntry> list = List.of(new SgEntry(P, 0x1000, 0x1000_0000L, 0x2000), new SgEntry(P + 0x5000, 0x1000,
                DmaEngine.DMA_MAPPING_ERROR, 0), new SgEntry(P + 0x9000, 0x800, DmaEngine.DMA_MAPPING_ERROR, 0));
        assertThat(c.mapSg(DEV, list, 3, 1, FROM_DEVICE, 0)).isEmpty();
        // unmapped with the returned count (1) instead of the original nents (3): the classic mistake
        assertThat(only(c.unmapSg(DEV, list, 1, FROM_DEVICE))).hasToString("DMA-API: 0000:01:00.0: device driver frees "
                + "DMA sg list with different entry count [map count=3] [unmap count=1]");
        assertThat(c.size()).isZero();
    }

    @Test
    void u7DifferentDirection() {
        assertThat(only(withMapping(TO_DEVICE).unmapPhys(DEV, D, 4096, FROM_DEVICE))).hasToString(
                "DMA-API: 0000:01:00.0: device driver frees DMA memory with different direction "
                        + "[device address=0x00000000fffff000] [size=4096 bytes] [mapped with DMA_TO_DEVICE] "
                        + "[unmapped with DMA_FROM_DEVICE]");
    }

    @Test
    void u8MapErrorNotChecked() {
        ContractChecker c = checker();
        c.mapPhys(DEV, P, 4096, TO_DEVICE, D, 0);
        assertThat(only(c.unmapPhys(DEV, D, 4096, TO_DEVICE))).hasToString("DMA-API: 0000:01:00.0: device driver failed "
                + "to check map error [device address=0x00000000fffff000] [size=4096 bytes] [mapped as phy]");
    }

    @Test
    void severalErrorsOnOneUnmapAreAllReportedAndTheEntryIsGone() {
        ContractChecker c = withMapping(TO_DEVICE);
        assertThat(c.unmapPhys(DEV, D, 100, FROM_DEVICE)).extracting(Violation::kind).containsExactly("U3", "U7");
        assertThat(c.size()).isZero();
    }

    @Test
    void bestFitPicksThePerfectMatchAmongIdenticalAddresses() {
        // without an IOMMU the same buffer mapped twice gives the same dev_addr twice (debug.c's comment)
        ContractChecker c = checker();
        c.mapPhys(DEV, P, 4096, TO_DEVICE, D, 0);
        c.mappingErrorChecked(DEV, D);
        c.mapPhys(DEV, P, 512, FROM_DEVICE, D, 0);
        c.mappingErrorChecked(DEV, D);
        assertThat(c.unmapPhys(DEV, D, 512, FROM_DEVICE)).isEmpty(); // 4/4 match with the second
        assertThat(c.entries(DEV)).singleElement().extracting(DebugEntry::size).isEqualTo(4096L);
        // two imperfect matches count as none: U2
        c.mapPhys(DEV, P, 1024, FROM_DEVICE, D, 0);
        assertThat(only(c.unmapPhys(DEV, D, 2048, BIDIRECTIONAL)).kind()).isEqualTo("U2");
    }

    @Test
    void s1SyncOutsideEveryMapping() {
        ContractChecker c = withMapping(BIDIRECTIONAL);
        // [0xffff_ff00, +0x200) runs 0x100 bytes past the 4 KiB mapping: no entry contains it
        assertThat(only(c.syncSingle(DEV, D + 0xf00, 0x200, BIDIRECTIONAL, true))).hasToString("DMA-API: 0000:01:00.0: "
                + "device driver tries to sync DMA memory it has not allocated [device address=0x00000000ffffff00] "
                + "[size=512 bytes]");
        // a partial sync inside the mapping is fine (containing match)
        assertThat(c.syncSingle(DEV, D + 0x100, 0x100, BIDIRECTIONAL, true)).isEmpty();
    }

    @Test
    void s3S4DirectionChecks() {
        ContractChecker c = withMapping(TO_DEVICE);
        List<Violation> v = c.syncSingle(DEV, D, 4096, FROM_DEVICE, true);
        assertThat(v).extracting(Violation::kind).containsExactly("S3", "S4");
        assertThat(v.get(1)).hasToString("DMA-API: 0000:01:00.0: device driver syncs device read-only DMA memory for cpu "
                + "[device address=0x00000000fffff000] [size=4096 bytes] [mapped with DMA_TO_DEVICE] "
                + "[synced with DMA_FROM_DEVICE]");
        // syncing a TO_DEVICE mapping for the cpu with TO_DEVICE is allowed by debug.c
        assertThat(c.syncSingle(DEV, D, 4096, TO_DEVICE, true)).isEmpty();
    }

    @Test
    void s5WriteOnlyMemoryToDevice() {
        ContractChecker c = withMapping(FROM_DEVICE);
        assertThat(c.syncSingle(DEV, D, 4096, TO_DEVICE, false)).extracting(Violation::toString).containsExactly(
                "DMA-API: 0000:01:00.0: device driver syncs DMA memory with different direction "
                        + "[device address=0x00000000fffff000] [size=4096 bytes] [mapped with DMA_FROM_DEVICE] "
                        + "[synced with DMA_TO_DEVICE]",
                "DMA-API: 0000:01:00.0: device driver syncs device write-only DMA memory to device "
                        + "[device address=0x00000000fffff000] [size=4096 bytes] [mapped with DMA_FROM_DEVICE] "
                        + "[synced with DMA_TO_DEVICE]");
        assertThat(c.syncSingle(DEV, D, 4096, FROM_DEVICE, false)).isEmpty();
    }

    @Test
    void s6SgSyncWithDifferentCount() {
        ContractChecker c = checker();
        List<SgEntry> list = List.of(new SgEntry(P, 0x1000, 0x1000_0000L, 0x1000), new SgEntry(P + 0x3000, 0x1000,
                0x1000_1000L, 0x1000));
        c.mapSg(DEV, list, 2, 2, BIDIRECTIONAL, 0);
        // the count lookup uses sg_call_ents in its best fit: with 1 the first entry is still the only match
        assertThat(c.syncSg(DEV, list, 1, BIDIRECTIONAL, true)).isEmpty(); // BIDIRECTIONAL entries skip the rest
        ContractChecker d = checker();
        d.mapSg(DEV, list, 2, 2, TO_DEVICE, 0);
        assertThat(only(d.syncSg(DEV, list, 1, TO_DEVICE, false))).hasToString("DMA-API: 0000:01:00.0: device driver "
                + "syncs DMA sg list with different entry count [map count=2] [sync count=1]");
    }

    @Test
    void m5AndM6CheckSgSegmentsAgainstTheDevicesLimits() {
        ContractChecker c = new ContractChecker(new ContractChecker.Config(64,
                d -> Optional.of(new ContractChecker.SegLimits(0x1000, 0xFFFF)), false));
        List<Violation> v = c.mapSg(DEV, List.of(new SgEntry(P, 0x2000, 0x1000_F000L, 0x2000)), 1, 1, TO_DEVICE, 0);
        assertThat(v).extracting(Violation::toString).containsExactly(
                "DMA-API: 0000:01:00.0: mapping sg segment longer than device claims to support [len=8192] [max=4096]",
                "DMA-API: 0000:01:00.0: mapping sg segment across boundary [start=0x000000001000f000] "
                        + "[end=0x0000000010010fff] [boundary=0x000000000000ffff]");
    }

    @Test
    void m7OverlappingFirstCachelineOfWritableMappings() {
        ContractChecker c = withMapping(FROM_DEVICE);
        // a second FROM_DEVICE mapping whose first byte shares P's 64-byte line
        Violation v = only(c.mapPhys(DEV, P + 0x20, 0x20, FROM_DEVICE, 0x1000_0020L, 0));
        assertThat(v.kind()).isEqualTo("M7");
        assertThat(v.message()).isEqualTo("cacheline tracking EEXIST, overlapping mappings aren't supported");
        assertThat(v.evidence("cacheline")).isEqualTo("0x8000"); // 0x20_0000 >> 6
        // exempt: SKIP_CPU_SYNC, or TO_DEVICE (not tracked)
        assertThat(c.mapPhys(DEV, P + 0x10, 0x10, FROM_DEVICE, 0x1000_0010L, DmaAttrs.SKIP_CPU_SYNC)).isEmpty();
        assertThat(c.mapPhys(DEV, P + 0x30, 0x10, TO_DEVICE, 0x1000_0030L, 0)).isEmpty();
        // both carrying DMA_ATTR_DEBUGGING_IGNORE_CACHELINES is also exempt
        ContractChecker d = checker();
        d.mapPhys(DEV, P, 0x20, FROM_DEVICE, D, ContractChecker.DEBUGGING_IGNORE_CACHELINES);
        assertThat(d.mapPhys(DEV, P + 0x20, 0x20, FROM_DEVICE, D + 0x20, ContractChecker.DEBUGGING_IGNORE_CACHELINES))
                .isEmpty();
    }

    @Test
    void m8MoreThanSevenOverlapsWarnsOnce() {
        ContractChecker c = checker();
        for (int i = 0; i < 8; i++) { // the first plus 7 overlaps fill the 3-bit counter
            c.mapPhys(DEV, P, 16, FROM_DEVICE, D + i * 0x2000L, DmaAttrs.SKIP_CPU_SYNC);
        }
        assertThat(only(c.mapPhys(DEV, P, 16, FROM_DEVICE, D + 8 * 0x2000L, DmaAttrs.SKIP_CPU_SYNC))).hasToString(
                "DMA-API: 0000:01:00.0: exceeded 7 overlapping mappings of cacheline [cacheline=0x8000]");
        assertThat(c.mapPhys(DEV, P, 16, FROM_DEVICE, D + 9 * 0x2000L, DmaAttrs.SKIP_CPU_SYNC)).isEmpty(); // once
    }

    @Test
    void leakAtUnbindNamesTheLastEntryInBucketOrder() {
        ContractChecker c = checker();
        c.mapPhys(DEV, P, 4096, TO_DEVICE, 0x1000_0000L, 0); // bucket (0x1000_0000 >> 13) & 0x3fff = 0x0000
        c.mapPhys(DEV, P, 512, FROM_DEVICE, 0x2000L, 0);     // bucket 1
        assertThat(only(c.unbind(DEV))).hasToString("DMA-API: 0000:01:00.0: device driver has pending DMA allocations "
                + "while released from device [count=2] [device address=0x0000000000002000] [size=512 bytes] "
                + "[mapped with DMA_FROM_DEVICE] [mapped as phy]");
        assertThat(c.unbind(DeviceId.of("other"))).isEmpty();
    }
}
