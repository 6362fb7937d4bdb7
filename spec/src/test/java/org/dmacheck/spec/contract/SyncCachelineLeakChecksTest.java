package org.dmacheck.spec.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dmacheck.spec.platform.Direction.BIDIRECTIONAL;
import static org.dmacheck.spec.platform.Direction.FROM_DEVICE;
import static org.dmacheck.spec.platform.Direction.TO_DEVICE;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.DmaAttrs;
import org.junit.jupiter.api.Test;

/**
 * Worked examples of the dma-debug checks UnmapChecksTest leaves out: S1–S6 ({@code check_sync}),
 * M5–M8 (sg segments, active cache lines), U5 and the leak at unbind. Values by hand from debug.c.
 */
class SyncCachelineLeakChecksTest {
    private static final DeviceId DEV = DeviceId.of("0000:01:00.0");
    private static final long P = 0x20_0000L;
    private static final long D = 0xffff_f000L;

    private final DmaDebug debug = DmaDebug.withoutDeviceLimits(DmaDebugOptions.DEFAULT);

    private List<ContractViolation> map(long step, long paddr, long devAddr, long size, Direction dir, long attrs) {
        List<ContractViolation> v = debug.map(new ContractEvent.MapSingle(Location.step(step), DEV, EntryType.PHY,
                OptionalLong.of(paddr), devAddr, size, dir, attrs));
        debug.mappingErrorChecked(DEV, devAddr);
        return v;
    }

    private List<ContractViolation> sync(long step, boolean forCpu, long devAddr, long size, Direction dir) {
        return debug.sync(new ContractEvent.SyncSingle(Location.step(step), DEV, forCpu, devAddr, size, dir));
    }

    private static List<String> ids(List<ContractViolation> v) {
        return v.stream().map(ContractViolation::id).toList();
    }

    @Test
    void s1SyncRunningPastTheMapping() {
        map(1, P, D, 4096, BIDIRECTIONAL, 0);
        // [0xffff_ff00, +0x200) runs 0x100 bytes past the 4 KiB mapping: no entry contains it
        List<ContractViolation> v = sync(2, true, D + 0xf00, 0x200, BIDIRECTIONAL);
        assertThat(ids(v)).containsExactly("S1");
        assertThat(v.get(0).evidence("device address")).isEqualTo("0x00000000ffffff00");
        assertThat(v.get(0).evidence("size")).isEqualTo("512 bytes");
        assertThat(sync(3, true, D + 0x100, 0x100, BIDIRECTIONAL)).isEmpty(); // a partial sync inside is fine
    }

    @Test
    void s3AndS4ForCpuOnAToDeviceMapping() {
        map(1, P, D, 4096, TO_DEVICE, 0);
        assertThat(ids(sync(2, true, D, 4096, FROM_DEVICE))).containsExactly("S3", "S4");
        assertThat(sync(3, true, D, 4096, TO_DEVICE)).isEmpty(); // same direction: debug.c allows it
    }

    @Test
    void s3AndS5ForDeviceOnAFromDeviceMapping() {
        map(1, P, D, 4096, FROM_DEVICE, 0);
        List<ContractViolation> v = sync(2, false, D, 4096, TO_DEVICE);
        assertThat(ids(v)).containsExactly("S3", "S5");
        assertThat(v.get(1).message()).isEqualTo("device driver syncs device write-only DMA memory to device");
        assertThat(sync(3, false, D, 4096, FROM_DEVICE)).isEmpty();
    }

    @Test
    void s6SgSyncWithAnotherEntryCount() {
        List<SgEntry> list = List.of(SgEntry.of(P, 0x1000, 0x1000_0000L, 0x1000),
                SgEntry.of(P + 0x3000, 0x1000, 0x1000_1000L, 0x1000));
        debug.map(new ContractEvent.MapSg(Location.step(1), DEV, 2, list, 2, TO_DEVICE, 0));
        List<ContractViolation> v = debug.sync(new ContractEvent.SyncSg(Location.step(2), DEV, false, 1, list, TO_DEVICE));
        assertThat(ids(v)).containsExactly("S6");
        assertThat(v.get(0).evidence("map count")).isEqualTo("2");
        assertThat(v.get(0).evidence("sync count")).isEqualTo("1");
    }

    @Test
    void m5AndM6AgainstTheDevicesLimits() {
        DmaDebug d = new DmaDebug(dev -> Optional.of(DeviceConfig.builder(dev.name()).maxSegSize(0x1000)
                .segBoundaryMask(0xFFFF).build()), DmaDebugOptions.DEFAULT);
        // one 8 KiB entry at IOVA 0x1000_f000: longer than 4 KiB (M5) and across 0x1001_0000 (M6)
        List<ContractViolation> v = d.map(new ContractEvent.MapSg(Location.step(1), DEV, 1,
                List.of(SgEntry.of(P, 0x2000, 0x1000_F000L, 0x2000)), 1, TO_DEVICE, 0));
        assertThat(ids(v)).containsExactly("M5", "M6");
        assertThat(v.get(1).evidence("end")).isEqualTo("0x0000000010010fff");
    }

    @Test
    void m7FirstCachelineSharedByTwoWritableMappings() {
        map(1, P, D, 4096, FROM_DEVICE, 0);
        // P + 0x20 is in the same 64-byte line as P
        assertThat(ids(map(2, P + 0x20, 0x1000_0020L, 0x20, FROM_DEVICE, 0))).containsExactly("M7");
        assertThat(map(3, P + 0x10, 0x1000_0010L, 0x10, FROM_DEVICE, DmaAttrs.SKIP_CPU_SYNC)).isEmpty();
        assertThat(map(4, P + 0x30, 0x1000_0030L, 0x10, TO_DEVICE, 0)).isEmpty(); // TO_DEVICE is not tracked
    }

    @Test
    void m8MoreThanSevenOverlapsOfOneLine() {
        for (int i = 0; i < 8; i++) { // the first and 7 overlaps fill the 3-bit counter
            map(i + 1, P, D + i * 0x2000L, 16, FROM_DEVICE, DmaAttrs.SKIP_CPU_SYNC);
        }
        assertThat(ids(map(9, P, D + 8 * 0x2000L, 16, FROM_DEVICE, DmaAttrs.SKIP_CPU_SYNC))).containsExactly("M8");
    }

    @Test
    void u5CoherentFreeWithAnotherCpuAddress() {
        debug.alloc(new ContractEvent.Alloc(Location.step(1), DEV, EntryType.COHERENT, OptionalLong.of(P), P, D, 8192,
                BIDIRECTIONAL, 0));
        List<ContractViolation> v = debug.free(new ContractEvent.Free(Location.step(2), DEV, EntryType.COHERENT, P + 0x1000,
                D, 8192, BIDIRECTIONAL, 0));
        assertThat(ids(v)).containsExactly("U5");
        assertThat(v.get(0).evidence("cpu alloc address")).isEqualTo("0x0000000000200000");
        assertThat(v.get(0).evidence("cpu free address")).isEqualTo("0x0000000000201000");
    }

    @Test
    void leakAtUnbindCountsWhatIsLeft() {
        map(1, P, 0x1000_0000L, 4096, TO_DEVICE, 0);
        map(2, P, 0x2000L, 512, FROM_DEVICE, 0);
        List<ContractViolation> v = debug.unbind(new ContractEvent.Unbind(Location.step(3), DEV));
        assertThat(ids(v)).containsExactly("L1");
        assertThat(v.get(0).evidence("count")).isEqualTo("2");
        assertThat(debug.unbind(new ContractEvent.Unbind(Location.step(4), DeviceId.of("other")))).isEmpty();
    }
}
