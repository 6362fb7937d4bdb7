package org.dmacheck.spec.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import org.junit.jupiter.api.Test;

/** An impossible platform is refused at build time with one line naming the field and the value. */
class PlatformValidationTest {
    private static void refused(PlatformBuilder b, String... fragments) {
        assertThatIllegalArgumentException().isThrownBy(b::build)
                .satisfies(e -> {
                    assertThat(e.getMessage()).doesNotContain("\n");
                    assertThat(e.getMessage()).contains(fragments);
                });
    }

    @Test
    void theDefaultLayoutBuilds() {
        Platform p = Platform.builder().build();
        assertThat(p.config().regions()).hasSize(4);
        assertThat(p.config().swiotlbPool()).isEqualTo(PlatformBuilder.DEFAULT_SWIOTLB);
        assertThat(p.regionOf(0xFFFFF)).isNull();
        assertThat(p.regionOf(0x10_0000).kind()).isEqualTo(RegionKind.SYSTEM_RAM);
        assertThat(p.regionOf(0x43FF_FFFFL).kind()).isEqualTo(RegionKind.SWIOTLB);
        assertThat(p.regionOf(0xC000_0000L)).isNull();
    }

    @Test
    void granuleNotAPowerOfTwo() {
        assertThatIllegalArgumentException().isThrownBy(() -> DomainConfig.of("d", IommuDomainType.DMA, 0x3000))
                .withMessageContaining("granule 0x3000");
    }

    @Test
    void granuleAbovePageSize() {
        refused(Platform.builder().domain("d", IommuDomainType.DMA, 0x10000), "granule 0x10000", "PAGE_SIZE 0x1000");
    }

    @Test
    void pageSizeNotSupported() {
        refused(Platform.builder().pageSize(8192), "pageSize 0x2000");
    }

    @Test
    void overlappingRegionsNameBoth() {
        refused(Platform.builder().ram(0x4300_0000L, 0x0200_0000L), "overlap", "SWIOTLB[0x40000000-0x43ffffff]",
                "SYSTEM_RAM[0x43000000-0x44ffffff]");
    }

    @Test
    void zeroMask() {
        assertThatIllegalArgumentException().isThrownBy(() -> DeviceConfig.builder("d").masks(0).build())
                .withMessageContaining("dma_mask must not be 0");
    }

    @Test
    void barOutsideTheAddressSpace() {
        refused(Platform.builder().hostBridge("hb", false).endpoint("0000:00:03.0", "hb")
                .p2pBar("0000:00:03.0", 1L << 52, 0x1000, 0), "52-bit", "0x10000000000000");
    }

    @Test
    void barOwnerMustBeAnEndpoint() {
        refused(Platform.builder().p2pBar("0000:09:00.0", 0xE000_0000L, 0x1000, 0), "provider 0000:09:00.0");
    }

    @Test
    void deviceListedTwice() {
        refused(Platform.builder().device(DeviceConfig.builder("d").build()).device(DeviceConfig.builder("d").build()),
                "devices", "d is listed twice");
    }

    @Test
    void deviceOnAnUnknownDomain() {
        refused(Platform.builder().device(DeviceConfig.builder("d").iommuDomain("nope").build()), "unknown IOMMU domain nope");
    }

    @Test
    void pciNodeWithUnknownParent() {
        refused(Platform.builder().endpoint("0000:01:00.0", "0000:00:01.0"), "0000:01:00.0", "unknown parent 0000:00:01.0");
    }

    @Test
    void pciCycle() {
        refused(Platform.builder().hostBridge("hb", false)
                .switchUpstream("0000:02:00.0", "0000:03:00.0")
                .switchDownstream("0000:03:00.0", "0000:02:00.0", false), "cycle");
    }

    @Test
    void swiotlbPoolNotWholeSegments() {
        refused(Platform.builder().swiotlbPool(0x4000_0000L, 0x1000), "swiotlb pool size 0x1000");
    }

    @Test
    void ramAtAddressZero() {
        refused(Platform.builder().ram(0, 0x1000), "physical address 0");
    }

    @Test
    void busWindowsMustNotOverlap() {
        refused(Platform.builder().hostBridge("hb", false).endpoint("0000:00:03.0", "hb").endpoint("0000:00:04.0", "hb")
                .p2pBar("0000:00:03.0", 0xE000_0000L, 0x2000, 0)
                .p2pBar("0000:00:04.0", 0xE100_0000L, 0x2000, -0x100_0000L), "bus windows", "overlap");
    }

    @Test
    void aBuiltConfigRoundTripsThroughBuild() {
        PlatformConfig c = Platform.builder().domain(new DomainConfig("d", IommuDomainType.DMA, 4096, 0, -1L, List.of()))
                .config();
        assertThat(Platform.build(c).config()).isEqualTo(c);
    }
}
