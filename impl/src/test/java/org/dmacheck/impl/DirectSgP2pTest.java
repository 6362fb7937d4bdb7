package org.dmacheck.impl;

import static org.assertj.core.api.Assertions.assertThat;

import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.api.Errno;
import org.dmacheck.spec.api.ResourceUsage;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.DmaAccess;
import org.dmacheck.spec.platform.DmaRange;
import org.dmacheck.spec.platform.Placement;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.platform.Unsigned;
import org.junit.jupiter.api.Test;

/**
 * {@code dma_direct_map_sg} with P2P entries (§3.7, §8). Topology: provider 04:00.0 and client
 * 05:00.0 under one switch (BUS_ADDR); client 01:00.0 on another root port of the same host bridge
 * (THRU_HOST_BRIDGE when the bridge is allow-listed, NOT_SUPPORTED otherwise). The provider's BAR is
 * CPU 0x40_0000_0000, bus 0x8000_0000 (bug-classes example 37), so bus_offset = bus - cpu.
 */
class DirectSgP2pTest {
    private static final String HB = "pci0000:00";
    private static final String PROVIDER = "0000:04:00.0";
    private static final DeviceId NEAR = DeviceId.of("0000:05:00.0");
    private static final DeviceId FAR = DeviceId.of("0000:01:00.0");
    private static final long BAR = 0x40_0000_0000L;
    private static final long BUS = 0x8000_0000L;

    private static Platform platform(boolean allowListed, long farLimit) {
        return platform(allowListed, farLimit, false);
    }

    private static Platform platform(boolean allowListed, long farLimit, boolean nearForceBounce) {
        return platform(allowListed, DeviceConfig.builder(FAR.name()).busDmaLimit(farLimit), nearForceBounce);
    }

    private static Platform platform(boolean allowListed, DeviceConfig.Builder far, boolean nearForceBounce) {
        return platform(allowListed, far, DeviceConfig.builder(NEAR.name()).forceBounce(nearForceBounce));
    }

    private static Platform platform(boolean allowListed, DeviceConfig.Builder far, DeviceConfig.Builder near) {
        return Platform.builder()
                .hostBridge(HB, allowListed)
                .rootPort("0000:00:01.0", HB, false).endpoint(FAR.name(), "0000:00:01.0")
                .rootPort("0000:00:02.0", HB, false)
                .switchUpstream("0000:02:00.0", "0000:00:02.0")
                .switchDownstream("0000:03:00.0", "0000:02:00.0", false)
                .switchDownstream("0000:03:01.0", "0000:02:00.0", false)
                .endpoint(PROVIDER, "0000:03:00.0")
                .endpoint(NEAR.name(), "0000:03:01.0")
                .p2pBar(PROVIDER, BAR, 0x10_0000L, BUS - BAR)
                .device(near.build())
                .device(far.build())
                .build();
    }

    private static final ResourceUsage NOTHING = new ResourceUsage(java.util.Map.of(), java.util.Map.of(),
            java.util.Map.of(), 0, 0);

    @Test
    void aBusAddressEntryGetsPhysPlusBusOffset() {
        Platform p = platform(false, 0);
        DmaEngine e = new ReferenceEngine(p);
        long ram = p.buffers().allocate(4096);
        Scatterlist sgl = Scatterlist.of(ram, 4096, BAR + 0x1000, 4096);
        assertThat(e.mapSg(NEAR, sgl, 2, Direction.BIDIRECTIONAL, 0)).isEqualTo(2);
        assertThat(sgl.get(0).dmaAddress()).isEqualTo(ram);
        assertThat(sgl.get(0).isBusAddress()).isFalse();
        // 0x40_0000_1000 + (0x8000_0000 - 0x40_0000_0000) = 0x8000_1000
        assertThat(sgl.get(1).dmaAddress()).isEqualTo(0x8000_1000L);
        assertThat(sgl.get(1).dmaLength()).isEqualTo(4096);
        assertThat(sgl.get(1).isBusAddress()).isTrue();
        // the device's write at the bus address lands 0x1000 into the BAR
        assertThat(p.dmaWrite(NEAR, 0x8000_1000L, new byte[] {9, 8, 7}).faulted()).isFalse();
        assertThat(p.cpuRead(BAR + 0x1000, 3)).containsExactly(9, 8, 7);
        e.unmapSg(NEAR, sgl, 2, Direction.BIDIRECTIONAL, 0);
        assertThat(sgl.get(1).isBusAddress()).isFalse();
        assertThat(e.usage()).isEqualTo(NOTHING);
        assertThat(p.kernelLog()).isEmpty();
    }

    @Test
    void anUnreachablePeerFailsTheListWithEremoteioAndLeavesNothingBehind() {
        // FAR is limited to 32 bits, so its first (high) RAM entry is bounced before the P2P entry fails
        Platform p = platform(false, Unsigned.bitMask(32));
        DmaEngine e = new ReferenceEngine(p);
        long high = p.buffers().allocate(4096, 0, Placement.above4G());
        Scatterlist sgl = Scatterlist.of(high, 4096, BAR, 4096);
        assertThat(e.mapSg(FAR, sgl, 2, Direction.TO_DEVICE, 0)).isEqualTo(-Errno.EREMOTEIO);
        assertThat(e.usage()).isEqualTo(NOTHING);
        assertThat(sgl.get(0).dmaAddress()).isEqualTo(DmaEngine.DMA_MAPPING_ERROR);
    }

    @Test
    void aHostBridgeEntryIsMappedAtItsCpuAddressAsMmio() {
        // allow-listed bridge: THRU_HOST_BRIDGE, mapped (not skipped, §14.2 quirk 1) with MMIO
        // semantics: the CPU address, no translation, no bounce
        Platform p = platform(true, 0);
        DmaEngine e = new ReferenceEngine(p);
        Scatterlist sgl = Scatterlist.of(BAR + 0x2000, 0x800);
        assertThat(e.mapSg(FAR, sgl, 1, Direction.FROM_DEVICE, 0)).isEqualTo(1);
        assertThat(sgl.get(0).dmaAddress()).isEqualTo(BAR + 0x2000);
        assertThat(sgl.get(0).isBusAddress()).isFalse();
        assertThat(p.dmaWrite(FAR, BAR + 0x2000, new byte[] {5}).faulted()).isFalse();
        assertThat(p.cpuRead(BAR + 0x2000, 1)).containsExactly(5);
        e.unmapSg(FAR, sgl, 1, Direction.FROM_DEVICE, 0);
        assertThat(p.kernelLog()).isEmpty();
    }

    @Test
    void aBusAddressBeyondTheClientsBusLimitFailsTheListWithEremoteio() {
        // NEAR reaches the BAR over the switch (BUS_ADDR) at bus 0x8000_0000 + 0x1000, but its bus
        // limit is 0x7FFF_FFFF: it cannot emit that address. Linux hands the entry out unchecked; the
        // reference engine fails the list (unmapping the RAM entry it already mapped) with -EREMOTEIO.
        Platform p = platform(false, DeviceConfig.builder(FAR.name()),
                DeviceConfig.builder(NEAR.name()).busDmaLimit(0x7FFF_FFFFL));
        DmaEngine e = new ReferenceEngine(p);
        long ram = p.buffers().allocate(4096, 0, Placement.below4G());
        Scatterlist sgl = Scatterlist.of(ram, 4096, BAR + 0x1000, 4096);
        assertThat(e.mapSg(NEAR, sgl, 2, Direction.BIDIRECTIONAL, 0)).isEqualTo(-Errno.EREMOTEIO);
        assertThat(e.usage()).isEqualTo(NOTHING);
        assertThat(sgl.get(0).dmaAddress()).isEqualTo(DmaEngine.DMA_MAPPING_ERROR);
        assertThat(sgl.get(1).isBusAddress()).isFalse();
        // an entry whose last bus address is exactly the limit is reachable: bus [0x8000_0000, 0x8000_0FFF]
        Platform q = platform(false, DeviceConfig.builder(FAR.name()),
                DeviceConfig.builder(NEAR.name()).busDmaLimit(0x8000_0FFFL));
        DmaEngine f = new ReferenceEngine(q);
        Scatterlist edge = Scatterlist.of(BAR, 4096);
        assertThat(f.mapSg(NEAR, edge, 1, Direction.BIDIRECTIONAL, 0)).isEqualTo(1);
        assertThat(edge.get(0).dmaAddress()).isEqualTo(BUS);
    }

    @Test
    void aHostBridgeEntryTheRangeMapCannotReachAtItsCpuAddressFailsTheListWithEio() {
        // FAR sees CPU [0, 0x40_0000_0000) at DMA + 0x100_0000_0000 and nothing else: the BAR's CPU
        // address 0x40_0000_2000, emitted untranslated (MMIO), is in no window. Linux maps it anyway;
        // the reference engine refuses the entry like a dma_capable failure, and the list with -EIO.
        Platform p = platform(true, DeviceConfig.builder(FAR.name())
                .rangeMap(java.util.List.of(new DmaRange(0, 0x100_0000_0000L, BAR))), false);
        DmaEngine e = new ReferenceEngine(p);
        long ram = p.buffers().allocate(4096);
        Scatterlist sgl = Scatterlist.of(ram, 4096, BAR + 0x2000, 0x800);
        assertThat(e.mapSg(FAR, sgl, 2, Direction.FROM_DEVICE, 0)).isEqualTo(-Errno.EIO);
        assertThat(e.usage()).isEqualTo(NOTHING);
        assertThat(sgl.get(0).dmaAddress()).isEqualTo(DmaEngine.DMA_MAPPING_ERROR);
    }

    @Test
    void aFailedEntryUnwindsTheEarlierOnesAndReturnsEio() {
        // no swiotlb pool and a 32-bit limit: the second (high) entry cannot be mapped
        Platform p = Platform.builder().noSwiotlb()
                .device(DeviceConfig.builder("dev").busDmaLimit(Unsigned.bitMask(32)).build()).build();
        DeviceId dev = DeviceId.of("dev");
        DmaEngine e = new ReferenceEngine(p);
        long low = p.buffers().allocate(4096, 0, Placement.below4G());
        long high = p.buffers().allocate(4096, 0, Placement.above4G());
        Scatterlist sgl = Scatterlist.of(low, 4096, high, 4096);
        assertThat(e.mapSg(dev, sgl, 2, Direction.TO_DEVICE, 0)).isEqualTo(-Errno.EIO);
        // the first entry was unmapped: a later unmap of its address is refused as unknown
        e.unmapPhys(dev, low, 4096, Direction.TO_DEVICE, 0);
        assertThat(p.kernelLog()).last().asString().contains("has not allocated");
        // only the first entry of the list succeeds when mapped alone
        assertThat(e.mapSg(dev, sgl, 1, Direction.TO_DEVICE, 0)).isEqualTo(1);
        assertThat(sgl.get(0).dmaAddress()).isEqualTo(low);
    }

    @Test
    void syncSgSkipsBusAddressEntriesAndCopiesBouncedOnes() {
        Platform p = platform(false, 0, true);
        DmaEngine e = new ReferenceEngine(p);
        long ram = p.buffers().allocate(2048);
        Scatterlist sgl = Scatterlist.of(BAR, 4096, ram, 2048);
        assertThat(e.mapSg(NEAR, sgl, 2, Direction.FROM_DEVICE, 0)).isEqualTo(2);
        assertThat(sgl.get(0).dmaAddress()).isEqualTo(BUS);
        long bounce = sgl.get(1).dmaAddress();
        assertThat(bounce).isEqualTo(0x4000_0000L);
        assertThat(p.dmaWrite(NEAR, bounce, new byte[] {1, 2, 3, 4}).faulted()).isFalse();
        e.syncSgForCpu(NEAR, sgl, 2, Direction.FROM_DEVICE);
        assertThat(p.cpuRead(ram, 4)).containsExactly(1, 2, 3, 4);
        assertThat(p.kernelLog()).isEmpty();
        e.unmapSg(NEAR, sgl, 2, Direction.FROM_DEVICE, 0);
        assertThat(e.usage().swiotlbSlots()).isZero();
        assertThat(p.dmaRead(NEAR, BUS, 1)).isInstanceOf(DmaAccess.Done.class);
    }
}
