package org.dmacheck.spec.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalLong;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.junit.jupiter.api.Test;

/** Worked examples of {@code check_unmap()}: U1–U4, U6–U9, and the best-fit lookup. */
class UnmapChecksTest {
    static final DeviceId NIC = DeviceId.of("0000:01:00.0");

    private final DmaDebug debug = new DmaDebug(d -> java.util.Optional.empty(), DmaDebugOptions.DEFAULT);

    static ContractEvent.MapSingle map(long step, long devAddr, long size, Direction dir) {
        return new ContractEvent.MapSingle(Location.step(step), NIC, EntryType.PHY, OptionalLong.of(0x2000000L),
                devAddr, size, dir, 0);
    }

    static ContractEvent.UnmapSingle unmap(long step, long devAddr, long size, Direction dir) {
        return new ContractEvent.UnmapSingle(Location.step(step), NIC, EntryType.PHY, devAddr, size, dir, 0);
    }

    private List<ContractViolation> mapChecked(long step, long devAddr, long size, Direction dir) {
        List<ContractViolation> v = debug.map(map(step, devAddr, size, dir));
        debug.mappingErrorChecked(NIC, devAddr);
        return v;
    }

    @Test
    void aMatchingUnmapIsCleanAndReleasesTheEntry() {
        assertThat(mapChecked(1, 0xfff00000L, 4096, Direction.TO_DEVICE)).isEmpty();
        assertThat(debug.unmap(unmap(2, 0xfff00000L, 4096, Direction.TO_DEVICE))).isEmpty();
        assertThat(debug.entries(NIC)).isEmpty();
    }

    @Test
    void u3SizeDiffers() {
        mapChecked(7, 0xfff00000L, 4096, Direction.FROM_DEVICE);
        List<ContractViolation> v = debug.unmap(unmap(9, 0xfff00000L, 512, Direction.FROM_DEVICE));
        assertThat(v).extracting(ContractViolation::id).containsExactly("U3");
        assertThat(v.get(0).render()).isEqualTo("DMA-API: 0000:01:00.0: device driver frees DMA memory with different"
                + " size [device address=0x00000000fff00000] [map size=4096 bytes] [unmap size=512 bytes] [step 9]"
                + " (mapped at step 7)");
        // check_unmap() removes the entry even when it reports: a second unmap is U2
        assertThat(debug.unmap(unmap(10, 0xfff00000L, 4096, Direction.FROM_DEVICE)))
                .extracting(ContractViolation::id).containsExactly("U2");
    }
}
