package org.dmacheck.spec.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.op.Pattern;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.DmaAttrs;
import org.dmacheck.spec.platform.IommuDomainType;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.testengine.ToyEngine;
import org.junit.jupiter.api.Test;

/** The driver binds handles, translates symbolic accesses, flags misuse and keeps sequences valid. */
class DriverTest {
    private static final DeviceId DEV = DeviceId.of("0000:01:00.0");
    private static final long BUF = 0x20_0000L;

    private static Platform direct() {
        return Platform.builder().device(DeviceConfig.builder(DEV.name()).build()).build();
    }

    private static Platform iommu() {
        return Platform.builder().domain("dom0", IommuDomainType.DMA, 0x1000)
                .device(DeviceConfig.builder(DEV.name()).iommuDomain("dom0").build()).build();
    }

    @Test
    void deviceWriteLandsAtSegmentAddressPlusOffset() {
        Platform p = iommu();
        Driver d = new Driver(p, new ToyEngine(p));
        Executed map = d.execute(new Op.MapSingle("m1", DEV, Op.MapKind.PHYS, BUF + 0x234, 0x100, Direction.FROM_DEVICE, 0));
        // The toy's first IOVA is 0x1000_0000; the in-granule offset 0x234 is kept.
        assertThat(map.result()).isEqualTo(new OpResult.Mapped(0x1000_0234L));
        Executed w = d.execute(new Op.DeviceWrite("m1", 0, 0x10, 4, 7));
        assertThat(w.result()).isInstanceOf(OpResult.Transferred.class);
        OpResult.Transferred t = (OpResult.Transferred) w.result();
        assertThat(t.dmaAddr()).isEqualTo(0x1000_0244L);
        // ... and reaches phys BUF + 0x234 + 0x10 through the page table
        assertThat(p.cpuRead(BUF + 0x244, 4)).containsExactly(Pattern.bytes(7, 0, 4));
    }

    @Test
    void accessIsCutAtTheSegmentEndAndOffsetWraps() {
        Platform p = direct();
        Driver d = new Driver(p, new ToyEngine(p));
        d.execute(new Op.MapSingle("m1", DEV, Op.MapKind.PHYS, BUF, 0x100, Direction.TO_DEVICE, 0));
        // offset 0x1f0 mod 0x100 = 0xf0; 0x40 bytes are cut to the 0x10 left in the segment
        Executed r = d.execute(new Op.DeviceRead("m1", 3, 0x1f0, 0x40));
        OpResult.Transferred t = (OpResult.Transferred) r.result();
        assertThat(t.offset()).isEqualTo(0xf0);
        assertThat(t.dmaAddr()).isEqualTo(BUF + 0xf0);
        assertThat(t.data()).hasSize(0x10);
    }

    @Test
    void operationsOnDeadHandlesAreSkipped() {
        Platform p = direct();
        Driver d = new Driver(p, new ToyEngine(p));
        assertThat(d.execute(new Op.DeviceRead("nope", 0, 0, 4)).result()).isInstanceOf(OpResult.Skipped.class);
        d.execute(new Op.MapSingle("m1", DEV, Op.MapKind.PHYS, BUF, 0x100, Direction.TO_DEVICE, 0));
        Executed un = d.execute(new Op.UnmapSingle("m1", Op.MapKind.PHYS, 0, 0x100, Direction.TO_DEVICE, 0));
        assertThat(un.released()).containsExactly("m1");
        assertThat(un.isMisuse()).isFalse();
        assertThat(d.execute(new Op.UnmapSingle("m1", Op.MapKind.PHYS, 0, 0x100, Direction.TO_DEVICE, 0)).result())
                .isInstanceOf(OpResult.Skipped.class);
        assertThat(d.steps()).isEqualTo(4);
    }

    @Test
    void wrongSizeUnmapIsMisuseAndKeepsTheBindingForTeardown() {
        Platform p = direct();
        Driver d = new Driver(p, new ToyEngine(p));
        d.execute(new Op.MapSingle("m1", DEV, Op.MapKind.PHYS, BUF, 0x100, Direction.TO_DEVICE, 0));
        Executed un = d.execute(new Op.UnmapSingle("m1", Op.MapKind.PHYS, 0, 0x80, Direction.TO_DEVICE, 0));
        assertThat(un.misuse()).isEqualTo("unmap of m1 with wrong size 0x80 (mapped 0x100)");
        assertThat(un.misused()).containsExactly("m1");
        assertThat(d.binding("m1")).get().extracting(Binding::misused).isEqualTo(true);
        // a misused binding takes no more accesses, but teardown still releases it correctly
        assertThat(d.execute(new Op.DeviceRead("m1", 0, 0, 4)).result()).isInstanceOf(OpResult.Skipped.class);
        assertThat(d.teardownOps()).containsExactly(new Op.UnmapSingle("m1", Op.MapKind.PHYS, 0, 0x100, Direction.TO_DEVICE, 0));
    }

    @Test
    void teardownUnmapsWithTheMapsOwnAttributes() {
        Platform p = direct();
        Driver d = new Driver(p, new ToyEngine(p));
        long attrs = DmaAttrs.MMIO | DmaAttrs.SKIP_CPU_SYNC;
        d.execute(new Op.MapSingle("m1", DEV, Op.MapKind.PHYS, BUF, 0x100, Direction.TO_DEVICE, attrs));
        d.execute(new Op.MapSg("s1", DEV, List.of(new Scatterlist.Chunk(BUF + 0x1000, 0x100)), Direction.FROM_DEVICE,
                DmaAttrs.SKIP_CPU_SYNC));
        // dma_map_phys(DMA_ATTR_MMIO) must be undone by dma_unmap_phys(DMA_ATTR_MMIO): without it
        // dma-debug sees other attributes (U9) and dma-direct treats the MMIO range as RAM
        assertThat(d.teardownOps()).containsExactly(
                new Op.UnmapSg("s1", 1, Direction.FROM_DEVICE, DmaAttrs.SKIP_CPU_SYNC),
                new Op.UnmapSingle("m1", Op.MapKind.PHYS, 0, 0x100, Direction.TO_DEVICE, attrs));
    }

    @Test
    void aMisusedBindingWhoseAddressAnotherMappingNowHoldsIsDroppedWithoutACall() {
        // the shrunk misuse report: the wrong-size unmap of m1 released it (as Linux does), m2 got the same
        // address (dma-direct: BUF again), and the 'correct' release of m1 would have unmapped m2
        Platform p = direct();
        Driver d = new Driver(p, new ToyEngine(p));
        d.execute(new Op.MapSingle("m1", DEV, Op.MapKind.PHYS, BUF, 0x100, Direction.TO_DEVICE, 0));
        d.execute(new Op.UnmapSingle("m1", Op.MapKind.PHYS, 0, 0x80, Direction.TO_DEVICE, 0));
        d.execute(new Op.MapSingle("m2", DEV, Op.MapKind.PHYS, BUF + 0x40, 0x100, Direction.TO_DEVICE, 0));
        Executed again = d.execute(new Op.UnmapSingle("m1", Op.MapKind.PHYS, 0, 0x100, Direction.TO_DEVICE, 0));
        assertThat(again.result()).isEqualTo(new OpResult.Skipped(
                "release of misused m1: its device address 0x200000 now belongs to m2"));
        assertThat(again.released()).containsExactly("m1");
        assertThat(d.binding("m1")).isEmpty();
        assertThat(d.teardownOps()).containsExactly(new Op.UnmapSingle("m2", Op.MapKind.PHYS, 0, 0x100, Direction.TO_DEVICE, 0));
        // a misused binding nobody else overlaps is still released by a call
        d.execute(new Op.MapSingle("m3", DEV, Op.MapKind.PHYS, BUF + 0x1000, 0x100, Direction.TO_DEVICE, 0));
        d.execute(new Op.UnmapSingle("m3", Op.MapKind.PHYS, 0, 0x80, Direction.TO_DEVICE, 0));
        assertThat(d.execute(new Op.UnmapSingle("m3", Op.MapKind.PHYS, 0, 0x100, Direction.TO_DEVICE, 0)).result())
                .isEqualTo(new OpResult.Released());
    }

    @Test
    void engineExceptionsAreResultsAndBugStyleIsDistinguished() {
        Platform p = direct();
        Driver d = new Driver(p, new ToyEngine(p));
        Executed bad = d.execute(new Op.MapSingle("m1", DEV, Op.MapKind.PHYS, BUF, 0x100, Direction.NONE, 0));
        assertThat(bad.misuse()).isEqualTo("map with DMA_NONE");
        assertThat(bad.result()).isInstanceOf(OpResult.Threw.class);
        assertThat(((OpResult.Threw) bad.result()).bugStyle()).isTrue();
        ToyEngine npe = new ToyEngine(p) {
            @Override
            public void advanceClock(long millis) {
                throw new NullPointerException("boom");
            }
        };
        Executed tick = new Driver(p, npe).execute(new Op.Tick(10));
        assertThat(((OpResult.Threw) tick.result()).bugStyle()).isFalse();
    }

    @Test
    void sgSegmentsAreTheReturnedEntries() {
        Platform p = iommu();
        Driver d = new Driver(p, new ToyEngine(p));
        Executed m = d.execute(new Op.MapSg("s1", DEV,
                List.of(new Scatterlist.Chunk(BUF, 0x800), new Scatterlist.Chunk(BUF + 0x3000, 0x1000)),
                Direction.BIDIRECTIONAL, 0));
        OpResult.MappedSg r = (OpResult.MappedSg) m.result();
        // toy: one granule-rounded IOVA per entry, bump-allocated from 0x1000_0000
        assertThat(r.segments()).containsExactly(new SgSegment(0x1000_0000L, 0x800, 0),
                new SgSegment(0x1000_1000L, 0x1000, 0));
        OpResult.Transferred t = (OpResult.Transferred) d.execute(new Op.DeviceWrite("s1", 1, 0, 8, 3)).result();
        assertThat(t.dmaAddr()).isEqualTo(0x1000_1000L);
        assertThat(d.teardownOps()).containsExactly(new Op.UnmapSg("s1", 2, Direction.BIDIRECTIONAL, 0));
    }

    @Test
    void twoStepOnADirectDeviceIsSkippedAfterAFailedTryAlloc() {
        Platform p = direct();
        Driver d = new Driver(p, new ToyEngine(p));
        assertThat(d.execute(new Op.IovaTryAlloc("v1", DEV, BUF, 0x2000)).result())
                .isEqualTo(new OpResult.IovaAllocated(false, 0, 0));
        assertThat(d.execute(new Op.IovaLink("v1", BUF, 0, 0x1000, Direction.TO_DEVICE, 0)).result())
                .isInstanceOf(OpResult.Skipped.class);
        Executed free = d.execute(new Op.IovaFree("v1"));
        assertThat(free.released()).containsExactly("v1");
        assertThat(d.bindings()).isEmpty();
    }

    @Test
    void twoStepTeardownDestroysTiledLinks() {
        Platform p = iommu();
        Driver d = new Driver(p, new ToyEngine(p));
        d.execute(new Op.IovaTryAlloc("v1", DEV, BUF, 0x2000));
        assertThat(d.execute(new Op.IovaLink("v1", BUF, 0, 0x1000, Direction.TO_DEVICE, 0)).result())
                .isEqualTo(new OpResult.Status(0));
        d.execute(new Op.IovaLink("v1", BUF + 0x5000, 0x1000, 0x1000, Direction.TO_DEVICE, 0));
        assertThat(d.teardownOps()).containsExactly(new Op.IovaDestroy("v1", 0x2000, Direction.TO_DEVICE, 0));
        Executed over = d.execute(new Op.IovaLink("v1", BUF, 0x1800, 0x1000, Direction.TO_DEVICE, 0));
        assertThat(over.misuse()).startsWith("dma_iova_link into v1 with wrong range [0x1800, +0x1000) outside");
    }

    @Test
    void unmapUnknownOfALiveAddressWithItsArgumentsReleasesIt() {
        Platform p = iommu();
        Driver d = new Driver(p, new ToyEngine(p));
        d.execute(new Op.MapSingle("m1", DEV, Op.MapKind.PHYS, BUF, 0x100, Direction.TO_DEVICE, 0));
        Executed x = d.execute(new Op.UnmapUnknown(DEV, Op.MapKind.PHYS, 0x1000_0000L, 0x100, Direction.TO_DEVICE, 0));
        assertThat(x.isMisuse()).isFalse();
        assertThat(x.released()).containsExactly("m1");
        Executed y = d.execute(new Op.UnmapUnknown(DEV, Op.MapKind.PHYS, 0x1000_0000L, 0x100, Direction.TO_DEVICE, 0));
        assertThat(y.misuse()).isEqualTo("unmap of 0x10000000, where no live mapping of 0000:01:00.0 starts");
        assertThat(p.kernelLog()).anyMatch(l -> l.contains("unmap of unknown"));
        assertThat(DmaEngine.DMA_MAPPING_ERROR).isEqualTo(-1L);
    }

    @Test
    void unmapByAddressNamesEveryBindingStartingThereOldestFirst() {
        Platform p = direct();
        Driver d = new Driver(p, new ToyEngine(p));
        // toy without IOMMU: DMA address = phys, so m1 and m3 (the same buffer) both start at BUF
        d.execute(new Op.MapSingle("m1", DEV, Op.MapKind.PHYS, BUF, 0x100, Direction.TO_DEVICE, 0));
        d.execute(new Op.MapSingle("m2", DEV, Op.MapKind.PHYS, BUF + 0x1000, 0x100, Direction.TO_DEVICE, 0));
        d.execute(new Op.MapSingle("m3", DEV, Op.MapKind.PHYS, BUF, 0x200, Direction.TO_DEVICE, 0));
        // a sync with a wrong direction re-stores m1 as misused: it stays the oldest
        d.execute(new Op.SyncSingle("m1", true, 0, 0x10, Direction.FROM_DEVICE));
        Executed x = d.execute(new Op.UnmapUnknown(DEV, Op.MapKind.PHYS, BUF, 0x100, Direction.TO_DEVICE, 0));
        assertThat(x.misuse()).isEqualTo("unmap by address of [m1, m3] with wrong arguments");
        assertThat(x.misused()).containsExactly("m1", "m3");
    }

    @Test
    void unmapByAddressFindsAScatterlistSegmentAndATwoStepStateUntilReleased() {
        Platform p = iommu();
        Driver d = new Driver(p, new ToyEngine(p));
        // toy: s1's entries get IOVA 0x1000_0000 and 0x1000_1000, v1's state 0x1000_2000 (bump allocator)
        d.execute(new Op.MapSg("s1", DEV,
                List.of(new Scatterlist.Chunk(BUF, 0x800), new Scatterlist.Chunk(BUF + 0x3000, 0x1000)),
                Direction.BIDIRECTIONAL, 0));
        d.execute(new Op.IovaTryAlloc("v1", DEV, BUF + 0x8000, 0x1000));
        assertThat(d.execute(new Op.UnmapUnknown(DEV, Op.MapKind.PHYS, 0x1000_1000L, 0x1000, Direction.TO_DEVICE, 0))
                .misuse()).isEqualTo("unmap by address of [s1] with wrong arguments");
        assertThat(d.execute(new Op.UnmapUnknown(DEV, Op.MapKind.PHYS, 0x1000_2000L, 0x1000, Direction.TO_DEVICE, 0))
                .misuse()).isEqualTo("unmap by address of [v1] with wrong arguments");

        assertThat(d.execute(new Op.IovaFree("v1")).released()).containsExactly("v1");
        assertThat(d.execute(new Op.UnmapUnknown(DEV, Op.MapKind.PHYS, 0x1000_2000L, 0x1000, Direction.TO_DEVICE, 0))
                .misuse()).isEqualTo("unmap of 0x10002000, where no live mapping of 0000:01:00.0 starts");
    }
}
