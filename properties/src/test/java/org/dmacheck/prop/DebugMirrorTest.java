package org.dmacheck.prop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.dmacheck.prop.exec.CallTimer;
import org.dmacheck.spec.api.Engines;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.contract.Check;
import org.dmacheck.spec.driver.Binding;
import org.dmacheck.spec.driver.Executed;
import org.dmacheck.spec.driver.OpResult;
import org.dmacheck.spec.op.DmaTrace;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.op.TraceReader;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.DmaAttrs;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.platform.PlatformConfig;
import org.junit.jupiter.api.Test;

/** The dma-debug mirror next to a case: misuse reported with debug.c's check, or a failure when missed. */
class DebugMirrorTest {
    private static final DeviceId DEV = DeviceId.of("dev0");
    /** No IOMMU, no swiotlb, 64-bit masks: dma-direct returns phys, RAM starts at 1 MiB. */
    private static final PlatformConfig DIRECT = Platform.builder().noSwiotlb()
            .device(DeviceConfig.builder("dev0").masks(-1L).build()).config();
    private static final Op MAP = new Op.MapSingle("m1", DEV, Op.MapKind.PHYS, 0x20_0000L, 0x1000, Direction.TO_DEVICE, 0);
    /** What the driver holds after MAP on DIRECT: dma-direct's identity address 0x200000. */
    private static final Binding.Single M1 = new Binding.Single("m1", DEV, Op.MapKind.PHYS, 0x20_0000L, 0x1000,
            Direction.TO_DEVICE, 0, 0x20_0000L, false);

    @Test
    void aWrongSizeUnmapIsReportedAsU3WithItsStepAndTheRunHolds() {
        Op wrongSize = new Op.UnmapSingle("m1", Op.MapKind.PHYS, 0, 0x200, Direction.TO_DEVICE, 0);
        CaseRun.Outcome o;
        try (CallTimer timer = new CallTimer(Duration.ofSeconds(5))) {
            o = CaseRun.run(new DmaCase(DIRECT, List.of(MAP, wrongSize)), Engines.find("reference"), timer);
        }
        assertThat(o.failure()).as("%s", o.failure()).isEmpty();
        // check_unmap(): the entry at 0x200000 was booked with 4096 bytes, freed with 512
        assertThat(o.kernelLog()).anySatisfy(line -> assertThat(line)
                .startsWith("DMA-API: dev0: device driver frees DMA memory with different size")
                .contains("0x0000000000200000", "4096", "512", "[step 2]", "(mapped at step 1)"));
    }

    @Test
    void anUnmapInsideAMappingLeavesItsEntryForTheLaterCorrectUnmapAndADoubleUnmapIsU2() {
        // debug.c finds nothing at 0x200001 (U2) and keeps the entry at 0x200000; the correct unmap
        // at step 3 drops it, so the unmap of 0x200000 at step 4 is U2 again
        List<Op> ops = List.of(MAP, new Op.UnmapSingle("m1", Op.MapKind.PHYS, 1, 0xfff, Direction.TO_DEVICE, 0),
                new Op.UnmapSingle("m1", Op.MapKind.PHYS, 0, 0x1000, Direction.TO_DEVICE, 0),
                new Op.UnmapUnknown(DEV, Op.MapKind.PHYS, 0x20_0000L, 0x1000, Direction.TO_DEVICE, 0));
        CaseRun.Outcome o;
        try (CallTimer timer = new CallTimer(Duration.ofSeconds(5))) {
            o = CaseRun.run(new DmaCase(DIRECT, ops), Engines.find("reference"), timer);
        }
        assertThat(o.failure()).as("%s", o.failure()).isEmpty();
        assertThat(o.kernelLog().stream().filter(l -> l.startsWith("DMA-API:")))
                .allMatch(l -> l.contains("device driver tries to free DMA memory it has not allocated"))
                .anyMatch(l -> l.contains("0x0000000000200001") && l.contains("[step 2]"))
                .anyMatch(l -> l.contains("0x0000000000200000") && l.contains("[step 4]"))
                .hasSize(2);
    }

    @Test
    void aMisuseTheMirrorDoesNotReportIsAFailureNamingWhatWasExpected() {
        DebugMirror mirror = new DebugMirror(Platform.build(DIRECT));
        // the map never reached the mirror, so the feed finds no m1 to sync and dma-debug hears nothing
        Executed unmap = new Executed(2, new Op.SyncSingle("m1", false, 0, 0x1000, Direction.FROM_DEVICE),
                new OpResult.Done(), "sync of m1 with wrong direction FROM_DEVICE (mapped TO_DEVICE)", List.of(),
                List.of("m1"));
        Optional<Finding> f = mirror.accept(unmap, List.of(M1));
        assertThat(f).isPresent();
        assertThat(f.get().kind()).isEqualTo(DebugMirror.MISSED);
        assertThat(f.get().step()).isEqualTo(2);
        // nothing is booked at 0x200000, so check_sync() would say S1 had the sync reached it
        assertThat(f.get().text()).contains("[expected=S1]", "[reported=nothing]", "[step 2]");
    }

    /** dma-debug's books: one entry, at m1's 0x200000. */
    private static final DebugMirror.Booked AT_M1 = d -> List.of(DebugMirror.Booking.of(M1));

    @Test
    void whatDebugCReportsForEachMisuse() {
        // wrong size and direction at once: U3 and U7, both required
        assertThat(DebugMirror.expected(new Op.UnmapSingle("m1", Op.MapKind.PHYS, 0, 0x800, Direction.FROM_DEVICE, 0),
                List.of(M1), AT_M1)).containsExactly(Set.of(Check.U3), Set.of(Check.U7));
        // an address inside the mapping: no entry starts there, U2 hides everything else
        assertThat(DebugMirror.expected(new Op.UnmapSingle("m1", Op.MapKind.PHYS, 0x10, 0xff0, Direction.TO_DEVICE, 0),
                List.of(M1), AT_M1)).containsExactly(Set.of(Check.U2));
        // resource vs phys: dma_unmap_resource() adds DMA_ATTR_MMIO, the booked attrs lack it
        assertThat(DebugMirror.expected(new Op.UnmapSingle("m1", Op.MapKind.RESOURCE, 0, 0x1000, Direction.TO_DEVICE, 0),
                List.of(M1), AT_M1)).containsExactly(Set.of(Check.U9));
        // ... but a map_phys with DMA_ATTR_MMIO is a map_resource: nothing to see
        Binding.Single mmio = new Binding.Single("m2", DEV, Op.MapKind.PHYS, 0x7000_0000L, 0x1000, Direction.TO_DEVICE,
                DmaAttrs.MMIO, 0x7000_0000L, false);
        assertThat(DebugMirror.expected(new Op.UnmapSingle("m2", Op.MapKind.RESOURCE, 0, 0x1000, Direction.TO_DEVICE,
                DmaAttrs.MMIO), List.of(mmio), d -> List.of(DebugMirror.Booking.of(mmio)))).isEmpty();
        // page vs phys: both book a "phy" entry since v6.18, debug.c cannot tell them apart
        assertThat(DebugMirror.expected(new Op.UnmapSingle("m1", Op.MapKind.PAGE, 0, 0x1000, Direction.TO_DEVICE, 0),
                List.of(M1), AT_M1)).isEmpty();
        // a sync reaching past the end, however it starts: containing_match() finds no entry holding
        // the whole range, so S1 -- and nothing else, check_sync() stops there (not S3 either)
        for (long[] r : new long[][] {{0x1000, 1}, {0xfff, 2}, {0, 0x1001}}) {
            assertThat(DebugMirror.expected(new Op.SyncSingle("m1", true, r[0], r[1], Direction.FROM_DEVICE), List.of(M1),
                    AT_M1)).containsExactly(Set.of(Check.S1));
        }
        // a zero-byte sync inside the mapping, even at its very end: containing_match() holds an empty
        // range [0x201000, +0) within [0x200000, +0x1000), so check_sync() has nothing to say
        for (long offset : new long[] {0, 0x800, 0x1000}) {
            assertThat(DebugMirror.expected(new Op.SyncSingle("m1", true, offset, 0, Direction.TO_DEVICE), List.of(M1), AT_M1))
                    .isEmpty();
        }
        // ... one byte beyond the end is outside
        assertThat(DebugMirror.expected(new Op.SyncSingle("m1", true, 0x1001, 0, Direction.TO_DEVICE), List.of(M1), AT_M1))
                .containsExactly(Set.of(Check.S1));
        // debug.c adds in u64: a mapping ending at 2^64-1 "holds" a sync whose end wraps to 0 --
        // [0xffffffffffffefff, +0x1000) and a 1-byte sync at offset 0x1000 (2^64-1): nothing reported
        Binding.Single top = new Binding.Single("m9", DEV, Op.MapKind.PHYS, 0x20_0000L, 0x1000, Direction.BIDIRECTIONAL, 0,
                0xffff_ffff_ffff_efffL, false);
        DebugMirror.Booked atTop = d -> List.of(DebugMirror.Booking.of(top));
        assertThat(DebugMirror.expected(new Op.SyncSingle("m9", true, 0x1000, 1, Direction.BIDIRECTIONAL), List.of(top),
                atTop)).isEmpty();
        // ... and a wrapping sync longer than the entry is S2 (the entry holds it, the size does not fit)
        assertThat(DebugMirror.expected(new Op.SyncSingle("m9", true, 0x1000, 0x1001, Direction.BIDIRECTIONAL),
                List.of(top), atTop)).containsExactly(Set.of(Check.S2));
        // FROM_DEVICE sync of a TO_DEVICE mapping: S3
        assertThat(DebugMirror.expected(new Op.SyncSingle("m1", false, 0, 0x1000, Direction.FROM_DEVICE), List.of(M1), AT_M1))
                .containsExactly(Set.of(Check.S3));
        // an unmap where nothing starts: U2; at DMA_MAPPING_ERROR: U1
        assertThat(DebugMirror.expected(new Op.UnmapUnknown(DEV, Op.MapKind.PHYS, 0xDEAD_0000L, 0x1000,
                Direction.BIDIRECTIONAL, 0), List.of(M1), AT_M1)).containsExactly(Set.of(Check.U2));
        assertThat(DebugMirror.expected(new Op.UnmapUnknown(DEV, Op.MapKind.PHYS, -1L, 0x1000,
                Direction.BIDIRECTIONAL, 0), List.of(M1), AT_M1)).containsExactly(Set.of(Check.U1));
        // two entries at 0x200000: debug.c picks a best fit (or none); nothing is required
        Binding.Single twin = new Binding.Single("m2", DEV, Op.MapKind.PHYS, 0x30_0000L, 0x2000, Direction.FROM_DEVICE, 0,
                0x20_0000L, false);
        assertThat(DebugMirror.expected(new Op.UnmapUnknown(DEV, Op.MapKind.PHYS, 0x20_0000L, 0x3000,
                Direction.FROM_DEVICE, 0), List.of(M1, twin),
                d -> List.of(DebugMirror.Booking.of(M1), DebugMirror.Booking.of(twin)))).isEmpty();
    }

    @Test
    void anUnmapJudgedAgainstATwinsEntryRequiresNothing() {
        // the deep misuse run: m4 (TO_DEVICE) and m5 (BIDIRECTIONAL) are two resource maps of 0xc0000000.
        // m5's unmap with TO_DEVICE fits m4's entry perfectly, so debug.c drops m4's entry silently;
        // m4's unmap with BIDIRECTIONAL then meets m5's entry, which it fits: nothing is reported
        Binding.Single m4 = new Binding.Single("m4", DEV, Op.MapKind.RESOURCE, 0xc000_0000L, 0x1000, Direction.TO_DEVICE, 0,
                0xc000_0000L, false);
        Binding.Single m5 = new Binding.Single("m5", DEV, Op.MapKind.RESOURCE, 0xc000_0000L, 0x1000,
                Direction.BIDIRECTIONAL, 0, 0xc000_0000L, true);
        Op wrongDir = new Op.UnmapSingle("m4", Op.MapKind.RESOURCE, 0, 0x1000, Direction.BIDIRECTIONAL, 0);
        assertThat(DebugMirror.expected(wrongDir, List.of(m4), d -> List.of(DebugMirror.Booking.of(m5)))).isEmpty();
        // with m4's own entry the only one there, check_unmap() says U7
        assertThat(DebugMirror.expected(wrongDir, List.of(m4), d -> List.of(DebugMirror.Booking.of(m4))))
                .containsExactly(Set.of(Check.U7));
        // a resource map books DMA_ATTR_MMIO (dma_map_resource() adds it)
        assertThat(DebugMirror.Booking.of(m4).attrs()).isEqualTo(DmaAttrs.MMIO);
    }

    @Test
    void aSyncPastTheEndIsNotRequiredToFailWhenDebugCStillBooksALongerEntryThere() {
        // m0 (0x1001 bytes at 0x200000) is unmapped only at 0x200001, so debug.c keeps its entry;
        // m1 is then mapped at the same 0x200000 and the driver drops m0's release without a call.
        // m1's sync of [0x201000, +1) is past m1's end, but containing_match() finds m0's leftover
        // entry [0x200000, +0x1001) holding it, so check_sync() says nothing
        List<Op> ops = List.of(new Op.MapSingle("m0", DEV, Op.MapKind.PHYS, 0x20_0000L, 0x1001, Direction.BIDIRECTIONAL, 0),
                new Op.UnmapSingle("m0", Op.MapKind.PHYS, 1, 0x1000, Direction.BIDIRECTIONAL, 0),
                new Op.MapSingle("m1", DEV, Op.MapKind.PHYS, 0x20_0000L, 0x1000, Direction.BIDIRECTIONAL, 0),
                new Op.UnmapSingle("m0", Op.MapKind.PHYS, 0, 0x1001, Direction.BIDIRECTIONAL, 0),
                new Op.SyncSingle("m1", true, 0x1000, 1, Direction.BIDIRECTIONAL));
        CaseRun.Outcome o;
        try (CallTimer timer = new CallTimer(Duration.ofSeconds(5))) {
            o = CaseRun.run(new DmaCase(DIRECT, ops), Engines.find("reference"), timer);
        }
        assertThat(o.failure()).as("%s", o.failure()).isEmpty();
        Binding.Single m1 = new Binding.Single("m1", DEV, Op.MapKind.PHYS, 0x20_0000L, 0x1000, Direction.BIDIRECTIONAL,
                0, 0x20_0000L, false);
        Op pastEnd = new Op.SyncSingle("m1", true, 0x1000, 1, Direction.BIDIRECTIONAL);
        assertThat(DebugMirror.expected(pastEnd, List.of(m1),
                d -> List.of(new DebugMirror.Booking(0x20_0000L, 0x1001, Direction.BIDIRECTIONAL, 0), DebugMirror.Booking.of(m1))))
                .isEmpty();
        // with only m1's own entry booked, nothing holds 0x201000: S1
        assertThat(DebugMirror.expected(pastEnd, List.of(m1), d -> List.of(DebugMirror.Booking.of(m1))))
                .containsExactly(Set.of(Check.S1));
    }

    @Test
    void aSyncSgOfASegmentInsideAnotherEntryIsJudgedAsBucketFindContainDoes() throws Exception {
        DmaTrace trace = TraceReader.read(Path.of(getClass().getResource("/regressions/misuse-sync-sg-two-holders.trace").toURI()));
        CaseRun.Outcome o = DmaReplay.run(trace, Engines.find("reference"), Duration.ofSeconds(5));
        assertThat(o.failure()).as("%s", o.failure()).isEmpty();
        // two entries hold 0xc0000001 and neither fits perfectly: __hash_bucket_find() returns none, S1
        assertThat(o.kernelLog()).anySatisfy(line -> assertThat(line)
                .startsWith("DMA-API: 0000:04:00.0: device driver tries to sync DMA memory it has not allocated")
                .contains("[step 3]"));
    }

    @Test
    void anSgUnmapIsJudgedOnItsOwnEntriesAndAPerfectFitForAnotherListIsSilent() {
        Scatterlist sgl = Scatterlist.of(0x20_0000L, 0x1000);
        sgl.get(0).setDma(0x20_0000L, 0x1000);
        Binding.Sg s1 = new Binding.Sg("s1", DEV, sgl, 1, Direction.TO_DEVICE, 0, 1, false);
        Binding.Sg s2 = new Binding.Sg("s2", DEV, sgl, 1, Direction.BIDIRECTIONAL, 0, 1, false);
        Op wrongDir = new Op.UnmapSg("s2", 1, Direction.TO_DEVICE, 0);
        // s2 alone at 0x200000: check_unmap() against its entry says U7
        assertThat(DebugMirror.expected(wrongDir, List.of(s2), d -> List.of(DebugMirror.Booking.of(s2, s2.targets().get(0)))))
                .containsExactly(Set.of(Check.U7));
        // s1 (TO_DEVICE, 1 entry) booked the same address: the call fits s1's entry perfectly, and
        // bucket_find_exact() takes it without a word -- nothing can be required
        DebugMirror.Booked both = d -> List.of(DebugMirror.Booking.of(s1, s1.targets().get(0)),
                DebugMirror.Booking.of(s2, s2.targets().get(0)));
        assertThat(DebugMirror.expected(wrongDir, List.of(s2), both)).isEmpty();
        // ... but a call that fits neither finds no entry (U2), among any check
        assertThat(DebugMirror.expected(new Op.UnmapSg("s2", 1, Direction.FROM_DEVICE, 0), List.of(s2), both))
                .singleElement().asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.collection(Check.class))
                .contains(Check.U2);

        // and end to end on dma-direct, where both lists get the identity address 0x200000
        List<Op> ops = List.of(new Op.MapSg("s1", DEV, List.of(new Scatterlist.Chunk(0x20_0000L, 0x1000)), Direction.TO_DEVICE, 0),
                new Op.MapSg("s2", DEV, List.of(new Scatterlist.Chunk(0x20_0000L, 0x1000)), Direction.BIDIRECTIONAL, 0),
                wrongDir);
        CaseRun.Outcome o;
        try (CallTimer timer = new CallTimer(Duration.ofSeconds(5))) {
            o = CaseRun.run(new DmaCase(DIRECT, ops), Engines.find("reference"), timer);
        }
        assertThat(o.failure()).as("%s", o.failure()).isEmpty();
    }
}
