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
import org.dmacheck.spec.platform.DmaAttrs;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.testengine.ToyEngine;
import org.junit.jupiter.api.Test;

/** The harness's steps reach dma-debug's checks as the kernel's wrappers would call them. */
class ExecutedFeedTest {
    private static final DeviceId DEV = DeviceId.of("0000:01:00.0");

    /** One device without an IOMMU behind the identity toy engine (DMA address = phys), its driver and a feed. */
    private static final class Fixture {
        private final Driver driver;
        private final ExecutedFeed feed = new ExecutedFeed(DmaDebug.withoutDeviceLimits(DmaDebugOptions.DEFAULT));

        Fixture() {
            Platform p = Platform.builder().device(DeviceConfig.builder(DEV.name()).build()).build();
            driver = new Driver(p, new ToyEngine(p));
        }

        List<ContractViolation> run(Op... ops) {
            List<ContractViolation> out = new ArrayList<>();
            for (Op op : ops) {
                out.addAll(feed.accept(driver.execute(op)));
            }
            return out;
        }

        /** The device addresses dma-debug has entries at. */
        List<Long> booked() {
            return feed.debug().entries(DEV).stream().map(DebugEntry::devAddr).toList();
        }
    }

    private static List<ContractViolation> run(Op... ops) {
        return new Fixture().run(ops);
    }

    private static Op.MapSingle map(String handle, Op.MapKind kind, long phys, long size) {
        return new Op.MapSingle(handle, DEV, kind, phys, size, Direction.TO_DEVICE, 0);
    }

    private static Op.UnmapSingle unmap(String handle, Op.MapKind kind, long addrDelta, long size, long attrs) {
        return new Op.UnmapSingle(handle, kind, addrDelta, size, Direction.TO_DEVICE, attrs);
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

    @Test
    void anUnmapInsideAMappingIsU2AtThatAddressAndKeepsTheEntryForTheHandlesOwnUnmap() {
        Fixture f = new Fixture();
        assertThat(f.run(map("m1", Op.MapKind.PHYS, 0x20_1000L, 0x2000))).isEmpty();
        // the driver passes 0x201000 + 0x800 = 0x201800: check_unmap() finds no entry starting there
        List<ContractViolation> inside = f.run(unmap("m1", Op.MapKind.PHYS, 0x800, 0x1800, 0));
        assertThat(inside).extracting(ContractViolation::id).containsExactly("U2");
        assertThat(inside.get(0).evidence("device address")).isEqualTo("0x0000000000201800");
        assertThat(f.booked()).containsExactly(0x20_1000L);
        // m1 is still the driver's (misused): its correct unmap at 0x201000 finds the entry and drops it
        assertThat(f.run(unmap("m1", Op.MapKind.PHYS, 0, 0x2000, 0))).isEmpty();
        assertThat(f.booked()).isEmpty();
    }

    @Test
    void anUnmapOfAHandleWhoseEntryAnEarlierUnmapDroppedIsU2() {
        Fixture f = new Fixture();
        // step 2 unmaps m1 at its own address 0x200000 with the wrong size: U3, and check_unmap()
        // drops the entry anyway; the driver keeps m1 (misused) and releases it correctly at step 3,
        // which debug.c sees as a second unmap of 0x200000, where nothing is booked any more
        List<ContractViolation> v = f.run(map("m1", Op.MapKind.PHYS, 0x20_0000L, 0x1000),
                unmap("m1", Op.MapKind.PHYS, 0, 0x800, 0), unmap("m1", Op.MapKind.PHYS, 0, 0x1000, 0));
        assertThat(v).extracting(ContractViolation::id).containsExactly("U3", "U2");
        assertThat(v).extracting(ContractViolation::at).containsExactly(Location.step(2), Location.step(3));
        assertThat(v.get(1).evidence("device address")).isEqualTo("0x0000000000200000");
        assertThat(f.booked()).isEmpty();
    }

    @Test
    void aResourceUnmapAddsMmioSoItDiffersFromAPhysMappingInItsAttributes() {
        // dma_unmap_resource() calls dma_unmap_phys() with DMA_ATTR_MMIO (0x400); the phys map booked 0
        List<ContractViolation> v = run(map("m1", Op.MapKind.PHYS, 0x20_0000L, 0x1000),
                unmap("m1", Op.MapKind.RESOURCE, 0, 0x1000, 0));
        assertThat(v).extracting(ContractViolation::id).containsExactly("U9");
        assertThat(v.get(0).evidence("mapped with")).isEqualTo("0x0");
        assertThat(v.get(0).evidence("unmapped with")).isEqualTo("0x400");
        assertThat(ExecutedFeed.hookAttrs(Op.MapKind.RESOURCE, DmaAttrs.SKIP_CPU_SYNC))
                .isEqualTo(DmaAttrs.SKIP_CPU_SYNC | DmaAttrs.MMIO);
        assertThat(ExecutedFeed.hookAttrs(Op.MapKind.PAGE, DmaAttrs.SKIP_CPU_SYNC)).isEqualTo(DmaAttrs.SKIP_CPU_SYNC);
    }

    @Test
    void aPageUnmapWithMmioReturnsBeforeTheHookSoNothingIsReportedAndTheEntryStays() {
        Fixture f = new Fixture();
        f.run(map("m1", Op.MapKind.PHYS, 0x20_0000L, 0x1000));
        // dma_unmap_page_attrs(.., DMA_ATTR_MMIO) returns at once: fed to check_unmap() it would be U9
        // (0x400 vs 0) and drop the entry
        assertThat(f.run(unmap("m1", Op.MapKind.PAGE, 0, 0x1000, DmaAttrs.MMIO))).isEmpty();
        assertThat(f.booked()).containsExactly(0x20_0000L);
        // so the driver's correct release of m1 still finds its entry
        assertThat(f.run(unmap("m1", Op.MapKind.PHYS, 0, 0x1000, 0))).isEmpty();
        assertThat(f.booked()).isEmpty();
        // the same by address: nothing is booked at 0x200000 now, but no hook runs to say U2
        assertThat(f.run(new Op.UnmapUnknown(DEV, Op.MapKind.PAGE, 0x20_0000L, 0x1000, Direction.TO_DEVICE,
                DmaAttrs.MMIO))).isEmpty();
        assertThat(f.run(new Op.UnmapUnknown(DEV, Op.MapKind.PHYS, 0x20_0000L, 0x1000, Direction.TO_DEVICE, 0)))
                .extracting(ContractViolation::id).containsExactly("U2");
        assertThat(ExecutedFeed.reachesHook(unmap("m1", Op.MapKind.PAGE, 0, 0x1000, DmaAttrs.MMIO))).isFalse();
        assertThat(ExecutedFeed.reachesHook(unmap("m1", Op.MapKind.PHYS, 0, 0x1000, DmaAttrs.MMIO))).isTrue();
    }
}
