package org.dmacheck.spec.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.driver.Driver;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.testengine.ToyEngine;
import org.junit.jupiter.api.Test;

/** The harness's steps reach dma-debug's checks as the kernel's wrappers would call them. */
class ExecutedFeedTest {
    private static final DeviceId DEV = DeviceId.of("0000:01:00.0");

    private static List<ContractViolation> run(Op... ops) {
        Platform p = Platform.builder().device(DeviceConfig.builder(DEV.name()).build()).build();
        Driver d = new Driver(p, new ToyEngine(p));
        ExecutedFeed feed = new ExecutedFeed(DmaDebug.withoutDeviceLimits(DmaDebugOptions.DEFAULT));
        List<ContractViolation> out = new ArrayList<>();
        for (Op op : ops) {
            out.addAll(feed.accept(d.execute(op)));
        }
        return out;
    }

    @Test
    void aCorrectLifecycleIsClean() {
        assertThat(run(new Op.MapSingle("m1", DEV, Op.MapKind.PHYS, 0x20_0000L, 0x1000, Direction.TO_DEVICE, 0),
                new Op.SyncSingle("m1", true, 0x100, 0x100, Direction.TO_DEVICE),
                new Op.UnmapSingle("m1", Op.MapKind.PHYS, 0, 0x1000, Direction.TO_DEVICE, 0),
                new Op.MapSg("s1", DEV, List.of(new Scatterlist.Chunk(0x30_0000L, 0x800)), Direction.FROM_DEVICE, 0),
                new Op.SyncSg("s1", false, 1, Direction.FROM_DEVICE),
                new Op.UnmapSg("s1", 1, Direction.FROM_DEVICE, 0))).isEmpty();
    }

    @Test
    void misuseIsReportedAtItsStep() {
        // identity toy: m1 is at DMA address 0x20_0000
        List<ContractViolation> v = run(new Op.MapSingle("m1", DEV, Op.MapKind.PHYS, 0x20_0000L, 0x1000, Direction.TO_DEVICE, 0),
                new Op.Tick(1),
                new Op.UnmapSingle("m1", Op.MapKind.PHYS, 0, 0x800, Direction.FROM_DEVICE, 0),
                new Op.UnmapUnknown(DEV, Op.MapKind.PHYS, 0x20_0000L, 0x1000, Direction.TO_DEVICE, 0));
        assertThat(v).extracting(ContractViolation::id).containsExactly("U3", "U7", "U2");
        assertThat(v).extracting(x -> x.at()).containsExactly(Location.step(3), Location.step(3), Location.step(4));
        assertThat(v.get(0).render()).isEqualTo("DMA-API: 0000:01:00.0: device driver frees DMA memory with different "
                + "size [device address=0x0000000000200000] [map size=4096 bytes] [unmap size=2048 bytes] [step 3] "
                + "(mapped at step 1)");
        assertThat(v.get(2).evidence("size")).isEqualTo("4096 bytes");
    }

    @Test
    void aResourceMappingCarriesMmioSoAPageUnmapOfItIsU9() {
        // dma_map_resource() books a phy entry with DMA_ATTR_MMIO (bit 10, 0x400); dma_unmap_page() has none
        List<ContractViolation> v = run(
                new Op.MapSingle("r1", DEV, Op.MapKind.RESOURCE, 0x20_0000L, 0x1000, Direction.TO_DEVICE, 0),
                new Op.UnmapSingle("r1", Op.MapKind.PAGE, 0, 0x1000, Direction.TO_DEVICE, 0));
        assertThat(v).extracting(ContractViolation::id).containsExactly("U9");
        assertThat(v.get(0).evidence("mapped with")).isEqualTo("0x400");
        assertThat(run(new Op.MapSingle("r1", DEV, Op.MapKind.RESOURCE, 0x20_0000L, 0x1000, Direction.TO_DEVICE, 0),
                new Op.UnmapSingle("r1", Op.MapKind.RESOURCE, 0, 0x1000, Direction.TO_DEVICE, 0))).isEmpty();
    }
}
