package org.dmacheck.gen.dma;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.api.Errno;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.driver.Executed;
import org.dmacheck.spec.driver.OpResult;
import org.dmacheck.spec.driver.SgSegment;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.DmaAttrs;
import org.dmacheck.spec.platform.IommuDomainType;
import org.dmacheck.spec.platform.IommuProt;
import org.dmacheck.spec.platform.Platform;
import org.junit.jupiter.api.Test;

class PathClassifierTest {
    private static final String STRICT_DEV = "0000:01:00.0";
    private static final String LAZY_DEV = "0000:02:00.0";
    private static final String PROVIDER = "0000:03:00.0";
    private static final long POOL = 0x40_0000L;
    private static final long BAR = 0xC000_0000L;

    /**
     * One allow-listed host bridge with three root ports, all with ACS redirect (so peers reach each
     * other through the host bridge): a device on a strict domain with a 64 KiB seg boundary, a
     * device on a lazy domain, and a P2P provider; an RPi4-style platform device; a one-segment
     * swiotlb pool at 4 MiB, inside the RPi4 window.
     */
    private static Platform platform() {
        return Platform.builder()
                .noDefaultRam()
                .ram(0x10_0000L, 0x30_0000L)
                .ram(0x100_0000L, 0x3F00_0000L)
                .swiotlbPool(POOL, 256 * 1024)
                .hostBridge("pci0000", true)
                .rootPort("0000:00:01.0", "pci0000", true).endpoint(STRICT_DEV, "0000:00:01.0")
                .rootPort("0000:00:02.0", "pci0000", true).endpoint(LAZY_DEV, "0000:00:02.0")
                .rootPort("0000:00:03.0", "pci0000", true).endpoint(PROVIDER, "0000:00:03.0")
                .p2pBar(PROVIDER, BAR, 16 << 20, 0)
                .domain("strict", IommuDomainType.DMA, 4096)
                .domain("lazy", IommuDomainType.DMA_FQ, 4096)
                .device(DeviceConfig.builder(STRICT_DEV).iommuDomain("strict").segBoundaryMask(0xFFFF).build())
                .device(DeviceConfig.builder(LAZY_DEV).iommuDomain("lazy").build())
                .device(DeviceConfig.builder("rpi").rangeMap(DeviceGen.RPI4_RANGES).build())
                .build();
    }

    private static Set<DmaPath> classify(Platform p, Op op, OpResult r) {
        return PathClassifier.classify(p, new Executed(1, op, r, null, List.of(), List.of()), h -> Optional.empty());
    }

    private static Op.MapSg sg(String dev, long... physLen) {
        return new Op.MapSg("sg0", DeviceId.of(dev), Scatterlist.of(physLen).chunks(), Direction.TO_DEVICE, 0);
    }

    @Test
    void fewerSegmentsThanEntriesIsAMerge() {
        // three 4 KiB pages map to one IOVA run: 1 segment for 3 entries
        Op.MapSg op = sg(STRICT_DEV, 0x10_0000, 0x1000, 0x20_0000, 0x1000, 0x30_0000, 0x1000);
        OpResult r = new OpResult.MappedSg(1, List.of(new SgSegment(0xFFFF_D000L, 0x3000, 0),
                new SgSegment(DmaEngine.DMA_MAPPING_ERROR, 0, 0), new SgSegment(DmaEngine.DMA_MAPPING_ERROR, 0, 0)));
        assertThat(classify(platform(), op, r)).containsExactlyInAnyOrder(DmaPath.IOMMU_STRICT, DmaPath.SG_MERGE);
    }

    @Test
    void aSegmentEndingOnTheBoundaryFollowedByOneStartingThereIsASplit() {
        // boundary mask 0xFFFF: 0x1_0000_8000 + 0x8000 = 0x1_0001_0000, a multiple of 64 KiB, where the next starts
        Op.MapSg op = sg(STRICT_DEV, 0x10_0000, 0x8000, 0x20_0000, 0x4000);
        OpResult r = new OpResult.MappedSg(2, List.of(new SgSegment(0x1_0000_8000L, 0x8000, 0),
                new SgSegment(0x1_0001_0000L, 0x4000, 0)));
        assertThat(classify(platform(), op, r)).containsExactlyInAnyOrder(DmaPath.IOMMU_STRICT,
                DmaPath.SG_SPLIT_AT_BOUNDARY);

        // the same lengths one page further on: 0x1_0000_9000 + 0x8000 = 0x1_0001_1000 is no boundary
        OpResult shifted = new OpResult.MappedSg(2, List.of(new SgSegment(0x1_0000_9000L, 0x8000, 0),
                new SgSegment(0x1_0001_1000L, 0x4000, 0)));
        assertThat(classify(platform(), op, shifted)).containsExactly(DmaPath.IOMMU_STRICT);
    }

    @Test
    void aDirectAddressLeadingIntoThePoolThroughTheRangeMapIsABounce() {
        Platform p = platform();
        Op.MapSingle op = new Op.MapSingle("m0", DeviceId.of("rpi"), Op.MapKind.PHYS, 0x5000_0000L, 4096,
                Direction.TO_DEVICE, 0);
        // RPi4 window: DMA 0xC040_0800 is CPU 0x0040_0800, inside the pool at 4 MiB
        assertThat(classify(p, op, new OpResult.Mapped(0xC040_0800L)))
                .containsExactlyInAnyOrder(DmaPath.DIRECT, DmaPath.BOUNCE);
        // DMA 0xC100_0000 is CPU 0x0100_0000: RAM, mapped in place
        assertThat(classify(p, op, new OpResult.Mapped(0xC100_0000L))).containsExactly(DmaPath.DIRECT);
        assertThat(classify(p, op, new OpResult.Mapped(DmaEngine.DMA_MAPPING_ERROR)))
                .containsExactly(DmaPath.MAP_FAILED);
    }

    @Test
    void anIommuAddressWhosePageTableEntryPointsIntoThePoolIsABounce() {
        Platform p = platform();
        p.domain("lazy").map(0x8000_0000L, POOL + 0x1000, 0x1000, IommuProt.READ | IommuProt.WRITE);
        Op.MapSingle op = new Op.MapSingle("m0", DeviceId.of(LAZY_DEV), Op.MapKind.PHYS, 0x10_0234L, 0x100,
                Direction.FROM_DEVICE, 0);
        assertThat(classify(p, op, new OpResult.Mapped(0x8000_0234L)))
                .containsExactlyInAnyOrder(DmaPath.IOMMU_LAZY, DmaPath.BOUNCE);
        // an IOVA without a PTE (e.g. an engine that returned garbage) is no bounce
        assertThat(classify(p, op, new OpResult.Mapped(0x9000_0234L))).containsExactly(DmaPath.IOMMU_LAZY);
    }

    @Test
    void busAddressSegmentsAndHostBridgeMemory() {
        Platform p = platform();
        Op.MapSg op = sg(STRICT_DEV, BAR + 0x1000, 0x1000);
        OpResult bus = new OpResult.MappedSg(1, List.of(new SgSegment(BAR + 0x1000, 0x1000,
                Scatterlist.SG_DMA_BUS_ADDRESS)));
        // every root port redirects with ACS, so the client reaches the BAR through the allow-listed bridge
        assertThat(classify(p, op, bus)).containsExactlyInAnyOrder(DmaPath.P2P_BUS_ADDRESS, DmaPath.HOST_BRIDGE);

        Op.MapSingle single = new Op.MapSingle("m0", DeviceId.of(STRICT_DEV), Op.MapKind.PHYS, BAR, 0x1000,
                Direction.TO_DEVICE, DmaAttrs.MMIO);
        assertThat(classify(p, single, new OpResult.Mapped(0xFFFF_0000L)))
                .containsExactlyInAnyOrder(DmaPath.IOMMU_STRICT, DmaPath.HOST_BRIDGE);

        assertThat(classify(p, op, new OpResult.MappedSg(-Errno.EREMOTEIO, List.of())))
                .containsExactly(DmaPath.P2P_REFUSED);
    }

    @Test
    void timePassingTheFlushQueueTimeoutWithALazyDomain() {
        Platform p = platform();
        assertThat(classify(p, new Op.Tick(10), new OpResult.Done())).containsExactly(DmaPath.FLUSH_TIMEOUT);
        assertThat(classify(p, new Op.Tick(9), new OpResult.Done())).isEmpty();
    }
}
