package org.dmacheck.impl.iommu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dmacheck.impl.iommu.IommuRig.NIC;
import static org.dmacheck.impl.iommu.IommuRig.PLAT;

import java.util.List;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.DmaAttrs;
import org.dmacheck.spec.platform.DomainConfig;
import org.dmacheck.spec.platform.IommuDomainType;
import org.dmacheck.spec.platform.IommuPte;
import org.dmacheck.spec.platform.IommuProt;
import org.dmacheck.spec.platform.IovaRange;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.platform.Resolution;
import org.junit.jupiter.api.Test;

/** iommu_dma_map_phys / unmap_phys worked examples (§6.3–§6.7); IOVAs derived by hand. */
class IommuDmaMapTest {
    private static final long ERR = DmaEngine.DMA_MAPPING_ERROR;
    private static final long K4 = 0x1000;
    /** Last granule of the 48-bit aperture with 4 KiB granules: (2^48 - 1) & ~0xFFF. */
    private static final long TOP_4K = 0xFFFF_FFFF_F000L;

    private static DomainConfig strict4k() {
        return DomainConfig.of(IommuRig.DOMAIN, IommuDomainType.DMA, K4);
    }

    private static DomainConfig lazy4k() {
        return DomainConfig.of(IommuRig.DOMAIN, IommuDomainType.DMA_FQ, K4);
    }

    @Test
    void pciDeviceGetsAnIovaJustBelow4GibKeepingTheInGranuleOffset() {
        IommuRig r = IommuRig.of(strict4k());
        long phys = 0x1_2345_6234L;
        r.platform.cpuWrite(phys, IommuRig.bytes(0x100, 0x42));
        // off = 0x234; alignG(0x100 + 0x234) = one granule. 32-bit first for a PCI device with a
        // 64-bit mask: the highest free frame below 4 GiB is 0xFFFFF (the MSI window 0xFEExxxxx is
        // lower), so the IOVA is 0xFFFF_F000 + 0x234.
        long dma = r.engine.mapPhys(NIC, phys, 0x100, Direction.TO_DEVICE, 0);
        assertThat(dma).isEqualTo(0xFFFF_F234L);
        // The PTE maps the granule holding phys, readable only, cacheable for a coherent device.
        assertThat(r.domain().pte(dma)).contains(new IommuPte(0xFFFF_F000L, 0x1_2345_6000L,
                IommuProt.READ | IommuProt.CACHE, false));
        assertThat(r.deviceRead(NIC, dma, 0x100)).containsOnly(0x42);
        assertThat(r.iovaGranules()).isEqualTo(1);
        assertThat(r.livePtes()).isEqualTo(1);
        r.engine.unmapPhys(NIC, dma, 0x100, Direction.TO_DEVICE, 0);
        assertThat(r.iovaGranules()).isZero();
        assertThat(r.livePtes()).isZero();
        assertThat(r.domain().livePteCount()).isZero();
    }

    @Test
    void an32BitWindowThatIsFullMakesThePciDeviceFallBackAbove4GibForGood() {
        // Everything below 4 GiB except frames 0xFFFFE and 0xFFFFF is reserved.
        DomainConfig d = new DomainConfig(IommuRig.DOMAIN, IommuDomainType.DMA, K4, 0, IommuRig.APERTURE_END,
                List.of(new IovaRange(0x1000, 0xFFFF_DFFFL, "test: shrink the 32-bit window")));
        IommuRig r = IommuRig.of(d);
        long buf = 0x1_0000_0000L;
        long first = r.engine.mapPhys(NIC, buf, 0x100, Direction.TO_DEVICE, 0);
        long second = r.engine.mapPhys(NIC, buf, 0x100, Direction.TO_DEVICE, 0);
        assertThat(first).isEqualTo(0xFFFF_F000L);
        assertThat(second).isEqualTo(0xFFFF_E000L);
        // The 32-bit attempt fails: the workaround is dropped ("Using 48-bit DMA addresses": the
        // limit is the 48-bit aperture end) and the frame comes from the top of the aperture.
        long third = r.engine.mapPhys(NIC, buf, 0x100, Direction.TO_DEVICE, 0);
        assertThat(third).isEqualTo(TOP_4K);
        assertThat(r.platform.kernelLog()).contains("0000:01:00.0: Using 48-bit DMA addresses");
        // A 32-bit frame is free again, but the device no longer tries there.
        r.engine.unmapPhys(NIC, first, 0x100, Direction.TO_DEVICE, 0);
        long fourth = r.engine.mapPhys(NIC, buf, 0x100, Direction.TO_DEVICE, 0);
        assertThat(fourth).isEqualTo(TOP_4K - K4);
        assertThat(r.platform.kernelLog()).filteredOn(l -> l.contains("-bit DMA addresses")).hasSize(1);
    }

    @Test
    void aPlatformDeviceStartsAtTheTopOfTheAperture() {
        IommuRig r = IommuRig.of(strict4k());
        // Not PCI: no 32-bit-first attempt; 0x10 bytes at offset 0xABC fit in one granule.
        assertThat(r.engine.mapPhys(PLAT, 0x1_0000_0ABCL, 0x10, Direction.BIDIRECTIONAL, 0)).isEqualTo(TOP_4K + 0xABC);
    }

    @Test
    void aMappingWhoseAddressWouldBeDmaMappingErrorIsUndone() {
        // aperture [0, 2^64-1]: the platform device (no 32-bit-first attempt) gets the top frame,
        // IOVA 0xFFFF_FFFF_FFFF_F000. One byte at in-granule offset 0xFFF would be returned as
        // 0xFFFF_FFFF_FFFF_FFFF = DMA_MAPPING_ERROR: the engine unmaps and frees it instead of leaking it.
        DomainConfig d = new DomainConfig(IommuRig.DOMAIN, IommuDomainType.DMA, K4, 0, -1L, List.of());
        IommuRig r = IommuRig.of(d);
        assertThat(r.engine.mapPhys(PLAT, 0x1_0000_0FFFL, 1, Direction.TO_DEVICE, 0)).isEqualTo(ERR);
        assertThat(r.iovaGranules()).isZero();
        assertThat(r.livePtes()).isZero();
        assertThat(r.domain().livePteCount()).isZero();
        assertThat(r.platform.kernelLog()).last().asString().contains("would be DMA_MAPPING_ERROR");
        // two bytes at offset 0xFFE end at 2^64-1 but start at 0xFFFF_FFFF_FFFF_FFFE: a valid address
        assertThat(r.engine.mapPhys(PLAT, 0x1_0000_0FFEL, 2, Direction.TO_DEVICE, 0)).isEqualTo(0xFFFF_FFFF_FFFF_FFFEL);
        assertThat(r.iovaGranules()).isEqualTo(1);
    }

    @Test
    void theLastGranuleStaysBelowABusLimitThatIsNotGranuleAligned() {
        // bus_dma_limit 0x3FFF_F800: the frame 0x3FFFF would end at 0x3FFF_FFFF, above the limit
        // (Linux's limit >> shift would hand it out); the highest frame that fits is 0x3FFFE.
        IommuRig r = IommuRig.of(strict4k(), DeviceConfig.builder(NIC.name()),
                DeviceConfig.builder(PLAT.name()).busDmaLimit(0x3FFF_F800L));
        assertThat(r.engine.mapPhys(PLAT, 0x1_0000_0000L, 0x800, Direction.TO_DEVICE, 0)).isEqualTo(0x3FFF_E000L);
    }

    @Test
    void protectionFollowsDirectionCoherenceMmioAndPrivilege() {
        IommuRig r = new IommuRig(IommuRig.pciBuilder().domain(strict4k())
                .mmio(NIC.name(), 0xD000_0000L, 0x10_0000L, 0)
                .device(DeviceConfig.builder(NIC.name()).iommuDomain(IommuRig.DOMAIN).build())
                .device(DeviceConfig.builder(PLAT.name()).coherent(false).iommuDomain(IommuRig.DOMAIN).build())
                .build());
        long a = r.engine.mapPhys(NIC, 0x1_0000_0000L, 0x100, Direction.FROM_DEVICE, DmaAttrs.PRIVILEGED);
        assertThat(r.domain().pte(a).orElseThrow().prot()).isEqualTo(IommuProt.WRITE | IommuProt.CACHE | IommuProt.PRIV);
        long b = r.engine.mapPhys(NIC, 0xD000_0000L, 0x100, Direction.BIDIRECTIONAL, DmaAttrs.MMIO);
        assertThat(r.domain().pte(b).orElseThrow().prot()).isEqualTo(IommuProt.READ | IommuProt.WRITE | IommuProt.MMIO);
        long c = r.engine.mapPhys(PLAT, 0x1_0000_0000L, 0x100, Direction.TO_DEVICE, 0);
        assertThat(r.domain().pte(c).orElseThrow().prot()).isEqualTo(IommuProt.READ);
    }

    @Test
    void minAlignMaskWiderThanTheGranuleIsRefused() {
        IommuRig r = IommuRig.of(strict4k(), DeviceConfig.builder(NIC.name()).minAlignMask(0x1FFF),
                DeviceConfig.builder(PLAT.name()));
        assertThat(r.engine.mapPhys(NIC, 0x1_0000_0000L, 0x100, Direction.TO_DEVICE, 0)).isEqualTo(ERR);
        assertThat(r.platform.kernelLog()).anyMatch(l -> l.contains("Unsupported alignment constraint"));
        assertThat(r.iovaGranules()).isZero();
    }

    @Test
    void strictUnmapInvalidatesTheIotlbBeforeTheIovaIsReused() {
        IommuRig r = IommuRig.of(strict4k());
        long dma = r.engine.mapPhys(PLAT, 0x1_0000_0000L, 0x1000, Direction.TO_DEVICE, 0);
        r.deviceRead(PLAT, dma, 4); // caches the translation
        assertThat(r.domain().iotlbEntry(dma)).isPresent();
        r.engine.unmapPhys(PLAT, dma, 0x1000, Direction.TO_DEVICE, 0);
        assertThat(r.domain().iotlbEntry(dma)).isEmpty();
        assertThat(r.deviceReadFaults(PLAT, dma, 4)).isTrue();
        assertThat(r.engine.mapPhys(PLAT, 0x1_0000_2000L, 0x1000, Direction.TO_DEVICE, 0)).isEqualTo(dma);
    }

    @Test
    void lazyUnmapKeepsTheIovaBusyAndTheStaleIotlbEntryUsableUntilTheFlush() {
        IommuRig r = IommuRig.of(lazy4k());
        long old = 0x1_0000_0000L;
        r.platform.cpuWrite(old, new byte[] {1, 2, 3, 4});
        long x = r.engine.mapPhys(PLAT, old, 4, Direction.BIDIRECTIONAL, 0);
        assertThat(x).isEqualTo(TOP_4K);
        assertThat(r.deviceRead(PLAT, x, 4)).containsExactly(1, 2, 3, 4);
        r.engine.unmapPhys(PLAT, x, 4, Direction.BIDIRECTIONAL, 0);
        // PTE cleared at once, IOTLB not invalidated, IOVA queued.
        assertThat(r.domain().pte(x)).isEmpty();
        assertThat(r.livePtes()).isZero();
        assertThat(r.flushQueued()).isEqualTo(1);
        assertThat(r.iovaGranules()).isEqualTo(1);
        assertThat(r.platform.resolve(PLAT, x, false)).isInstanceOfSatisfying(Resolution.Reached.class,
                reached -> assertThat(reached.route()).isEqualTo(Resolution.Route.IOTLB));
        assertThat(r.deviceRead(PLAT, x, 4)).containsExactly(1, 2, 3, 4);
        // The queued IOVA is not handed out again: the next map gets the frame below.
        long y = r.engine.mapPhys(PLAT, 0x1_0000_5000L, 4, Direction.BIDIRECTIONAL, 0);
        assertThat(y).isEqualTo(TOP_4K - K4);
        // IOVA_FQ_TIMEOUT is 10 ms after the first enqueue.
        r.engine.advanceClock(9);
        assertThat(r.flushQueued()).isEqualTo(1);
        assertThat(r.deviceRead(PLAT, x, 4)).containsExactly(1, 2, 3, 4);
        r.engine.advanceClock(1);
        assertThat(r.flushQueued()).isZero();
        assertThat(r.iovaGranules()).isEqualTo(1);
        assertThat(r.domain().flushAllCount()).isEqualTo(1);
        assertThat(r.deviceReadFaults(PLAT, x, 4)).isTrue();
        assertThat(r.engine.mapPhys(PLAT, 0x1_0000_6000L, 4, Direction.BIDIRECTIONAL, 0)).isEqualTo(x);
    }

    @Test
    void aFullFlushQueueFlushesAndReleasesOnTheNextUnmap() {
        IommuRig r = IommuRig.of(lazy4k());
        // 256 ring slots with one kept empty: 255 entries wait without a flush.
        for (int i = 0; i < 255; i++) {
            long dma = r.engine.mapPhys(PLAT, 0x1_0000_0000L, 0x100, Direction.TO_DEVICE, 0);
            r.engine.unmapPhys(PLAT, dma, 0x100, Direction.TO_DEVICE, 0);
        }
        assertThat(r.flushQueued()).isEqualTo(255);
        assertThat(r.domain().flushAllCount()).isZero();
        long dma = r.engine.mapPhys(PLAT, 0x1_0000_0000L, 0x100, Direction.TO_DEVICE, 0);
        r.engine.unmapPhys(PLAT, dma, 0x100, Direction.TO_DEVICE, 0);
        // fq_full(): one flush, the 255 earlier entries released, the new one queued after it.
        assertThat(r.domain().flushAllCount()).isEqualTo(1);
        assertThat(r.flushQueued()).isEqualTo(1);
        assertThat(r.iovaGranules()).isEqualTo(1);
        r.engine.advanceClock(10);
        assertThat(r.flushQueued()).isZero();
        assertThat(r.iovaGranules()).isZero();
    }

    @Test
    void unmapOfAnAddressThatMapsNothingOnlyWarns() {
        IommuRig r = IommuRig.of(strict4k());
        long dma = r.engine.mapPhys(PLAT, 0x1_0000_0000L, 0x100, Direction.TO_DEVICE, 0);
        r.engine.unmapPhys(PLAT, 0x1234_5000L, 0x100, Direction.TO_DEVICE, 0);
        r.engine.unmapPhys(NIC, dma, 0x100, Direction.TO_DEVICE, 0); // another device's mapping
        assertThat(r.platform.kernelLog()).filteredOn(l -> l.contains("which it has not mapped")).hasSize(2);
        assertThat(r.livePtes()).isEqualTo(1);
        r.deviceRead(PLAT, dma, 0x100);
    }

    @Test
    void anUnmapWithTheWrongSizeReleasesExactlyItsOwnMapping() {
        IommuRig r = IommuRig.of(strict4k());
        long a = r.engine.mapPhys(PLAT, 0x1_0000_0000L, 0x1000, Direction.TO_DEVICE, 0);
        long b = r.engine.mapPhys(PLAT, 0x1_0000_4000L, 0x1000, Direction.TO_DEVICE, 0);
        assertThat(b).isEqualTo(a - K4);
        // Linux would clear [b, b + 0x2000): a's PTE too.
        r.engine.unmapPhys(PLAT, b, 0x2000, Direction.TO_DEVICE, 0);
        assertThat(r.platform.kernelLog()).anyMatch(l -> l.contains("unmapped with size 0x2000 but mapped with size 0x1000"));
        assertThat(r.domain().pte(a)).isPresent();
        assertThat(r.domain().pte(b)).isEmpty();
        assertThat(r.livePtes()).isEqualTo(1);
        assertThat(r.iovaGranules()).isEqualTo(1);
    }

    @Test
    void untrustedSubGranuleBufferExposesOnlyZeroedPaddingThroughA64KibGranule() {
        Platform p = IommuRig.pciBuilder().pageSize(0x1_0000)
                .domain(DomainConfig.of(IommuRig.DOMAIN, IommuDomainType.DMA, 0x1_0000))
                .device(DeviceConfig.builder(NIC.name()).iommuDomain(IommuRig.DOMAIN).build())
                .device(DeviceConfig.builder(PLAT.name()).untrusted(true).iommuDomain(IommuRig.DOMAIN).build())
                .build();
        IommuRig r = new IommuRig(p);
        long pool = p.config().swiotlbPool().start();
        r.fill(pool, 0x4_0000, 0xAA); // stale data in the first slots
        long buf = 0x1_0000_0C00L;
        r.fill(buf - 0xC00, 0x1_0000, 0x33); // neighbours of the buffer in its 64 KiB page
        r.fill(buf, 0x400, 0x5A);
        // off(buf | 0x400) != 0: bounced into a 64 KiB-aligned slot run (alloc_align_mask 0xFFFF,
        // min_align_mask 0 so no offset): the first slot of the pool. One granule mapped at the top
        // frame of the 48-bit aperture with 64 KiB granules: 0xFFFF_FFFF_0000.
        long dma = r.engine.mapPhys(PLAT, buf, 0x400, Direction.TO_DEVICE, 0);
        assertThat(dma).isEqualTo(0xFFFF_FFFF_0000L);
        assertThat(r.domain().pte(dma).orElseThrow().phys()).isEqualTo(pool);
        byte[] granule = r.deviceRead(PLAT, dma, 0x1_0000);
        for (int i = 0; i < granule.length; i++) {
            assertThat(granule[i]).as("byte %d of the granule", i).isEqualTo(i < 0x400 ? (byte) 0x5A : 0);
        }
        r.engine.unmapPhys(PLAT, dma, 0x400, Direction.TO_DEVICE, 0);
        assertThat(r.swiotlb.slotsUsed()).isZero();
        assertThat(r.livePtes()).isZero();
    }

    @Test
    void aNonCoherentUntrustedDeviceReadsZeroedPaddingFromMemory() {
        // the shrunk swiotlb-pressure report: memory of the first slot granule holds leftovers (0x25),
        // cleaned out of the CPU cache. A 1-byte bounce for a non-coherent untrusted device takes that
        // slot (fresh pool: slot 0, granule-aligned, no pre-padding) and zeroes the post-padding
        // [pool + 1, pool + 0x1000) with CPU stores. Linux cleans only the buffer
        // (arch_sync_dma_for_device(phys, size)), so the zeros would stay in the CPU cache and the
        // device would read 0x25 from memory; the engine cleans the padding too.
        IommuRig r = IommuRig.of(strict4k(), DeviceConfig.builder(NIC.name()),
                DeviceConfig.builder(PLAT.name()).untrusted(true).coherent(false));
        long pool = r.platform.config().swiotlbPool().start();
        r.fill(pool, 0x1000, 0x25);
        r.platform.archSyncForDevice(pool, 0x1000, Direction.TO_DEVICE);
        long buf = 0x1_0000_0100L;
        r.fill(buf, 1, 0x5A);
        long dma = r.engine.mapPhys(PLAT, buf, 1, Direction.BIDIRECTIONAL, 0);
        assertThat(r.domain().pte(dma).orElseThrow().phys()).isEqualTo(pool);
        byte[] granule = r.deviceRead(PLAT, dma & ~0xFFFL, 0x1000);
        assertThat(granule[0]).isEqualTo((byte) 0x5A);
        for (int i = 1; i < granule.length; i++) {
            assertThat(granule[i]).as("padding byte %d", i).isZero();
        }
    }

    @Test
    void example14UntrustedMinAlignBounceLeavesNoPteBehind() {
        IommuRig r = IommuRig.of(strict4k(), DeviceConfig.builder(NIC.name()),
                DeviceConfig.builder(PLAT.name()).untrusted(true).minAlignMask(0xFFF));
        long p = 0x1_0000_0400L;
        // Bounced with min_align_mask 0xFFF: the slot address keeps 0x400; its granule is mapped
        // once: alignG(0xC00 + 0x400) = 0x1000 (the bug mapped iova_align(size) + off: 2 granules).
        long dma = r.engine.mapPhys(PLAT, p, 0xC00, Direction.BIDIRECTIONAL, 0);
        assertThat(dma).isEqualTo(TOP_4K + 0x400);
        assertThat(r.livePtes()).isEqualTo(1);
        assertThat(r.swiotlb.slotsUsed()).isEqualTo(2); // round_up(0xC00 + 0x400, 4 KiB) = 2 slots
        r.engine.unmapPhys(PLAT, dma, 0xC00, Direction.BIDIRECTIONAL, 0);
        assertThat(r.domain().livePteCount()).isZero();
        assertThat(r.livePtes()).isZero();
        assertThat(r.swiotlb.slotsUsed()).isZero();
        assertThat(r.engine.mapPhys(PLAT, p, 0xC00, Direction.BIDIRECTIONAL, 0)).isEqualTo(dma);
        assertThat(r.platform.kernelLog()).noneMatch(l -> l.contains("overwrites live PTE"));
    }

    @Test
    void untrustedBounceCopiesBackWhatTheDeviceWrote() {
        IommuRig r = IommuRig.of(strict4k(), DeviceConfig.builder(NIC.name()),
                DeviceConfig.builder(PLAT.name()).untrusted(true));
        long buf = 0x1_0000_0100L;
        r.fill(buf, 0x200, 0x11);
        long dma = r.engine.mapPhys(PLAT, buf, 0x200, Direction.FROM_DEVICE, 0);
        assertThat(r.platform.dmaWrite(PLAT, dma, IommuRig.bytes(0x200, 0x77)).faulted()).isFalse();
        assertThat(r.platform.cpuRead(buf, 0x200)).containsOnly(0x11); // still in the bounce slot
        r.engine.unmapPhys(PLAT, dma, 0x200, Direction.FROM_DEVICE, 0);
        assertThat(r.platform.cpuRead(buf, 0x200)).containsOnly(0x77);
    }

    @Test
    void mmioThatWouldNeedABounceIsRefused() {
        IommuRig r = new IommuRig(IommuRig.pciBuilder().domain(strict4k())
                .mmio(NIC.name(), 0xD000_0000L, 0x10_0000L, 0)
                .device(DeviceConfig.builder(NIC.name()).untrusted(true).iommuDomain(IommuRig.DOMAIN).build())
                .build());
        assertThat(r.engine.mapPhys(NIC, 0xD000_0010L, 0x100, Direction.BIDIRECTIONAL, DmaAttrs.MMIO)).isEqualTo(ERR);
        assertThat(r.swiotlb.slotsUsed()).isZero();
        assertThat(r.iovaGranules()).isZero();
        // Granule-aligned MMIO exposes nothing else and is mapped in place.
        assertThat(r.engine.mapPhys(NIC, 0xD000_0000L, 0x1000, Direction.BIDIRECTIONAL, DmaAttrs.MMIO)).isNotEqualTo(ERR);
    }

    @Test
    void aBounceWhoseIovaAllocationFailsReleasesItsSlots() {
        // Every frame of the aperture is reserved: no IOVA can be allocated.
        DomainConfig d = new DomainConfig(IommuRig.DOMAIN, IommuDomainType.DMA, K4, 0, IommuRig.APERTURE_END,
                List.of(new IovaRange(0, IommuRig.APERTURE_END, "test: no IOVA space")));
        IommuRig r = IommuRig.of(d, DeviceConfig.builder(NIC.name()), DeviceConfig.builder(PLAT.name()).untrusted(true));
        assertThat(r.engine.mapPhys(PLAT, 0x1_0000_0100L, 0x100, Direction.TO_DEVICE, 0)).isEqualTo(ERR);
        assertThat(r.swiotlb.slotsUsed()).isZero();
        assertThat(r.livePtes()).isZero();
    }

    @Test
    void nonCoherentDevicesGetCacheMaintenanceUnlessSkipped() {
        IommuRig r = IommuRig.of(strict4k(), DeviceConfig.builder(NIC.name()),
                DeviceConfig.builder(PLAT.name()).coherent(false));
        long buf = 0x1_0000_0000L;
        r.fill(buf, 0x100, 0x21); // dirty in the CPU cache
        long skipped = r.engine.mapPhys(PLAT, buf, 0x100, Direction.TO_DEVICE, DmaAttrs.SKIP_CPU_SYNC);
        assertThat(r.deviceRead(PLAT, skipped, 0x100)).containsOnly(0); // memory still holds the old bytes
        long cleaned = r.engine.mapPhys(PLAT, buf, 0x100, Direction.TO_DEVICE, 0);
        assertThat(r.deviceRead(PLAT, cleaned, 0x100)).containsOnly(0x21);
        // Non-coherent: no IOMMU_CACHE.
        assertThat(r.domain().pte(cleaned).orElseThrow().prot()).isEqualTo(IommuProt.READ);

        long in = 0x1_0000_8000L;
        r.platform.cpuRead(in, 0x100); // the CPU caches the line
        long dma = r.engine.mapPhys(PLAT, in, 0x100, Direction.FROM_DEVICE, 0);
        assertThat(r.platform.dmaWrite(PLAT, dma, IommuRig.bytes(0x100, 0x55)).faulted()).isFalse();
        r.engine.syncSingleForCpu(PLAT, dma, 0x100, Direction.FROM_DEVICE);
        assertThat(r.platform.cpuRead(in, 0x100)).containsOnly(0x55);
        r.engine.unmapPhys(PLAT, dma, 0x100, Direction.FROM_DEVICE, 0);
    }

    @Test
    void singleSyncsMoveBounceDataBothWays() {
        IommuRig r = IommuRig.of(strict4k(), DeviceConfig.builder(NIC.name()),
                DeviceConfig.builder(PLAT.name()).untrusted(true));
        long buf = 0x1_0000_0100L;
        long dma = r.engine.mapPhys(PLAT, buf, 0x200, Direction.BIDIRECTIONAL, 0);
        assertThat(r.platform.dmaWrite(PLAT, dma + 0x10, IommuRig.bytes(0x10, 0x44)).faulted()).isFalse();
        // A partial sync inside the mapping copies exactly that piece back.
        r.engine.syncSingleForCpu(PLAT, dma + 0x10, 0x10, Direction.BIDIRECTIONAL);
        assertThat(r.platform.cpuRead(buf + 0x10, 0x10)).containsOnly(0x44);
        assertThat(r.platform.cpuRead(buf + 0x20, 0x10)).containsOnly(0);
        r.fill(buf + 0x100, 0x10, 0x66);
        r.engine.syncSingleForDevice(PLAT, dma + 0x100, 0x10, Direction.BIDIRECTIONAL);
        assertThat(r.deviceRead(PLAT, dma + 0x100, 0x10)).containsOnly(0x66);
        // A sync beyond the mapping's IOVA is refused.
        r.engine.syncSingleForCpu(PLAT, dma + 0x1000, 0x10, Direction.BIDIRECTIONAL);
        assertThat(r.platform.kernelLog()).anyMatch(l -> l.contains("not inside a live mapping"));
    }

    @Test
    void example25AnOversizedRequestInASmallApertureFailsInsteadOfWrappingBelowItsStart() {
        // Aperture [0x1_F000_0000, +10 MiB): start_pfn 0x1F0000, last frame 0x1F09FF.
        DomainConfig d = new DomainConfig(IommuRig.DOMAIN, IommuDomainType.DMA, K4, 0x1_F000_0000L,
                0x1_F000_0000L + (10L << 20) - 1, List.of());
        IommuRig r = IommuRig.of(d);
        assertThat(r.engine.mapPhys(PLAT, 0x1_0000_0000L, 11L << 20, Direction.TO_DEVICE, 0)).isEqualTo(ERR);
        assertThat(r.iovaGranules()).isZero();
        // 10 MiB = 2560 frames, aligned to 4096 frames: only 0x1F0000 fits, the aperture start.
        assertThat(r.engine.mapPhys(PLAT, 0x1_0000_0000L, 10L << 20, Direction.TO_DEVICE, 0)).isEqualTo(0x1_F000_0000L);
        assertThat(r.engine.mapPhys(PLAT, 0x1_0000_0000L, 0x1000, Direction.TO_DEVICE, 0)).isEqualTo(ERR);
    }
}
