package org.dmacheck.prop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.dmacheck.spec.api.Engines;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.driver.Driver;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.IommuDomainType;
import org.dmacheck.spec.platform.Platform;
import org.junit.jupiter.api.Test;

/** Path labels come from where the device's addresses lead after the call, on the reference engine. */
class PathLabelsTest {
    private static Set<String> labelsOf(Platform platform, Op... ops) {
        Driver driver = new Driver(platform, Engines.find("reference").create(platform));
        PathLabels labels = new PathLabels(platform);
        for (Op op : ops) {
            labels.observe(driver.execute(op));
        }
        return labels.labels();
    }

    @Test
    void aForcedBounceOnDmaDirectIsDirectAndBounce() {
        // swiotlb=force: the DMA address is a slot in the default pool at 1 GiB, not the buffer
        Platform p = Platform.builder().device(DeviceConfig.builder("dev0").forceBounce(true).build()).build();
        assertThat(labelsOf(p, new Op.MapSingle("m", DeviceId.of("dev0"), Op.MapKind.PHYS, 0x200000, 0x1000,
                Direction.TO_DEVICE, 0))).containsExactly(PathLabels.DIRECT, PathLabels.BOUNCE);
    }

    @Test
    void aMapThroughAStrictDomainIsIommuStrictAndNoBounce() {
        Platform p = Platform.builder().domain("d0", IommuDomainType.DMA, 0x1000)
                .device(DeviceConfig.builder("dev0").iommuDomain("d0").build()).build();
        assertThat(labelsOf(p, new Op.MapSingle("m", DeviceId.of("dev0"), Op.MapKind.PHYS, 0x200000, 0x1000,
                Direction.FROM_DEVICE, 0))).containsExactly(PathLabels.IOMMU_STRICT);
    }

    @Test
    void twoGranuleAlignedEntriesMergeInALazyDomain() {
        // __finalise_sg: entry 2 starts at offset 0 of a granule and entry 1 ends on one; 8 KiB <= 64 KiB
        Platform p = Platform.builder().domain("d0", IommuDomainType.DMA_FQ, 0x1000)
                .device(DeviceConfig.builder("dev0").iommuDomain("d0").build()).build();
        assertThat(labelsOf(p, new Op.MapSg("s", DeviceId.of("dev0"), List.of(new Scatterlist.Chunk(0x200000, 0x1000),
                new Scatterlist.Chunk(0x300000, 0x1000)), Direction.TO_DEVICE, 0)))
                .containsExactly(PathLabels.IOMMU_LAZY, PathLabels.SG_MERGE);
    }

    @Test
    void aSuccessfulLinkIsTwoStep() {
        Platform p = Platform.builder().domain("d0", IommuDomainType.DMA, 0x1000)
                .device(DeviceConfig.builder("dev0").iommuDomain("d0").build()).build();
        assertThat(labelsOf(p, new Op.IovaTryAlloc("st", DeviceId.of("dev0"), 0x200000, 0x2000),
                new Op.IovaLink("st", 0x200000, 0, 0x2000, Direction.TO_DEVICE, 0)))
                .containsExactly(PathLabels.TWO_STEP);
    }
}
