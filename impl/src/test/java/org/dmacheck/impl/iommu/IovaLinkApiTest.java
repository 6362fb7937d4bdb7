package org.dmacheck.impl.iommu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.dmacheck.impl.iommu.IommuRig.NIC;
import static org.dmacheck.impl.iommu.IommuRig.PLAT;

import java.util.List;
import org.dmacheck.spec.api.DmaIovaState;
import org.dmacheck.spec.api.Errno;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.DmaAttrs;
import org.dmacheck.spec.platform.DomainConfig;
import org.dmacheck.spec.platform.IommuDomainType;
import org.dmacheck.spec.platform.IovaRange;
import org.dmacheck.spec.platform.Platform;
import org.junit.jupiter.api.Test;

/** dma_iova_try_alloc / link / sync / unlink / free / destroy worked examples (§7). */
class IovaLinkApiTest {
    private static final long K4 = 0x1000;
    /** Two frames, 2-aligned, at the top of the 48-bit aperture: frame 0xF_FFFF_FFFE. */
    private static final long TOP2 = 0xFFFF_FFFF_E000L;

    private static DomainConfig domain(IommuDomainType type) {
        return DomainConfig.of(IommuRig.DOMAIN, type, K4);
    }

    private static IommuRig rig(IommuDomainType type) {
        return IommuRig.of(domain(type));
    }

    @Test
    void tryAllocFailsWithAZeroedStateForSizeZeroBit63AndExhaustion() {
        IommuRig r = rig(IommuDomainType.DMA);
        DmaIovaState st = new DmaIovaState();
        st.set(0x1234, 0x10);
        assertThat(r.engine.iovaTryAlloc(PLAT, st, 0x1_0000_0000L, 0)).isFalse();
        assertThat(st.addr()).isZero();
        assertThat(st.rawSize()).isZero();
        assertThat(r.engine.iovaTryAlloc(PLAT, st, 0x1_0000_0000L, DmaIovaState.USE_SWIOTLB | 0x1000)).isFalse();
        assertThat(st.inUse()).isFalse();
        assertThat(r.iovaGranules()).isZero();

        DomainConfig full = new DomainConfig(IommuRig.DOMAIN, IommuDomainType.DMA, K4, 0, IommuRig.APERTURE_END,
                List.of(new IovaRange(0, IommuRig.APERTURE_END, "test: no IOVA space")));
        IommuRig none = IommuRig.of(full);
        st.set(0x1234, 0x10);
        assertThat(none.engine.iovaTryAlloc(PLAT, st, 0x1_0000_0000L, 0x1000)).isFalse();
        assertThat(st.inUse()).isFalse();
        assertThat(st.addr()).isZero();
    }

    @Test
    void tryAllocReservesAlignedIovaKeepingThePhysOffsetAndMapsNothing() {
        IommuRig r = rig(IommuDomainType.DMA);
        DmaIovaState st = new DmaIovaState();
        // alignG(0x2000 + 0x234) = 0x3000: 3 frames, rounded to 4 and 4-aligned; PCI, so below
        // 4 GiB: frame 0xFFFFC. addr keeps the in-granule offset 0x234.
        assertThat(r.engine.iovaTryAlloc(NIC, st, 0x1_0000_0234L, 0x2000)).isTrue();
        assertThat(st.addr()).isEqualTo(0xFFFF_C234L);
        assertThat(st.size()).isEqualTo(0x2000);
        assertThat(r.iovaGranules()).isEqualTo(4);
        assertThat(r.livePtes()).isZero();
        assertThat(r.domain().livePteCount()).isZero();
    }

    @Test
    void linkAtAnOffsetWithAnUnalignedPhysIsEio() {
        IommuRig r = rig(IommuDomainType.DMA);
        DmaIovaState st = new DmaIovaState();
        assertThat(r.engine.iovaTryAlloc(PLAT, st, 0x1_0000_0000L, 0x3000)).isTrue();
        assertThat(r.engine.iovaLink(PLAT, st, 0x1_0000_5100L, 0x1000, 0x100, Direction.TO_DEVICE, 0))
                .isEqualTo(-Errno.EIO);
        assertThat(r.livePtes()).isZero();
        assertThat(r.platform.kernelLog()).anyMatch(l -> l.contains("dma_iova_link"));
    }

    @Test
    void linkedRangesStayInvisibleUntilDmaIovaSync() {
        IommuRig r = rig(IommuDomainType.DMA);
        r.fill(0x1_0000_0000L, 0x1000, 0x0A);
        r.fill(0x1_0000_8000L, 0x1000, 0x0B);
        DmaIovaState st = new DmaIovaState();
        assertThat(r.engine.iovaTryAlloc(PLAT, st, 0x1_0000_0000L, 0x2000)).isTrue();
        assertThat(st.addr()).isEqualTo(TOP2);
        assertThat(r.engine.iovaLink(PLAT, st, 0x1_0000_0000L, 0, 0x1000, Direction.TO_DEVICE, 0)).isZero();
        assertThat(r.engine.iovaLink(PLAT, st, 0x1_0000_8000L, 0x1000, 0x1000, Direction.TO_DEVICE, 0)).isZero();
        assertThat(r.domain().pendingPteCount()).isEqualTo(2);
        // No dma_iova_sync yet: the page-table walker does not see the PTEs.
        assertThat(r.deviceReadFaults(PLAT, TOP2, 4)).isTrue();
        assertThat(r.engine.iovaSync(PLAT, st, 0, 0x2000)).isZero();
        byte[] all = r.deviceRead(PLAT, TOP2, 0x2000);
        assertThat(all[0]).isEqualTo((byte) 0x0A);
        assertThat(all[0x1FFF]).isEqualTo((byte) 0x0B);
        assertThat(r.livePtes()).isEqualTo(2);
    }

    private static DmaIovaState linkedAndSynced(IommuRig r) {
        DmaIovaState st = new DmaIovaState();
        assertThat(r.engine.iovaTryAlloc(PLAT, st, 0x1_0000_0000L, 0x2000)).isTrue();
        assertThat(r.engine.iovaLink(PLAT, st, 0x1_0000_0000L, 0, 0x2000, Direction.BIDIRECTIONAL, 0)).isZero();
        assertThat(r.engine.iovaSync(PLAT, st, 0, 0x2000)).isZero();
        r.deviceRead(PLAT, st.addr(), 0x2000); // fills the IOTLB
        return st;
    }

    @Test
    void unlinkIsStrictEvenInALazyDomain() {
        IommuRig r = rig(IommuDomainType.DMA_FQ);
        DmaIovaState st = linkedAndSynced(r);
        r.engine.iovaUnlink(PLAT, st, 0, 0x1000, Direction.BIDIRECTIONAL, 0);
        assertThat(r.domain().pte(TOP2)).isEmpty();
        assertThat(r.domain().iotlbEntry(TOP2)).isEmpty();
        assertThat(r.deviceReadFaults(PLAT, TOP2, 4)).isTrue();
        assertThat(r.flushQueued()).isZero();
        // The reservation stays; the second granule stays linked.
        assertThat(r.iovaGranules()).isEqualTo(2);
        assertThat(r.livePtes()).isEqualTo(1);
        r.deviceRead(PLAT, TOP2 + K4, 4);
    }

    @Test
    void destroyInALazyDomainGoesThroughTheFlushQueue() {
        IommuRig r = rig(IommuDomainType.DMA_FQ);
        DmaIovaState st = linkedAndSynced(r);
        r.engine.iovaDestroy(PLAT, st, 0x2000, Direction.BIDIRECTIONAL, 0);
        assertThat(r.livePtes()).isZero();
        assertThat(r.flushQueued()).isEqualTo(2);
        assertThat(r.iovaGranules()).isEqualTo(2);
        r.deviceRead(PLAT, TOP2, 4); // stale IOTLB entry, until the flush
        r.engine.advanceClock(10);
        assertThat(r.iovaGranules()).isZero();
        assertThat(r.deviceReadFaults(PLAT, TOP2, 4)).isTrue();
    }

    @Test
    void destroyWithAShortMappedLenStillReleasesTheWholeReservation() {
        IommuRig r = rig(IommuDomainType.DMA_FQ);
        DmaIovaState st = new DmaIovaState();
        assertThat(r.engine.iovaTryAlloc(PLAT, st, 0x1_0000_0000L, 0x3000)).isTrue(); // 3 frames -> 4
        assertThat(r.engine.iovaLink(PLAT, st, 0x1_0000_0000L, 0, 0x1000, Direction.TO_DEVICE, 0)).isZero();
        // Linux sizes the queued free from mapped_len (§14.2 quirk 4); the whole node is queued here.
        r.engine.iovaDestroy(PLAT, st, 0x1000, Direction.TO_DEVICE, 0);
        assertThat(r.flushQueued()).isEqualTo(4);
        r.engine.advanceClock(10);
        assertThat(r.iovaGranules()).isZero();
    }

    @Test
    void strictDestroyAndFreeReleaseAtOnce() {
        IommuRig r = rig(IommuDomainType.DMA);
        DmaIovaState st = linkedAndSynced(r);
        r.engine.iovaDestroy(PLAT, st, 0x2000, Direction.BIDIRECTIONAL, 0);
        assertThat(r.iovaGranules()).isZero();
        assertThat(r.domain().iotlbEntry(TOP2)).isEmpty();
        DmaIovaState unused = new DmaIovaState();
        assertThat(r.engine.iovaTryAlloc(PLAT, unused, 0, 0x1000)).isTrue();
        r.engine.iovaDestroy(PLAT, unused, 0, Direction.TO_DEVICE, 0); // mapped_len 0 = dma_iova_free
        assertThat(r.iovaGranules()).isZero();
    }

    @Test
    void freeIsImmediateEvenInALazyDomainAndRefusedWhileLinksRemain() {
        IommuRig r = rig(IommuDomainType.DMA_FQ);
        DmaIovaState st = linkedAndSynced(r);
        r.engine.iovaFree(PLAT, st);
        assertThat(r.platform.kernelLog()).anyMatch(l -> l.contains("dma_iova_free") && l.contains("still linked"));
        assertThat(r.iovaGranules()).isEqualTo(2);
        r.deviceRead(PLAT, TOP2, 4);
        r.engine.iovaUnlink(PLAT, st, 0, 0x2000, Direction.BIDIRECTIONAL, 0);
        r.engine.iovaFree(PLAT, st);
        assertThat(r.iovaGranules()).isZero();
        assertThat(r.flushQueued()).isZero();
        assertThatThrownBy(() -> r.engine.iovaLink(PLAT, st, 0x1_0000_0000L, 0, 0x1000, Direction.TO_DEVICE, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a live dma_iova_try_alloc");
        assertThatThrownBy(() -> r.engine.iovaSync(NIC, linkedAndSynced(r), 0, 0x1000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0000:01:00.0");
    }

    @Test
    void mmioThatWouldNeedABounceIsEperm() {
        IommuRig r = new IommuRig(IommuRig.pciBuilder().domain(domain(IommuDomainType.DMA))
                .mmio(NIC.name(), 0xD000_0000L, 0x10_0000L, 0)
                .device(DeviceConfig.builder(NIC.name()).untrusted(true).iommuDomain(IommuRig.DOMAIN).build())
                .build());
        DmaIovaState st = new DmaIovaState();
        assertThat(r.engine.iovaTryAlloc(NIC, st, 0xD000_0010L, 0x100)).isTrue();
        assertThat(r.engine.iovaLink(NIC, st, 0xD000_0010L, 0, 0x100, Direction.BIDIRECTIONAL, DmaAttrs.MMIO))
                .isEqualTo(-Errno.EPERM);
        assertThat(r.livePtes()).isZero();
        assertThat(r.swiotlb.slotsUsed()).isZero();
    }

    @Test
    void untrustedLinkBouncesHeadAndTailWithZeroedPaddingAndUnlinkCopiesBack() {
        IommuRig r = IommuRig.of(domain(IommuDomainType.DMA), DeviceConfig.builder(NIC.name()),
                DeviceConfig.builder(PLAT.name()).untrusted(true).minAlignMask(0xFFF));
        long pool = r.platform.config().swiotlbPool().start();
        r.fill(pool, 0x1_0000, 0xAA);
        long buf = 0x1_0000_0F00L;
        r.fill(buf - 0xF00, 0x3000, 0x33); // the neighbours in the buffer's granules
        r.fill(buf, 0x1200, 0x5A);
        DmaIovaState st = new DmaIovaState();
        // alignG(0x1200 + 0xF00) = 0x3000: 3 frames -> 4 at the aperture top, frame 0xF_FFFF_FFFC.
        assertThat(r.engine.iovaTryAlloc(PLAT, st, buf, 0x1200)).isTrue();
        long base = 0xFFFF_FFFF_C000L;
        assertThat(st.addr()).isEqualTo(base + 0xF00);
        // Head: 0x100 bytes to the granule end, bounced keeping offset 0xF00 (min_align_mask 0xFFF);
        // middle: the granule at buf + 0x100 linked in place; tail: 0x100 bytes bounced. Each bounce
        // takes a granule of slots (2 slots).
        assertThat(r.engine.iovaLink(PLAT, st, buf, 0, 0x1200, Direction.BIDIRECTIONAL, 0)).isZero();
        assertThat(st.usesSwiotlb()).isTrue();
        assertThat(st.size()).isEqualTo(0x1200);
        assertThat(r.livePtes()).isEqualTo(3);
        assertThat(r.swiotlb.slotsUsed()).isEqualTo(4);
        assertThat(r.domain().pte(base + K4).orElseThrow().phys()).isEqualTo(0x1_0000_1000L);
        assertThat(r.swiotlb.isBounceSlot(r.domain().pte(base).orElseThrow().phys())).isTrue();
        assertThat(r.engine.iovaSync(PLAT, st, 0, 0x1200)).isZero();
        assertThat(r.deviceRead(PLAT, st.addr(), 0x1200)).containsOnly(0x5A);
        // Only zeros around the buffer: before it in the head granule, after it in the tail granule.
        assertThat(r.deviceRead(PLAT, base, 0xF00)).containsOnly(0);
        assertThat(r.deviceRead(PLAT, base + 0x2100, 0xF00)).containsOnly(0);

        assertThat(r.platform.dmaWrite(PLAT, st.addr(), IommuRig.bytes(0x1200, 0x99)).faulted()).isFalse();
        r.engine.iovaUnlink(PLAT, st, 0, 0x1200, Direction.BIDIRECTIONAL, 0);
        assertThat(r.platform.cpuRead(buf, 0x1200)).containsOnly(0x99);
        assertThat(r.platform.cpuRead(buf - 0xF00, 0xF00)).containsOnly(0x33);
        assertThat(r.platform.cpuRead(buf + 0x1200, 0xF00)).containsOnly(0x33);
        assertThat(r.swiotlb.slotsUsed()).isZero();
        assertThat(r.livePtes()).isZero();
        r.engine.iovaFree(PLAT, st);
        assertThat(r.iovaGranules()).isZero();
    }

    @Test
    void aFailedTailBounceUnlinksOnlyWhatThisLinkMappedFromItsOwnOffset() {
        // One 256 KiB segment of swiotlb, filled up by a 128-slot bounce.
        Platform p = IommuRig.pciBuilder().swiotlbPool(0x4000_0000L, 0x4_0000L).domain(domain(IommuDomainType.DMA))
                .device(DeviceConfig.builder(PLAT.name()).untrusted(true).iommuDomain(IommuRig.DOMAIN).build())
                .build();
        IommuRig r = new IommuRig(p);
        assertThat(r.engine.mapPhys(PLAT, 0x1_0010_0000L, 0x3_F001L, Direction.TO_DEVICE, 0)).isNotEqualTo(-1L);
        assertThat(r.swiotlb.slotsUsed()).isEqualTo(128);
        DmaIovaState st = new DmaIovaState();
        assertThat(r.engine.iovaTryAlloc(PLAT, st, 0x1_0000_0000L, 0x3000)).isTrue();
        assertThat(r.engine.iovaLink(PLAT, st, 0x1_0000_0000L, 0, 0x1000, Direction.TO_DEVICE, 0)).isZero();
        int before = r.platform.kernelLog().size();
        // Aligned start, unaligned size: the middle granule is linked at offset 0x1000, then the
        // 0x100-byte tail cannot be bounced. The unwind unlinks [0x1000, 0x2000) only — the original
        // code unlinked from offset 0 and tore down the first link (§14.2 quirk 3).
        assertThat(r.engine.iovaLink(PLAT, st, 0x1_0000_4000L, 0x1000, 0x1100, Direction.TO_DEVICE, 0))
                .isEqualTo(-Errno.ENOMEM);
        assertThat(r.domain().pte(st.addr())).isPresent();
        assertThat(r.domain().pte(st.addr() + K4)).isEmpty();
        // The first link's granule plus the single mapping's alignG(0x3F001) = 64 granules.
        assertThat(r.livePtes()).isEqualTo(1 + 64);
        assertThat(r.platform.kernelLog().subList(before, r.platform.kernelLog().size()))
                .allMatch(l -> l.contains("swiotlb buffer is full"));
    }
}
