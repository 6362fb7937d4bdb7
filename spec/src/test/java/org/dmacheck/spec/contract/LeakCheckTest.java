package org.dmacheck.spec.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalLong;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.junit.jupiter.api.Test;

/** Worked examples of the unbind leak check ({@code dma_debug_device_change()}, L1). */
class LeakCheckTest {
    static final DeviceId NIC = DeviceId.of("0000:01:00.0");

    private final DmaDebug debug = DmaDebug.withoutDeviceLimits(DmaDebugOptions.DEFAULT);

    private void map(long step, long devAddr) {
        debug.map(new ContractEvent.MapSingle(Location.step(step), NIC, EntryType.PHY, OptionalLong.empty(), devAddr,
                4096, Direction.FROM_DEVICE, 0));
    }

    @Test
    void unbindWithNothingLiveIsClean() {
        map(1, 0x10000);
        debug.mappingErrorChecked(NIC, 0x10000);
        debug.unmap(new ContractEvent.UnmapSingle(Location.step(2), NIC, EntryType.PHY, 0x10000, 4096,
                Direction.FROM_DEVICE, 0));
        assertThat(debug.unbind(new ContractEvent.Unbind(Location.step(3), NIC))).isEmpty();
    }

    @Test
    void l1CountsTheLeftEntriesAndNamesTheOneTheBucketScanMeetsLast() {
        // 0x8000000 >> 13 = 0x4000, bucket 0x4000 & 0x3fff = 0; 0x7ffe000 >> 13 = 0x3fff, bucket 0x3fff:
        // debug.c scans buckets upwards, so the lower address is met last
        map(1, 0x8000000);
        map(2, 0x7ffe000);
        List<ContractViolation> v = debug.unbind(new ContractEvent.Unbind(Location.step(5), NIC));
        assertThat(v).extracting(ContractViolation::id).containsExactly("L1");
        assertThat(v.get(0).render()).isEqualTo("DMA-API: 0000:01:00.0: device driver has pending DMA allocations"
                + " while released from device [count=2] One of leaked entries details: [device address="
                + "0x0000000007ffe000] [size=4096 bytes] [mapped with DMA_FROM_DEVICE] [mapped as phy] [step 5]"
                + " (mapped at step 2)");
        assertThat(debug.entries(NIC)).hasSize(2);
    }

    @Test
    void otherDevicesEntriesAreNotCounted() {
        map(1, 0x10000);
        assertThat(debug.unbind(new ContractEvent.Unbind(Location.line(9), DeviceId.of("0000:02:00.0")))).isEmpty();
    }
}
