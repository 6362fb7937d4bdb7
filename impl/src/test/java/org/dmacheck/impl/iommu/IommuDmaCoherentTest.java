package org.dmacheck.impl.iommu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dmacheck.impl.iommu.IommuRig.NIC;
import static org.dmacheck.impl.iommu.IommuRig.PLAT;

import org.dmacheck.spec.api.CoherentBuffer;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DomainConfig;
import org.dmacheck.spec.platform.IommuDomainType;
import org.dmacheck.spec.platform.IommuProt;
import org.junit.jupiter.api.Test;

/** iommu_dma_alloc / iommu_dma_free worked examples. */
class IommuDmaCoherentTest {
    private static IommuRig rig(IommuDomainType type) {
        // Streaming mask 64-bit, coherent mask 32-bit: the allocation's IOVA must sit below 4 GiB.
        return IommuRig.of(DomainConfig.of(IommuRig.DOMAIN, type, 0x1000), DeviceConfig.builder(NIC.name()),
                DeviceConfig.builder(PLAT.name()).coherentMask(0xFFFF_FFFFL));
    }

    @Test
    void allocationIsMappedReadWriteBelowTheCoherentMask() {
        IommuRig r = rig(IommuDomainType.DMA);
        // 0x1800 bytes: alignG = 0x2000, 2 frames, 2-aligned, limit 0xFFFF_FFFF: frame 0xFFFFE.
        CoherentBuffer buf = r.engine.allocCoherent(PLAT, 0x1800, 0);
        assertThat(buf).isNotNull();
        assertThat(buf.dmaAddr()).isEqualTo(0xFFFF_E000L);
        assertThat(buf.size()).isEqualTo(0x1800);
        assertThat(r.domain().pte(buf.dmaAddr()).orElseThrow().prot())
                .isEqualTo(IommuProt.READ | IommuProt.WRITE | IommuProt.CACHE);
        assertThat(r.domain().pte(buf.dmaAddr()).orElseThrow().phys()).isEqualTo(buf.cpuPhys());
        assertThat(r.deviceRead(PLAT, buf.dmaAddr(), 0x1800)).containsOnly(0);
        assertThat(r.engine.coherentBytes()).isEqualTo(0x1800);
        r.engine.freeCoherent(PLAT, buf, 0);
        assertThat(r.engine.coherentBytes()).isZero();
        assertThat(r.livePtes()).isZero();
        assertThat(r.iovaGranules()).isZero();
        assertThat(r.platform.buffers().isAllocated(buf.cpuPhys())).isFalse();
    }

    @Test
    void freeInALazyDomainQueuesTheIova() {
        IommuRig r = rig(IommuDomainType.DMA_FQ);
        CoherentBuffer buf = r.engine.allocCoherent(PLAT, 0x1000, 0);
        r.engine.freeCoherent(PLAT, buf, 0);
        assertThat(r.flushQueued()).isEqualTo(1);
        r.engine.advanceClock(10);
        assertThat(r.iovaGranules()).isZero();
    }

    @Test
    void freeingABufferThatIsNotLiveOnlyWarns() {
        IommuRig r = rig(IommuDomainType.DMA);
        CoherentBuffer buf = r.engine.allocCoherent(PLAT, 0x1000, 0);
        r.engine.freeCoherent(PLAT, new CoherentBuffer(buf.cpuPhys(), buf.dmaAddr(), 0x2000), 0);
        r.engine.freeCoherent(NIC, buf, 0);
        assertThat(r.platform.kernelLog()).filteredOn(l -> l.contains("not a live coherent allocation")).hasSize(2);
        assertThat(r.livePtes()).isEqualTo(1);
        assertThat(r.platform.buffers().isAllocated(buf.cpuPhys())).isTrue();
    }
}
