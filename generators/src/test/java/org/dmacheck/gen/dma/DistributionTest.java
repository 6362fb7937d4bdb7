package org.dmacheck.gen.dma;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.dmacheck.spec.driver.Executed;
import org.dmacheck.spec.driver.OpResult;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.DeviceId;
import org.junit.jupiter.api.Test;

/**
 * Each profile, run on the reference engine, reaches the paths of its area in a fair share of its
 * runs (judged by {@link PathClassifier} from results, not from what the generator meant), and its
 * correct steps never make the engine throw.
 */
class DistributionTest {
    private static final int RUNS = 60;

    @Test
    void singleMapsReachEveryPathOfASingleMapping() {
        assertReaches(DmaProfile.SINGLE_MAPS, DmaPath.DIRECT, DmaPath.BOUNCE, DmaPath.IOMMU_STRICT, DmaPath.IOMMU_LAZY);
    }

    @Test
    void scatterlistsMergeAndSplitAtBoundaries() {
        assertReaches(DmaProfile.SG, DmaPath.SG_MERGE, DmaPath.SG_SPLIT_AT_BOUNDARY, DmaPath.P2P_BUS_ADDRESS,
                DmaPath.IOMMU_STRICT, DmaPath.IOMMU_LAZY, DmaPath.BOUNCE);
    }

    @Test
    void resourceAndP2pReachBusAddressesHostBridgesAndRefusals() {
        assertReaches(DmaProfile.RESOURCE_P2P, DmaPath.P2P_BUS_ADDRESS, DmaPath.HOST_BRIDGE, DmaPath.P2P_REFUSED,
                DmaPath.DIRECT);
    }

    @Test
    void twoStepSequencesAllocateAndLink() {
        assertReaches(DmaProfile.TWO_STEP, DmaPath.TWO_STEP, DmaPath.IOMMU_STRICT, DmaPath.IOMMU_LAZY);
    }

    @Test
    void swiotlbPressureBouncesAndRunsOutOfSlots() {
        assertReaches(DmaProfile.SWIOTLB_PRESSURE, DmaPath.BOUNCE, DmaPath.MAP_FAILED);
    }

    @Test
    void lazyFlushPassesTheFlushQueueTimeout() {
        assertReaches(DmaProfile.LAZY_FLUSH, DmaPath.IOMMU_LAZY, DmaPath.FLUSH_TIMEOUT);
    }

    @Test
    void nonCoherentSyncsMapForNonCoherentDevices() {
        int syncs = 0;
        for (long seed = 0; seed < RUNS; seed++) {
            Runs.Run run = run(DmaProfile.NONCOHERENT_SYNCS, seed);
            Map<String, DeviceId> devices = new HashMap<>();
            for (Executed e : run.executed()) {
                if (e.op() instanceof Op.MapSingle m) {
                    devices.put(m.handle(), m.dev());
                }
                boolean sync = e.op() instanceof Op.SyncSingle s && !run.platform().device(devices.get(s.handle())).coherent();
                syncs += sync ? 1 : 0;
            }
        }
        assertThat(syncs).as("syncs of live mappings of non-coherent devices").isGreaterThan(RUNS);
    }

    @Test
    void mixedReachesEveryPath() {
        assertReaches(DmaProfile.MIXED, DmaPath.DIRECT, DmaPath.BOUNCE, DmaPath.IOMMU_STRICT, DmaPath.IOMMU_LAZY,
                DmaPath.P2P_BUS_ADDRESS, DmaPath.HOST_BRIDGE, DmaPath.TWO_STEP, DmaPath.SG_MERGE,
                DmaPath.SG_SPLIT_AT_BOUNDARY);
    }

    @Test
    void misuseIsFlaggedAndOnlyMisuseMakesTheEngineBug() {
        int misuse = 0;
        for (long seed = 0; seed < RUNS; seed++) {
            for (Executed e : run(DmaProfile.MISUSE, seed).executed()) {
                misuse += e.isMisuse() ? 1 : 0;
                if (e.result() instanceof OpResult.Threw t) {
                    assertThat(e.isMisuse()).as("%s threw %s", e.op(), t.exception()).isTrue();
                    assertThat(t.bugStyle()).as("%s threw %s", e.op(), t.exception()).isTrue();
                }
            }
        }
        assertThat(misuse).isGreaterThan(3 * RUNS);
    }

    private static Runs.Run run(DmaProfile profile, long seed) {
        return Runs.search(profile, seed);
    }

    /** Each path is reached in at least one run in twenty, and no correct step throws. */
    private static void assertReaches(DmaProfile profile, DmaPath... paths) {
        Map<DmaPath, Integer> runsWith = new EnumMap<>(DmaPath.class);
        for (long seed = 0; seed < RUNS; seed++) {
            Runs.Run run = run(profile, seed);
            Set<DmaPath> seen = EnumSet.noneOf(DmaPath.class);
            for (Executed e : run.executed()) {
                assertThat(e.result()).as("%s seed %d: %s", profile, seed, e.op()).isNotInstanceOf(OpResult.Threw.class);
                seen.addAll(PathClassifier.classify(run.platform(), e, run.driver()::binding));
            }
            seen.forEach(p -> runsWith.merge(p, 1, Integer::sum));
        }
        for (DmaPath p : paths) {
            assertThat(runsWith.getOrDefault(p, 0)).as("%s: runs reaching %s of %d (%s)", profile, p, RUNS, runsWith)
                    .isGreaterThanOrEqualTo(RUNS / 20);
        }
    }
}
