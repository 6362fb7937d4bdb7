package org.dmacheck.prop;

import static org.dmacheck.gen.dma.DmaPath.BOUNCE;
import static org.dmacheck.gen.dma.DmaPath.COHERENT;
import static org.dmacheck.gen.dma.DmaPath.DIRECT;
import static org.dmacheck.gen.dma.DmaPath.FLUSH_TIMEOUT;
import static org.dmacheck.gen.dma.DmaPath.HOST_BRIDGE;
import static org.dmacheck.gen.dma.DmaPath.IOMMU_LAZY;
import static org.dmacheck.gen.dma.DmaPath.IOMMU_STRICT;
import static org.dmacheck.gen.dma.DmaPath.MAP_FAILED;
import static org.dmacheck.gen.dma.DmaPath.P2P_BUS_ADDRESS;
import static org.dmacheck.gen.dma.DmaPath.P2P_REFUSED;
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
 * factor and the paths each must reach. Each minimum is about half the share the generators reached
 * on the reference engine (measured: {@code dmacheck run --tries 1000}, 2026-11-27, shown after
 * each), so a generator (or an engine) that stops reaching a path fails the build; the runner fails
 * a requirement only when the share is provably below it (99% confidence), so the default 200 base
 * tries do not fail by chance. A factor of 2 gives 400 tries each by default (about 1 s per
 * property on 2 cores); the mixed property, the cheapest per try and the one that mixes
 * everything, gets 3.
 */
final class AreaProperties {
    static final List<DmaProperty> ALL = List.of(
            property(DmaProfile.SINGLE_MAPS, 2, min(DIRECT, 27) /* 54.6 */, min(BOUNCE, 13) /* 27.3 */,
                    min(IOMMU_STRICT, 20) /* 40.9 */, min(IOMMU_LAZY, 21) /* 43.6 */, min(HOST_BRIDGE, 4) /* 7.8 */,
                    min(MAP_FAILED, 16) /* 33.2 */, min(FLUSH_TIMEOUT, 6) /* 12.0 */),
            property(DmaProfile.SG, 2, min(DIRECT, 18) /* 36.4 */, min(IOMMU_STRICT, 27) /* 54.5 */,
                    min(SG_MERGE, 18) /* 37.7 */, min(SG_SPLIT_AT_BOUNDARY, 12) /* 23.7 */, min(BOUNCE, 13) /* 27.2 */,
                    min(IOMMU_LAZY, 22) /* 45.1 */, min(P2P_BUS_ADDRESS, 12) /* 25.6 */, min(HOST_BRIDGE, 8) /* 16.3 */,
                    min(P2P_REFUSED, 14) /* 29.3 */),
            property(DmaProfile.RESOURCE_P2P, 2, min(P2P_BUS_ADDRESS, 18) /* 36.9 */, min(HOST_BRIDGE, 20) /* 41.9 */,
                    min(P2P_REFUSED, 20) /* 40.0 */, min(DIRECT, 25) /* 51.9 */, min(BOUNCE, 10) /* 19.6 */,
                    min(IOMMU_STRICT, 21) /* 43.3 */, min(IOMMU_LAZY, 20) /* 40.9 */, min(SG_MERGE, 4) /* 8.3 */),
            property(DmaProfile.TWO_STEP, 2, min(TWO_STEP, 43) /* 86.4 */, min(IOMMU_STRICT, 29) /* 58.8 */,
                    min(IOMMU_LAZY, 27) /* 55.1 */, min(DIRECT, 4) /* 9.3 */, min(FLUSH_TIMEOUT, 8) /* 17.7 */),
            property(DmaProfile.SWIOTLB_PRESSURE, 2, min(BOUNCE, 32) /* 63.8 */, min(MAP_FAILED, 35) /* 70.2 */,
                    min(DIRECT, 30) /* 59.6 */, min(IOMMU_STRICT, 19) /* 38.8 */, min(IOMMU_LAZY, 10) /* 21.1 */),
            property(DmaProfile.LAZY_FLUSH, 2, min(IOMMU_LAZY, 42) /* 84.0 */, min(FLUSH_TIMEOUT, 31) /* 62.1 */,
                    min(TWO_STEP, 22) /* 44.6 */, min(BOUNCE, 12) /* 24.3 */, min(IOMMU_STRICT, 11) /* 21.9 */,
                    min(SG_MERGE, 7) /* 14.2 */, min(HOST_BRIDGE, 5) /* 10.8 */),
            property(DmaProfile.NONCOHERENT_SYNCS, 2, min(DIRECT, 28) /* 56.1 */, min(BOUNCE, 13) /* 25.6 */,
                    min(IOMMU_STRICT, 22) /* 43.8 */, min(IOMMU_LAZY, 19) /* 38.2 */, min(COHERENT, 20) /* 41.4 */),
            property(DmaProfile.MISUSE, 2, min(DIRECT, 29) /* 58.1 */, min(BOUNCE, 15) /* 30.5 */,
                    min(IOMMU_STRICT, 21) /* 41.7 */, min(IOMMU_LAZY, 20) /* 40.0 */, min(HOST_BRIDGE, 6) /* 12.2 */,
                    min(SG_MERGE, 7) /* 14.2 */),
            property(DmaProfile.MIXED, 3, min(DIRECT, 29) /* 57.5 */, min(BOUNCE, 13) /* 25.8 */,
                    min(IOMMU_STRICT, 22) /* 43.8 */, min(IOMMU_LAZY, 21) /* 41.5 */, min(P2P_BUS_ADDRESS, 10) /* 19.8 */,
                    min(HOST_BRIDGE, 7) /* 14.2 */, min(TWO_STEP, 21) /* 41.6 */, min(SG_MERGE, 8) /* 15.7 */,
                    min(SG_SPLIT_AT_BOUNDARY, 6) /* 11.5 */, min(COHERENT, 14) /* 29.0 */));

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
