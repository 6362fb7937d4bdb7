package org.dmacheck.prop;

import static org.dmacheck.gen.dma.DmaPath.BOUNCE;
import static org.dmacheck.gen.dma.DmaPath.DIRECT;
import static org.dmacheck.gen.dma.DmaPath.HOST_BRIDGE;
import static org.dmacheck.gen.dma.DmaPath.IOMMU_LAZY;
import static org.dmacheck.gen.dma.DmaPath.IOMMU_STRICT;
import static org.dmacheck.gen.dma.DmaPath.P2P_BUS_ADDRESS;
import static org.dmacheck.gen.dma.DmaPath.SG_MERGE;
import static org.dmacheck.gen.dma.DmaPath.SG_SPLIT_AT_BOUNDARY;
import static org.dmacheck.gen.dma.DmaPath.TWO_STEP;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dmacheck.gen.dma.DmaPath;
import org.dmacheck.gen.dma.DmaProfile;

/**
 * The properties, one per area of {@code DmaProfile.all()} plus the mixed one, with their tries
 * and the paths each must reach. A minimum is set well below the share the generators reach on the
 * reference engine (measured at 5000 tries), so only a generator (or an engine) that provably stops
 * reaching a path fails the build.
 */
final class AreaProperties {
    static final List<DmaProperty> ALL = List.of(
            property(DmaProfile.SINGLE_MAPS, 1.0, min(DIRECT, 10), min(BOUNCE, 3), min(IOMMU_STRICT, 10),
                    min(IOMMU_LAZY, 5)),
            property(DmaProfile.SG, 1.0, min(DIRECT, 5), min(IOMMU_STRICT, 10), min(SG_MERGE, 5),
                    min(SG_SPLIT_AT_BOUNDARY, 1)),
            property(DmaProfile.RESOURCE_P2P, 1.0, min(P2P_BUS_ADDRESS, 5), min(HOST_BRIDGE, 5)),
            property(DmaProfile.TWO_STEP, 1.0, min(TWO_STEP, 30)),
            property(DmaProfile.SWIOTLB_PRESSURE, 1.0, min(BOUNCE, 30)),
            property(DmaProfile.LAZY_FLUSH, 1.0, min(IOMMU_LAZY, 40)),
            property(DmaProfile.NONCOHERENT_SYNCS, 1.0, min(DIRECT, 10)),
            property(DmaProfile.MISUSE, 1.0, min(DIRECT, 5)),
            property(DmaProfile.MIXED, 1.0, min(DIRECT, 2), min(BOUNCE, 1), min(IOMMU_STRICT, 2), min(IOMMU_LAZY, 2),
                    min(P2P_BUS_ADDRESS, 1), min(HOST_BRIDGE, 1), min(TWO_STEP, 1), min(SG_MERGE, 1),
                    min(SG_SPLIT_AT_BOUNDARY, 0.5)));

    private AreaProperties() {
    }

    /** At least {@code percent}% of tries reach {@code path}. */
    private record Min(DmaPath path, double percent) {
    }

    private static Min min(DmaPath path, double percent) {
        return new Min(path, percent);
    }

    private static DmaProperty property(DmaProfile profile, double triesFactor, Min... mins) {
        Map<String, Double> coverage = new LinkedHashMap<>();
        for (Min m : mins) {
            coverage.put(m.path().label(), m.percent());
        }
        return new DmaProperty(profile, triesFactor, coverage);
    }
}
