package org.dmacheck.impl.iommu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dmacheck.impl.iommu.IommuRig.PLAT;

import java.util.List;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.api.Errno;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.DomainConfig;
import org.dmacheck.spec.platform.IommuDomainType;
import org.dmacheck.spec.platform.IommuProt;
import org.dmacheck.spec.platform.IovaRange;
import org.dmacheck.spec.platform.Platform;
import org.junit.jupiter.api.Test;

/** iommu_dma_map_sg / unmap_sg worked examples (§6.8, §8); segment addresses derived by hand. */
class IommuDmaSgTest {
    private static final long ERR = DmaEngine.DMA_MAPPING_ERROR;
    private static final long K4 = 0x1000;
    private static final String HB = "pci0000:00";
    private static final String PROVIDER = "0000:04:00.0";
    private static final DeviceId PEER = DeviceId.of("0000:05:00.0");
    private static final DeviceId FAR = DeviceId.of("0000:01:00.0");
    private static final long BAR = 0xE000_0000L;
    private static final long BUS_OFFSET = 0x1000_0000_0000L;

    private static DomainConfig strict4k() {
        return DomainConfig.of(IommuRig.DOMAIN, IommuDomainType.DMA, K4);
    }

    /**
     * Provider 04:00.0 and PEER 05:00.0 under one switch (BUS_ADDR); FAR 01:00.0 on another root
     * port of the same host bridge (THRU_HOST_BRIDGE when allow-listed, else NOT_SUPPORTED). Extra
     * RAM at [0x10000, 0x40000) for the low addresses of the merge example.
     */
    private static IommuRig p2p(boolean allowListed) {
        return p2p(allowListed, -1L);
    }

    private static IommuRig p2p(boolean allowListed, long peerMask) {
        Platform p = Platform.builder()
                .ram(0x1_0000L, 0x3_0000L)
                .hostBridge(HB, allowListed)
                .rootPort("0000:00:01.0", HB, false).endpoint(FAR.name(), "0000:00:01.0")
                .rootPort("0000:00:02.0", HB, false)
                .switchUpstream("0000:02:00.0", "0000:00:02.0")
                .switchDownstream("0000:03:00.0", "0000:02:00.0", false)
                .switchDownstream("0000:03:01.0", "0000:02:00.0", false)
                .endpoint(PROVIDER, "0000:03:00.0")
                .endpoint(PEER.name(), "0000:03:01.0")
                .p2pBar(PROVIDER, BAR, 0x10_0000L, BUS_OFFSET)
                .domain(strict4k())
                .device(DeviceConfig.builder(PEER.name()).masks(peerMask).iommuDomain(IommuRig.DOMAIN).build())
                .device(DeviceConfig.builder(FAR.name()).iommuDomain(IommuRig.DOMAIN).build())
                .build();
        return new IommuRig(p);
    }

    private static void assertSegment(Scatterlist sgl, int i, long addr, long len) {
        assertThat(sgl.get(i).dmaAddress()).as("segment %d address", i).isEqualTo(addr);
        assertThat(sgl.get(i).dmaLength()).as("segment %d length", i).isEqualTo(len);
    }

    @Test
    void threeEntriesMergeIntoTwoSegmentsAtTheTopOfThe32BitWindow() {
        IommuRig r = p2p(false);
        r.fill(0x1_0000, 0x1000, 0x01);
        r.fill(0x2_0000, 0x1000, 0x02);
        r.fill(0x3_0100, 0x800, 0x03);
        Scatterlist sgl = Scatterlist.of(0x1_0000, 0x1000, 0x2_0000, 0x1000, 0x3_0100, 0x800);
        // Layout: 0x1000 + 0x1000 + alignG(0x800 + 0x100) = 0x3000, 3 frames rounded to 4, 4-aligned:
        // PCI device, 32-bit first: (0xFFFFF - 4 + 1) & ~3 = 0xFFFFC -> base 0xFFFF_C000.
        // Entry 1 starts on a granule right after a full one: merged (0x2000). Entry 2 has
        // s_off 0x100: a new segment at cursor 0xFFFF_E000 + 0x100.
        assertThat(r.engine.mapSg(FAR, sgl, 3, Direction.TO_DEVICE, 0)).isEqualTo(2);
        assertSegment(sgl, 0, 0xFFFF_C000L, 0x2000);
        assertSegment(sgl, 1, 0xFFFF_E100L, 0x800);
        assertSegment(sgl, 2, ERR, 0);
        assertThat(r.iovaGranules()).isEqualTo(4);
        assertThat(r.livePtes()).isEqualTo(3);
        byte[] seg0 = r.deviceRead(FAR, 0xFFFF_C000L, 0x2000);
        assertThat(seg0[0]).isEqualTo((byte) 1);
        assertThat(seg0[0x1FFF]).isEqualTo((byte) 2);
        assertThat(r.deviceRead(FAR, 0xFFFF_E100L, 0x800)).containsOnly(3);
        r.engine.unmapSg(FAR, sgl, 3, Direction.TO_DEVICE, 0);
        assertThat(r.iovaGranules()).isZero();
        assertThat(r.livePtes()).isZero();
        assertThat(r.domain().livePteCount()).isZero();
    }

    /** Two granule-aligned entries of 0xC000 and 0x8000 bytes for the platform device. */
    private static Scatterlist boundaryList() {
        return Scatterlist.of(0x1_0000_0000L, 0xC000, 0x1_0010_0000L, 0x8000);
    }

    @Test
    void withoutASegmentBoundaryTheEntriesMergeAcrossA64KibLine() {
        IommuRig r = IommuRig.of(strict4k(), DeviceConfig.builder(IommuRig.NIC.name()),
                DeviceConfig.builder(PLAT.name()).maxSegSize(0x2_0000));
        Scatterlist sgl = boundaryList();
        // 0x14000 bytes: 20 frames -> 32, 32-aligned below the 48-bit top: frame 0xF_FFFF_FFE0.
        assertThat(r.engine.mapSg(PLAT, sgl, 2, Direction.TO_DEVICE, 0)).isEqualTo(1);
        assertSegment(sgl, 0, 0xFFFF_FFFE_0000L, 0x1_4000);
    }

    @Test
    void a64KibSegmentBoundaryPadsTheFirstEntryAndSplitsTheList() {
        IommuRig r = IommuRig.of(strict4k(), DeviceConfig.builder(IommuRig.NIC.name()),
                DeviceConfig.builder(PLAT.name()).maxSegSize(0x2_0000).segBoundaryMask(0xFFFF));
        r.fill(0x1_0010_0000L, 0x8000, 0x66);
        Scatterlist sgl = boundaryList();
        // Entry 1 would straddle 0x10000: pad = (0xFFFF - 0xC000 + 1) & 0xFFFF = 0x4000 < 0x8000 - 1,
        // so entry 0 grows to 0x10000 and entry 1 starts on the boundary. iova_len 0x18000: 24 frames
        // -> 32 -> base 0xFFFF_FFFE_0000; entry 0 leaves its padded length unfilled, so no merge.
        assertThat(r.engine.mapSg(PLAT, sgl, 2, Direction.TO_DEVICE, 0)).isEqualTo(2);
        assertSegment(sgl, 0, 0xFFFF_FFFE_0000L, 0xC000);
        assertSegment(sgl, 1, 0xFFFF_FFFF_0000L, 0x8000);
        assertThat(r.deviceRead(PLAT, 0xFFFF_FFFF_0000L, 0x8000)).containsOnly(0x66);
        // The padding granules carry no PTE: 12 + 8 granules mapped, 32 allocated.
        assertThat(r.domain().pte(0xFFFF_FFFE_C000L)).isEmpty();
        assertThat(r.livePtes()).isEqualTo(20);
        assertThat(r.iovaGranules()).isEqualTo(32);
        r.engine.unmapSg(PLAT, sgl, 2, Direction.TO_DEVICE, 0);
        assertThat(r.livePtes()).isZero();
        assertThat(r.iovaGranules()).isZero();
    }

    @Test
    void example17MaxSegSizeOfFourGibMinusOneNeverWrapsAMergedLength() {
        Platform p = IommuRig.pciBuilder().pageSize(0x1_0000)
                .domain(DomainConfig.of(IommuRig.DOMAIN, IommuDomainType.DMA, 0x1_0000))
                .device(DeviceConfig.builder(PLAT.name()).maxSegSize(0xFFFF_FFFFL).iommuDomain(IommuRig.DOMAIN).build())
                .build();
        IommuRig r = new IommuRig(p);
        Scatterlist sgl = Scatterlist.of(0x1_0000_0000L, 0xC000_0000L, 0x2_0000_0000L, 0xC000_0000L);
        // 6 GiB = 0x18000 frames of 64 KiB (not rounded, >= 32), aligned to 0x20000 frames:
        // (0xFFFFFFFF - 0x18000 + 1) & ~0x1FFFF = 0xFFFE0000 -> base 0xFFFE_0000_0000.
        // 0xFFFFFFFF - 0xC0000000 < 0xC0000000, so the second entry starts its own segment.
        assertThat(r.engine.mapSg(PLAT, sgl, 2, Direction.BIDIRECTIONAL, 0)).isEqualTo(2);
        assertSegment(sgl, 0, 0xFFFE_0000_0000L, 0xC000_0000L);
        assertSegment(sgl, 1, 0xFFFE_C000_0000L, 0xC000_0000L);
        assertThat(sgl.get(0).dmaLength() + sgl.get(1).dmaLength()).isEqualTo(sgl.totalLength(2));
        r.engine.unmapSg(PLAT, sgl, 2, Direction.BIDIRECTIONAL, 0);
        assertThat(r.livePtes()).isZero();
    }

    @Test
    void aBusAddressEntryIsItsOwnSegmentWithItsOwnLengthAndNoIova() {
        IommuRig r = p2p(false);
        r.platform.cpuWrite(BAR + 0x100, IommuRig.bytes(0x200, 0x7E));
        Scatterlist sgl = Scatterlist.of(0x1_0000_0000L, 0x1000, BAR + 0x100, 0x200, 0x1_0000_3000L, 0x1000);
        // RAM entries: 0x2000 of IOVA, 2 frames, 2-aligned below 4 GiB: base 0xFFFF_E000. The bus
        // entry gets phys + bus_offset and its own length 0x200 (Linux takes the list head's 0x1000:
        // §14.2 quirk 2); it closes merging, so entry 2 starts a new segment.
        assertThat(r.engine.mapSg(PEER, sgl, 3, Direction.BIDIRECTIONAL, 0)).isEqualTo(3);
        assertSegment(sgl, 0, 0xFFFF_E000L, 0x1000);
        assertSegment(sgl, 1, 0x1000_E000_0100L, 0x200);
        assertSegment(sgl, 2, 0xFFFF_F000L, 0x1000);
        assertThat(sgl.get(1).isBusAddress()).isTrue();
        assertThat(sgl.get(0).isBusAddress()).isFalse();
        assertThat(r.deviceRead(PEER, 0x1000_E000_0100L, 0x200)).containsOnly(0x7E);
        assertThat(r.iovaGranules()).isEqualTo(2);
        assertThat(r.livePtes()).isEqualTo(2);
        r.engine.unmapSg(PEER, sgl, 3, Direction.BIDIRECTIONAL, 0);
        assertThat(sgl.get(1).isBusAddress()).isFalse();
        assertThat(r.iovaGranules()).isZero();
        assertThat(r.livePtes()).isZero();
    }

    @Test
    void unmapReleasesTheListsIovaEvenWhenTheFirstSegmentIsABusAddress() {
        IommuRig r = p2p(false);
        Scatterlist sgl = Scatterlist.of(BAR, 0x200, 0x1_0000_0000L, 0x1000, 0x1_0000_3000L, 0x1000);
        assertThat(r.engine.mapSg(PEER, sgl, 3, Direction.TO_DEVICE, 0)).isEqualTo(2);
        assertSegment(sgl, 0, BAR + BUS_OFFSET, 0x200);
        assertSegment(sgl, 1, 0xFFFF_E000L, 0x2000);
        r.engine.unmapSg(PEER, sgl, 3, Direction.TO_DEVICE, 0);
        assertThat(r.iovaGranules()).isZero();
        assertThat(r.livePtes()).isZero();
        assertThat(r.platform.kernelLog()).isEmpty();
    }

    @Test
    void anUnsupportedP2pEntryFailsWithEremoteioAndLeavesNothingBehind() {
        IommuRig r = p2p(false);
        long held = r.engine.mapPhys(FAR, 0x1_0000_8000L, 0x100, Direction.TO_DEVICE, 0);
        var before = List.of(r.engine.iovaGranules(), r.engine.livePtes(), r.engine.flushQueued());
        Scatterlist sgl = Scatterlist.of(0x1_0000_0000L, 0x1000, BAR, 0x1000);
        assertThat(r.engine.mapSg(FAR, sgl, 2, Direction.TO_DEVICE, 0)).isEqualTo(-Errno.EREMOTEIO);
        assertThat(List.of(r.engine.iovaGranules(), r.engine.livePtes(), r.engine.flushQueued())).isEqualTo(before);
        for (Scatterlist.Entry e : sgl.entries()) {
            assertThat(e.dmaAddress()).isEqualTo(ERR);
            assertThat(e.dmaLength()).isZero();
            assertThat(e.dmaFlags()).isZero();
        }
        r.deviceRead(FAR, held, 0x100);
    }

    @Test
    void aBusAddressBeyondTheClientsMaskFailsWithEremoteioAndLeavesNothingBehind() {
        // PEER reaches the BAR over the switch (BUS_ADDR), but its bus address 0xE000_0000 +
        // 0x1000_0000_0000 = 0x1000_E000_0000 needs 45 bits and PEER has a 40-bit mask. Linux emits
        // it unchecked; the reference engine refuses the list before allocating any IOVA.
        IommuRig r = p2p(false, 0xFF_FFFF_FFFFL);
        long held = r.engine.mapPhys(PEER, 0x1_0000_8000L, 0x100, Direction.TO_DEVICE, 0);
        var before = List.of(r.engine.iovaGranules(), r.engine.livePtes(), r.engine.flushQueued());
        Scatterlist sgl = Scatterlist.of(0x1_0000_0000L, 0x1000, BAR, 0x1000);
        assertThat(r.engine.mapSg(PEER, sgl, 2, Direction.TO_DEVICE, 0)).isEqualTo(-Errno.EREMOTEIO);
        assertThat(List.of(r.engine.iovaGranules(), r.engine.livePtes(), r.engine.flushQueued())).isEqualTo(before);
        for (Scatterlist.Entry e : sgl.entries()) {
            assertThat(e.dmaAddress()).isEqualTo(ERR);
            assertThat(e.dmaFlags()).isZero();
        }
        r.deviceRead(PEER, held, 0x100);
        // the same list without the peer entry maps
        assertThat(r.engine.mapSg(PEER, sgl, 1, Direction.TO_DEVICE, 0)).isEqualTo(1);
    }

    @Test
    void aSegmentThatWouldStartAtDmaMappingErrorUndoesTheList() {
        // aperture [0, 2^64-1], platform device (no 32-bit-first attempt): entries of 0x1000 (aligned)
        // and 1 byte at offset 0xFFF take two granules at the top, IOVA 0xFFFF_FFFF_FFFF_E000. The
        // second entry starts a segment (it has an in-granule offset) at 0xFFFF_FFFF_FFFF_F000 + 0xFFF,
        // which is DMA_MAPPING_ERROR: the list is undone and fails.
        DomainConfig d = new DomainConfig(IommuRig.DOMAIN, IommuDomainType.DMA, K4, 0, -1L, List.of());
        IommuRig r = IommuRig.of(d);
        Scatterlist sgl = Scatterlist.of(0x1_0000_0000L, 0x1000, 0x1_0000_2FFFL, 1);
        assertThat(r.engine.mapSg(IommuRig.PLAT, sgl, 2, Direction.TO_DEVICE, 0)).isEqualTo(-Errno.EINVAL);
        assertThat(List.of(r.iovaGranules(), r.livePtes())).containsExactly(0L, 0L);
        assertThat(sgl.get(0).dmaAddress()).isEqualTo(ERR);
        // the first entry alone maps at the top granule
        assertThat(r.engine.mapSg(IommuRig.PLAT, sgl, 1, Direction.TO_DEVICE, 0)).isEqualTo(1);
        assertThat(sgl.get(0).dmaAddress()).isEqualTo(0xFFFF_FFFF_FFFF_F000L);
    }

    @Test
    void hostBridgeP2pIsMappedThroughTheIommuAsMmio() {
        IommuRig r = p2p(true);
        Scatterlist sgl = Scatterlist.of(BAR, 0x1000);
        assertThat(r.engine.mapSg(FAR, sgl, 1, Direction.BIDIRECTIONAL, 0)).isEqualTo(1);
        assertSegment(sgl, 0, 0xFFFF_F000L, 0x1000);
        assertThat(sgl.get(0).isBusAddress()).isFalse();
        var pte = r.domain().pte(0xFFFF_F000L).orElseThrow();
        assertThat(pte.phys()).isEqualTo(BAR);
        assertThat(pte.prot()).isEqualTo(IommuProt.READ | IommuProt.WRITE | IommuProt.MMIO);
    }

    @Test
    void untrustedListsMapEntryByEntryThroughSwiotlb() {
        IommuRig r = IommuRig.of(strict4k(), DeviceConfig.builder(IommuRig.NIC.name()),
                DeviceConfig.builder(PLAT.name()).untrusted(true));
        Scatterlist sgl = Scatterlist.of(0x1_0000_0100L, 0x200, 0x1_0000_2000L, 0x1000);
        // Entry 0 is unaligned: bounced (2 slots: 0x200 rounded to a granule), its own IOVA at the top.
        // Entry 1 is whole granules: mapped in place with the next IOVA down. No merging.
        assertThat(r.engine.mapSg(PLAT, sgl, 2, Direction.TO_DEVICE, 0)).isEqualTo(2);
        assertThat(sgl.get(0).dmaFlags() & Scatterlist.SG_DMA_SWIOTLB).isNotZero();
        assertSegment(sgl, 0, 0xFFFF_FFFF_F000L, 0x200);
        assertSegment(sgl, 1, 0xFFFF_FFFF_E000L, 0x1000);
        assertThat(r.domain().pte(0xFFFF_FFFF_E000L).orElseThrow().phys()).isEqualTo(0x1_0000_2000L);
        assertThat(r.swiotlb.slotsUsed()).isEqualTo(2);
        r.engine.unmapSg(PLAT, sgl, 2, Direction.TO_DEVICE, 0);
        assertThat(r.swiotlb.slotsUsed()).isZero();
        assertThat(r.iovaGranules()).isZero();
        assertThat(r.livePtes()).isZero();
    }

    @Test
    void iovaExhaustionFailsWithEnomemAndInvalidatesTheList() {
        DomainConfig d = new DomainConfig(IommuRig.DOMAIN, IommuDomainType.DMA, K4, 0, IommuRig.APERTURE_END,
                List.of(new IovaRange(0, IommuRig.APERTURE_END, "test: no IOVA space")));
        IommuRig r = IommuRig.of(d);
        Scatterlist sgl = Scatterlist.of(0x1_0000_0000L, 0x1000, 0x1_0000_3000L, 0x1000);
        assertThat(r.engine.mapSg(PLAT, sgl, 2, Direction.TO_DEVICE, 0)).isEqualTo(-Errno.ENOMEM);
        assertSegment(sgl, 0, ERR, 0);
        assertSegment(sgl, 1, ERR, 0);
        assertThat(r.livePtes()).isZero();
    }
}
