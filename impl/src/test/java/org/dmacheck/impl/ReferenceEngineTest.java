package org.dmacheck.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.dmacheck.spec.api.CoherentBuffer;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.api.DmaIovaState;
import org.dmacheck.spec.api.Engines;
import org.dmacheck.spec.api.Errno;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.DmaRange;
import org.dmacheck.spec.platform.IommuDomainType;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.platform.Unsigned;
import org.junit.jupiter.api.Test;

/** The dispatcher: argument checks, backend choice, two-step calls off dma-iommu, coherent bookkeeping. */
class ReferenceEngineTest {
    private static final DeviceId DEV = DeviceId.of("dev");

    private static Platform plain() {
        return Platform.builder().device(DeviceConfig.builder("dev").build()).build();
    }

    @Test
    void theProviderIsFoundByName() {
        assertThat(Engines.find("reference").create(plain())).isInstanceOf(ReferenceEngine.class);
        assertThat(Engines.find("reference").description()).isNotBlank();
    }

    @Test
    void dmaNoneIsRefusedByEveryEntryPoint() {
        Platform p = plain();
        DmaEngine e = new ReferenceEngine(p);
        long buf = p.buffers().allocate(64);
        assertThatThrownBy(() -> e.mapPhys(DEV, buf, 64, Direction.NONE, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dir: DMA_NONE is not a valid DMA direction for dma_map_phys");
        assertThatThrownBy(() -> e.unmapPhys(DEV, buf, 64, Direction.NONE, 0))
                .hasMessageContaining("dma_unmap_phys");
        assertThatThrownBy(() -> e.syncSingleForCpu(DEV, buf, 64, null))
                .hasMessage("dir: null is not a valid DMA direction for dma_sync_single_for_cpu");
        assertThatThrownBy(() -> e.mapSg(DEV, Scatterlist.of(buf, 64), 1, Direction.NONE, 0))
                .hasMessageContaining("dma_map_sg");
        assertThat(e.usage().swiotlbSlots()).isZero();
    }

    @Test
    void anUnknownDeviceIsNamed() {
        Platform p = plain();
        DmaEngine e = new ReferenceEngine(p);
        long buf = p.buffers().allocate(64);
        assertThatThrownBy(() -> e.mapPhys(DeviceId.of("ghost"), buf, 64, Direction.TO_DEVICE, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ghost");
    }

    @Test
    void nentsOutsideTheListIsRefusedAndZeroEntriesIsEio() {
        Platform p = plain();
        DmaEngine e = new ReferenceEngine(p);
        Scatterlist sgl = Scatterlist.of(p.buffers().allocate(64), 64);
        assertThatThrownBy(() -> e.mapSg(DEV, sgl, 2, Direction.TO_DEVICE, 0))
                .hasMessage("nents: 2 is outside 0..1 (the scatterlist's entries) for dma_map_sg");
        // __dma_map_sg_attrs: a 0 from the backend is not a valid code; WARN and -EIO
        assertThat(e.mapSg(DEV, sgl, 0, Direction.TO_DEVICE, 0)).isEqualTo(-Errno.EIO);
        assertThat(p.kernelLog()).singleElement().asString().contains("-EIO");
    }

    @Test
    void tryAllocIsFalseWithAZeroedStateOffDmaIommu() {
        Platform p = Platform.builder().domain("pt", IommuDomainType.IDENTITY, 4096)
                .device(DeviceConfig.builder("dev").build())
                .device(DeviceConfig.builder("ident").iommuDomain("pt").build()).build();
        DmaEngine e = new ReferenceEngine(p);
        long buf = p.buffers().allocate(8192);
        for (DeviceId d : List.of(DEV, DeviceId.of("ident"))) {
            DmaIovaState s = new DmaIovaState();
            s.set(0x1234_5000L, 0x2000);
            assertThat(e.iovaTryAlloc(d, s, buf, 8192)).isFalse();
            assertThat(s.addr()).isZero();
            assertThat(s.rawSize()).isZero();
            assertThatThrownBy(() -> e.iovaLink(d, s, buf, 0, 8192, Direction.TO_DEVICE, 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not on dma-iommu");
        }
        // an identity domain is dma-direct: the buffer is its own DMA address
        assertThat(e.mapPhys(DeviceId.of("ident"), buf, 8192, Direction.TO_DEVICE, 0)).isEqualTo(buf);
    }

    @Test
    void coherentAllocationsAreTranslatedBelowTheCoherentLimitAndCounted() {
        // CPU [4 GiB, 8 GiB) is DMA [0, 4 GiB); coherent mask 32 bits: the pages must come from that window
        DmaRange w = new DmaRange(0x1_0000_0000L, 0, 0x1_0000_0000L);
        Platform p = Platform.builder().device(DeviceConfig.builder("dev").coherentMask(Unsigned.bitMask(32))
                .rangeMap(List.of(w)).build()).build();
        DmaEngine e = new ReferenceEngine(p);
        CoherentBuffer b = e.allocCoherent(DEV, 0x1800, 0);
        assertThat(b).isNotNull();
        assertThat(b.size()).isEqualTo(0x1800);
        // two pages, the highest that end at or below the window's CPU limit 0x1_FFFF_FFFF (the
        // platform allocates from the top); DMA = phys - 4 GiB
        assertThat(b.cpuPhys()).isEqualTo(0x1_FFFF_E000L);
        assertThat(b.dmaAddr()).isEqualTo(0xFFFF_E000L);
        assertThat(p.cpuRead(b.cpuPhys(), 0x1800)).containsOnly(0);
        assertThat(e.usage().coherentBytes()).isEqualTo(0x1800);

        // a free with the wrong size is refused, a double free too
        e.freeCoherent(DEV, new CoherentBuffer(b.cpuPhys(), b.dmaAddr(), 0x1000), 0);
        assertThat(e.usage().coherentBytes()).isEqualTo(0x1800);
        e.freeCoherent(DEV, b, 0);
        e.freeCoherent(DEV, b, 0);
        assertThat(e.usage().coherentBytes()).isZero();
        assertThat(p.kernelLog()).hasSize(2).allMatch(l -> l.endsWith("ignored"));
        assertThat(p.buffers().allocationCount()).isZero();
    }

    @Test
    void aCoherentAllocationThatCannotFitIsNull() {
        // the only window is DMA [0x1_0000_0000, ...): nothing is below a 32-bit coherent mask
        Platform p = Platform.builder().device(DeviceConfig.builder("dev").coherentMask(Unsigned.bitMask(32))
                .rangeMap(List.of(new DmaRange(0x1_0000_0000L, 0x1_0000_0000L, 0x1_0000_0000L))).build()).build();
        DmaEngine e = new ReferenceEngine(p);
        assertThat(e.allocCoherent(DEV, 4096, 0)).isNull();
        assertThat(e.usage().coherentBytes()).isZero();
    }
}
