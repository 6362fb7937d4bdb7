package org.dmacheck.spec.invariant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dmacheck.spec.invariant.Platforms.BUF;
import static org.dmacheck.spec.invariant.Platforms.BUF2;
import static org.dmacheck.spec.invariant.Platforms.DEV;

import java.util.List;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.IommuProt;
import org.dmacheck.spec.testengine.ToyEngine;
import org.junit.jupiter.api.Test;

class BalanceTest {
    private static final Op MAP = new Op.MapSingle("m1", DEV, Op.MapKind.PHYS, BUF, 0x2000, Direction.TO_DEVICE, 0);
    private static final Op UNMAP = new Op.UnmapSingle("m1", Op.MapKind.PHYS, 0, 0x2000, Direction.TO_DEVICE, 0);

    @Test
    void anUnmapThatLeavesAPteFires() {
        Scenario s = new Scenario(Platforms.strict(), pl -> {
            ToyEngine t = new ToyEngine(pl);
            t.unmapGranuleDelta = -1; // 0x2000 mapped as two 4 KiB PTEs, only the first cleared
            return t;
        }, new Balance());
        assertThat(s.run(MAP, UNMAP)).singleElement().hasToString(
                "DMA-API: 0000:01:00.0: unmap releases a different amount than its map took [handle=m1] "
                        + "[mapped at step=1] [ptes dom0=took 2, released 1] [step 2]");
        Checker.Teardown t = s.checker.teardown(1000);
        assertThat(t.violations()).singleElement().hasToString("DMA-API: resources not back at baseline after every "
                + "handle was released [ptes dom0=baseline 0, now 1] [step 3]");
    }

    @Test
    void resourcesMovingOnATickFire() {
        Scenario s = new Scenario(Platforms.strict(), pl -> new ToyEngine(pl) {
            @Override
            public void advanceClock(long millis) {
                pl.iommu(DEV).orElseThrow().map(0x7000_0000L, BUF2, 0x1000, IommuProt.READ); // a timer that maps
            }
        }, new Balance());
        assertThat(s.run(new Op.Tick(10))).singleElement().hasToString("DMA-API: resources change on a step that maps "
                + "and unmaps nothing [call=Tick] [ptes dom0=expected 0, changed by 1] [step 1]");
    }

    @Test
    void balancedLifecyclesHoldThroughTeardown() {
        Scenario s = new Scenario(Platforms.strict(), ToyEngine::new, new Balance());
        assertThat(s.run(MAP,
                new Op.MapSg("s1", DEV, List.of(new Scatterlist.Chunk(BUF2, 0x800), new Scatterlist.Chunk(BUF2 + 0x1800, 0x1000)),
                        Direction.FROM_DEVICE, 0),
                new Op.IovaTryAlloc("v1", DEV, BUF + 0x10000, 0x3000),
                new Op.IovaLink("v1", BUF + 0x10000, 0, 0x1000, Direction.TO_DEVICE, 0),
                new Op.IovaLink("v1", BUF + 0x20000, 0x1000, 0x1000, Direction.TO_DEVICE, 0),
                new Op.IovaSync("v1", 0, 0x2000),
                new Op.IovaUnlink("v1", 0x1000, 0x1000, Direction.TO_DEVICE, 0),
                new Op.AllocCoherent("c1", DEV, 0x1800, 0),
                UNMAP)).isEmpty();
        Checker.Teardown t = s.checker.teardown(1000);
        assertThat(t.all()).isEmpty();
        assertThat(t.steps()).extracting(c -> c.executed().op().getClass().getSimpleName())
                .containsExactly("FreeCoherent", "IovaDestroy", "UnmapSg", "Tick");
    }
}
