package org.dmacheck.gen.dma;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.Random;
import org.dmacheck.gen.ChoiceSequence;
import org.dmacheck.gen.ChoiceStream;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.HostBridge;
import org.dmacheck.spec.platform.MemoryRegion;
import org.dmacheck.spec.platform.PciNode;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.platform.PlatformConfig;
import org.dmacheck.spec.platform.Unsigned;
import org.junit.jupiter.api.Test;

class PlatformGenTest {
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    @Test
    void theEmptyChoiceListGivesTheSimplestPlatform() {
        PlatformConfig c = DmaGens.platforms(DmaProfile.MIXED).generate(ChoiceStream.replaying(ChoiceSequence.empty()));

        assertThat(c.pageSize()).isEqualTo(4096);
        assertThat(c.x86MsiWindow()).isTrue();
        assertThat(c.physAddressBits()).isEqualTo(52);
        assertThat(c.hostBridges()).containsExactly(new HostBridge("pci0000", false, false));
        assertThat(c.pciNodes()).containsExactly(
                new PciNode("0000:00:01.0", PciNode.Kind.ROOT_PORT, "pci0000", false),
                new PciNode("0000:01:00.0", PciNode.Kind.ENDPOINT, "0000:00:01.0", false));
        // Linux's defaults: DMA_BIT_MASK(64), no limit, identity map, SZ_64K segments, no IOMMU
        assertThat(c.devices()).containsExactly(DeviceConfig.builder("0000:01:00.0").build());
        assertThat(c.domains()).isEmpty();
        // PlatformBuilder's default x86 layout: 64 MiB of swiotlb at 1 GiB, RAM around it and above 4 GiB
        assertThat(c.regions()).containsExactlyInAnyOrder(
                MemoryRegion.ram(MIB, GIB - MIB),
                MemoryRegion.swiotlb(GIB, 64 * MIB),
                MemoryRegion.ram(0x4400_0000L, 0xC000_0000L - 0x4400_0000L),
                MemoryRegion.ram(4 * GIB, 256 * GIB - 4 * GIB));
        assertThat(c.cpuSupportsP2p()).isFalse();
        assertThat(c.forceDac()).isFalse();
        assertThat(c.swiotlbAreas()).isEqualTo(1);
    }

    @Test
    void everyChoiceListGivesAPlatformThatBuilds() {
        Random r = new Random(42);
        for (int i = 0; i < 1000; i++) {
            ChoiceSequence choices = Runs.randomChoices(r, r.nextInt(400));
            DmaProfile profile = DmaProfile.all().get(i % DmaProfile.all().size());
            PlatformConfig c = DmaGens.platforms(profile).generate(ChoiceStream.replaying(choices));
            assertThatCode(() -> Platform.build(c)).as("choices %s", choices).doesNotThrowAnyException();
        }
    }

    @Test
    void searchedPlatformsBuildAndHaveADevice() {
        for (DmaProfile profile : DmaProfile.all()) {
            for (long seed = 0; seed < 100; seed++) {
                PlatformConfig c = DmaGens.platforms(profile).generate(ChoiceStream.searching(seed));
                assertThatCode(() -> Platform.build(c)).as("%s seed %d", profile, seed).doesNotThrowAnyException();
                assertThat(c.devices()).isNotEmpty();
            }
        }
    }

    @Test
    void ramAroundADeviceLimitLetsABufferEndAtItAndCrossIt() {
        // A 40-bit mask ends at 1 TiB - 1, far above RAM (256 GiB): the generator adds RAM around it.
        for (long seed = 0; seed < 2000; seed++) {
            PlatformConfig c = DmaGens.platforms(DmaProfile.MIXED).generate(ChoiceStream.searching(seed));
            for (DeviceConfig d : c.devices()) {
                long limit = d.streamingLimit();
                if (limit == Unsigned.bitMask(40)) {
                    Platform p = Platform.build(c);
                    assertThat(p.regionOf(limit)).isNotNull();
                    assertThat(p.regionOf(limit + 1)).isNotNull();
                    return;
                }
            }
        }
        throw new AssertionError("no 40-bit device in 2000 platforms");
    }
}
