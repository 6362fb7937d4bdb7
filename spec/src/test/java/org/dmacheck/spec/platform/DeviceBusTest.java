package org.dmacheck.spec.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How device-emitted addresses resolve without an IOMMU: dma_range_map, P2P bus routing, limits. */
class DeviceBusTest {
    private static final String HB = "pci0000:00";
    private static final String PROVIDER = "0000:04:00.0";
    private static final DeviceId PEER = DeviceId.of("0000:05:00.0");
    private static final DeviceId FAR = DeviceId.of("0000:01:00.0");
    private static final long BAR = 0xE000_0000L;
    private static final long BAR_SIZE = 0x10_0000L;
    private static final long BUS_OFFSET = 0x1000_0000_0000L;

    private static byte[] data(DmaAccess a) {
        assertThat(a).isInstanceOf(DmaAccess.Done.class);
        return ((DmaAccess.Done) a).data();
    }

    private static DmaAccess.Fault fault(DmaAccess a) {
        assertThat(a).isInstanceOf(DmaAccess.Fault.class);
        return (DmaAccess.Fault) a;
    }

    @Test
    void dmaRangeMapTranslatesBothWays() {
        // CPU [0x8000_0000, 0xC000_0000) appears to the device at [0, 0x4000_0000).
        DmaRange w = new DmaRange(0x8000_0000L, 0, 0x4000_0000L);
        Platform p = Platform.builder().device(DeviceConfig.builder("d").rangeMap(List.of(w)).build()).build();
        DeviceId d = DeviceId.of("d");
        p.cpuWrite(0x8000_1234L, new byte[] {1, 2});
        // device -> CPU: dma 0x1234 reaches phys 0x8000_1234
        assertThat(data(p.dmaRead(d, 0x1234, 2))).containsExactly(1, 2);
        assertThat(p.resolve(d, 0x1234, false)).isEqualTo(new Resolution.Reached(0x8000_1234L, Resolution.Route.DIRECT,
                IommuProt.READ | IommuProt.WRITE));
        // CPU -> device: phys 0x9000_0000 is dma 0x1000_0000; a device write there lands at that phys
        assertThat(w.toDma(0x9000_0000L)).isEqualTo(0x1000_0000L);
        p.dmaWrite(d, w.toDma(0x9000_0000L), new byte[] {6});
        assertThat(p.cpuRead(0x9000_0000L, 1)).containsExactly(6);
        // dma 0x4000_0000 is past the window's end
        assertThat(fault(p.dmaRead(d, 0x3FFF_FFFFL, 2)).dmaAddr()).isEqualTo(0x4000_0000L);
    }

    @Test
    void anAccessRunningOffTheEndOfRamFaultsAtTheFirstByteOfTheHole() {
        // Default layout: RAM ends at 0xBFFF_FFFF, the MMIO hole starts at 0xC000_0000.
        Platform p = Platform.builder().device(DeviceConfig.builder("d").build()).build();
        DmaAccess.Fault f = fault(p.dmaRead(DeviceId.of("d"), 0xBFFF_FFFEL, 4));
        assertThat(f.dmaAddr()).isEqualTo(0xC000_0000L);
        // RAM [.., 0x4000_0000) runs straight into the swiotlb pool: both are memory.
        assertThat(data(p.dmaRead(DeviceId.of("d"), 0x3FFF_FFFEL, 4))).hasSize(4);
    }

    /** Provider 04:00.0 and peer 05:00.0 under one switch; 01:00.0 on another root port. */
    private static Platform p2p(boolean allowListed) {
        return Platform.builder()
                .hostBridge(HB, allowListed)
                .rootPort("0000:00:01.0", HB, false).endpoint(FAR.name(), "0000:00:01.0")
                .rootPort("0000:00:02.0", HB, false)
                .switchUpstream("0000:02:00.0", "0000:00:02.0")
                .switchDownstream("0000:03:00.0", "0000:02:00.0", false)
                .switchDownstream("0000:03:01.0", "0000:02:00.0", false)
                .endpoint(PROVIDER, "0000:03:00.0")
                .endpoint(PEER.name(), "0000:03:01.0")
                .p2pBar(PROVIDER, BAR, BAR_SIZE, BUS_OFFSET)
                .device(DeviceConfig.builder(PEER.name()).build())
                .device(DeviceConfig.builder(FAR.name()).build())
                .build();
    }

    @Test
    void aPeerUnderTheSameSwitchReachesTheBarByBusAddress() {
        Platform p = p2p(false);
        long bus = BAR + BUS_OFFSET; // 0x1000_E000_0000
        assertThat(data(p.dmaWrite(PEER, bus + 0x10, new byte[] {3, 4}))).isEmpty();
        assertThat(p.cpuRead(BAR + 0x10, 2)).containsExactly(3, 4);
        assertThat(p.resolve(PEER, bus, true)).isEqualTo(new Resolution.Reached(BAR, Resolution.Route.P2P_BUS,
                IommuProt.READ | IommuProt.WRITE));
    }

    @Test
    void anAccessJustBeyondTheBarFaultsAndTransfersNothing() {
        Platform p = p2p(false);
        long busLast = BAR + BUS_OFFSET + BAR_SIZE - 1; // 0x1000_E00F_FFFF
        DmaAccess.Fault f = fault(p.dmaWrite(PEER, busLast - 1, new byte[] {1, 1, 1, 1}));
        assertThat(f.dmaAddr()).isEqualTo(busLast + 1);
        assertThat(f.write()).isTrue();
        assertThat(p.cpuRead(BAR + BAR_SIZE - 2, 2)).containsExactly(0, 0);
        assertThat(data(p.dmaRead(PEER, busLast, 1))).hasSize(1);
    }

    @Test
    void aDeviceBeyondTheSwitchCannotUseTheBusAddress() {
        Platform p = p2p(true);
        // 01:00.0 is THRU_HOST_BRIDGE: its bus address is not routed to the peer, and with no IOMMU
        // it is taken as physical 0x1000_E000_0000, which is no memory.
        assertThat(fault(p.dmaRead(FAR, BAR + BUS_OFFSET, 1)).reason()).contains("not memory");
        // Through the allow-listed host bridge it reaches the BAR by its CPU address.
        p.cpuWrite(BAR, new byte[] {8});
        assertThat(data(p.dmaRead(FAR, BAR, 1))).containsExactly(8);
    }

    @Test
    void aNonListedHostBridgeDoesNotForwardToTheBar() {
        Platform p = p2p(false);
        assertThat(fault(p.dmaRead(FAR, BAR, 1)).reason()).contains("host bridge does not forward");
    }

    /** RAM contiguous across 4 GiB: [0x1000_0000, 0x2_0000_0000); the swiotlb pool moved below. */
    private static PlatformBuilder flat() {
        return Platform.builder().noDefaultRam().ram(0x1000_0000L, 0x2_0000_0000L - 0x1000_0000L)
                .swiotlbPool(0x0800_0000L, 64L << 20);
    }

    @Test
    void a64BitMaskReachesEverythingAndStopsOnlyAtTheTop() {
        Platform p = flat().device(DeviceConfig.builder("d").masks(Unsigned.MAX).build()).build();
        DeviceId d = DeviceId.of("d");
        p.cpuWrite(0x1_0000_0000L, new byte[] {1});
        assertThat(data(p.dmaRead(d, 0x1_0000_0000L, 1))).containsExactly(1);
        // [2^64-16, 2^64) fits exactly: no wrap, but it is not memory.
        assertThat(fault(p.dmaRead(d, -16L, 16)).reason()).contains("not memory");
        // [2^64-4, 2^64+4) wraps.
        DmaAccess.Fault wrap = fault(p.dmaRead(d, -4L, 8));
        assertThat(wrap.dmaAddr()).isEqualTo(-4L);
        assertThat(wrap.reason()).contains("wraps");
    }

    @Test
    void a32BitDeviceCannotEmitTheByteAt4GiB() {
        Platform p = flat().device(DeviceConfig.builder("d").masks(Unsigned.bitMask(32)).build()).build();
        DeviceId d = DeviceId.of("d");
        assertThat(data(p.dmaRead(d, 0xFFFF_FFFEL, 2))).hasSize(2);
        DmaAccess.Fault f = fault(p.dmaRead(d, 0xFFFF_FFFEL, 3));
        assertThat(f.dmaAddr()).isEqualTo(0x1_0000_0000L);
        assertThat(f.reason()).contains("dma_mask 0xffffffff");
    }

    @Test
    void aBusLimitNearTheTopOfTheSpaceCutsAWindowThatEndsAt2To64() {
        // dma [0xFFFF_FFFF_0000_0000, 2^64) -> cpu [0x1000_0000, 0x1_1000_0000); bus limit inside it.
        DmaRange w = new DmaRange(0x1000_0000L, 0xFFFF_FFFF_0000_0000L, 0x1_0000_0000L);
        long busLimit = 0xFFFF_FFFF_8000_0FFFL;
        Platform p = flat().device(DeviceConfig.builder("d").rangeMap(List.of(w)).busDmaLimit(busLimit).build())
                .build();
        DeviceId d = DeviceId.of("d");
        // dma 0xFFFF_FFFF_8000_0000 is 0x8000_0000 into the window: phys 0x9000_0000.
        p.cpuWrite(0x9000_0FFEL, new byte[] {4, 5});
        assertThat(data(p.dmaRead(d, 0xFFFF_FFFF_8000_0FFEL, 2))).containsExactly(4, 5);
        DmaAccess.Fault f = fault(p.dmaRead(d, 0xFFFF_FFFF_8000_0FFEL, 4));
        assertThat(f.dmaAddr()).isEqualTo(busLimit + 1);
        assertThat(f.reason()).contains("bus_dma_limit");
        assertThat(p.faults()).hasSize(1);
    }

    @Test
    void anUnknownDeviceIsRefused() {
        Platform p = Platform.builder().build();
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> p.dmaRead(DeviceId.of("ghost"), 0x1000, 1))
                .withMessageContaining("ghost");
    }
}
