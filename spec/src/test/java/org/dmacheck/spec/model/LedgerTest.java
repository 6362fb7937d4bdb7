package org.dmacheck.spec.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.driver.Executed;
import org.dmacheck.spec.driver.OpResult;
import org.dmacheck.spec.driver.SgSegment;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.op.Pattern;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.Platform;
import org.junit.jupiter.api.Test;

/** The ledger follows executed steps alone: pieces from results, expectations from the copy rules. */
class LedgerTest {
    private static final DeviceId DEV = DeviceId.of("d");
    private static final long A = 0x20_0000L;
    private static final long B = 0x30_0000L;

    private final Ledger ledger = new Ledger(Platform.builder().device(DeviceConfig.builder("d").build()).build());
    private long step;

    private LedgerChange apply(Op op, OpResult r, String... released) {
        return ledger.apply(new Executed(++step, op, r, null, List.of(released), List.of()));
    }

    private static byte expectCpu(Ledger l, long phys) {
        ByteMap.Run run = l.data().cpu().runs(phys, 1).get(0);
        assertThat(run.known()).as("CPU byte at %x known", phys).isTrue();
        return run.data()[0];
    }

    @Test
    void aMergedSegmentPairsBytesInOrder() {
        // entries [A, 0x800) and [B, 0x1000) merged by an IOMMU into one 0x1800-byte segment at 0x1000_0800
        Op map = new Op.MapSg("s1", DEV, List.of(new Scatterlist.Chunk(A + 0x800, 0x800), new Scatterlist.Chunk(B, 0x1000)),
                Direction.TO_DEVICE, 0);
        apply(map, new OpResult.MappedSg(1, List.of(new SgSegment(0x1000_0800L, 0x1800, 0), new SgSegment(-1L, 0, 0))));
        Mapping.Sg sg = (Mapping.Sg) ledger.mapping("s1").orElseThrow();
        assertThat(sg.pieces()).containsExactly(
                new Piece(0x1000_0800L, A + 0x800, 0x800, Direction.TO_DEVICE, false, 0, 0),
                new Piece(0x1000_1000L, B, 0x1000, Direction.TO_DEVICE, false, 0, 0x800));
        assertThat(sg.piecesOfEntry(1)).containsExactly(sg.pieces().get(1));
        assertThat(sg.piecesAt(0, 0x7f0, 0x20)).extracting(Piece::phys).containsExactly(A + 0xff0, B);
        assertThat(sg.iovaSpans(0x1000)).containsExactly(new long[] {0x1000_0000L, 0x1000_1fffL});
    }

    @Test
    void copyOutBringsTheDevicesBytesAndKeepsTheRest() {
        apply(new Op.CpuWrite(A, 0x100, 3), new OpResult.Done());
        Op map = new Op.MapSingle("m1", DEV, Op.MapKind.PHYS, A, 0x100, Direction.FROM_DEVICE, 0);
        apply(map, new OpResult.Mapped(A));
        byte[] dev = Pattern.bytes(9, 0, 0x10);
        apply(new Op.DeviceWrite("m1", 0, 0x20, 0x10, 9), new OpResult.Transferred(0, 0x20, A + 0x20, dev));
        // before the unmap the CPU may see either: unknown
        assertThat(ledger.data().cpu().runs(A + 0x20, 1).get(0).known()).isFalse();
        apply(new Op.UnmapSingle("m1", Op.MapKind.PHYS, 0, 0x100, Direction.FROM_DEVICE, 0), new OpResult.Released(), "m1");
        assertThat(expectCpu(ledger, A + 0x20)).isEqualTo(dev[0]);
        assertThat(expectCpu(ledger, A + 0x1f)).isEqualTo(Pattern.at(3, 0x1f)); // untouched: the CPU's own
        assertThat(expectCpu(ledger, A + 0x200)).isZero();                        // fresh RAM reads as zero
    }

    @Test
    void aPartialSyncForDeviceOnANonCoherentDeviceMayRevertDeviceWritesInTheSameLine() {
        // the shrunk noncoherent-syncs report: the device writes 2 bytes through a BIDIRECTIONAL mapping,
        // then a (redundant, legal) sync_for_device of byte 0 only. Bounced, that sync stores byte 0 into
        // the slot through the CPU cache, whose line still holds the slot's old byte 1, and cleans the
        // whole line: byte 1 reverts in memory. After the unmap the CPU may see either. Byte 0 is unknown
        // anyway (the sync put the CPU's byte in a bounce slot, not in place); byte 2 was never written.
        for (boolean coherent : new boolean[] {false, true}) {
            Ledger l = new Ledger(Platform.builder().device(DeviceConfig.builder("d").coherent(coherent).build()).build());
            long[] n = {0};
            java.util.function.BiConsumer<Op, OpResult> run = (op, r) -> l.apply(new Executed(++n[0], op, r, null,
                    op instanceof Op.UnmapSingle ? List.of("m0") : List.of(), List.of()));
            run.accept(new Op.MapSingle("m0", DEV, Op.MapKind.PHYS, A, 3, Direction.BIDIRECTIONAL, 0), new OpResult.Mapped(A));
            byte[] dev = Pattern.bytes(0, 0, 2);
            run.accept(new Op.DeviceWrite("m0", 0, 0, 2, 0), new OpResult.Transferred(0, 0, A, dev));
            run.accept(new Op.SyncSingle("m0", true, 0, 1, Direction.BIDIRECTIONAL), new OpResult.Done());
            run.accept(new Op.UnmapSingle("m0", Op.MapKind.PHYS, 0, 3, Direction.BIDIRECTIONAL, 0), new OpResult.Released());
            assertThat(l.data().cpu().runs(A, 1).get(0).known()).isFalse();
            assertThat(expectCpu(l, A + 2)).isZero();
            if (coherent) {
                assertThat(expectCpu(l, A + 1)).isEqualTo(dev[1]); // no cache to revert it
            } else {
                assertThat(l.data().cpu().runs(A + 1, 1).get(0).known()).isFalse();
            }
        }
    }

    @Test
    void aDeviceWriteThroughAToDeviceMappingNextToAPartialSyncIsUnknownToTheDevice() {
        // the shrunk swiotlb-pressure report (seed 22, 3000 tries): nothing stops a device writing through a
        // TO_DEVICE mapping without an IOMMU; a sync_for_device of byte 0 then cleans the bounce slot's line
        // from the CPU's stale copy, so the device may read its own byte 1 back or the old one
        Ledger l = new Ledger(Platform.builder().device(DeviceConfig.builder("d").coherent(false).build()).build());
        l.apply(new Executed(1, new Op.MapSingle("m0", DEV, Op.MapKind.PHYS, A, 0x100, Direction.TO_DEVICE, 0),
                new OpResult.Mapped(A), null, List.of(), List.of()));
        l.apply(new Executed(2, new Op.DeviceWrite("m0", 0, 0, 2, 0),
                new OpResult.Transferred(0, 0, A, Pattern.bytes(0, 0, 2)), null, List.of(), List.of()));
        assertThat(l.data().track("m0").device().runs(A + 1, 1).get(0).known()).isTrue();
        l.apply(new Executed(3, new Op.SyncSingle("m0", true, 0, 1, Direction.TO_DEVICE), new OpResult.Done(), null,
                List.of(), List.of()));
        assertThat(l.data().track("m0").device().runs(A + 1, 1).get(0).known()).isFalse();
        // a line away (64 bytes) and beyond, the device's view is the CPU's copy in: zero
        assertThat(l.data().track("m0").device().runs(A + 0x40, 1).get(0).data()).containsExactly(0);
    }

    @Test
    void aCpuWriteWhileMappedIsUnknownToTheDeviceUntilTheNextCopyIn() {
        apply(new Op.MapSingle("m1", DEV, Op.MapKind.PHYS, A, 0x100, Direction.TO_DEVICE, 0), new OpResult.Mapped(A));
        assertThat(ledger.data().track("m1").device().runs(A, 1).get(0).data()).containsExactly(0);
        apply(new Op.CpuWrite(A, 0x10, 4), new OpResult.Done());
        assertThat(ledger.data().track("m1").device().runs(A, 1).get(0).known()).isFalse();
        apply(new Op.SyncSingle("m1", true, 0, 0x10, Direction.TO_DEVICE), new OpResult.Done());
        assertThat(ledger.data().track("m1").device().runs(A, 1).get(0).data()).containsExactly(Pattern.at(4, 0));
    }

    @Test
    void anotherMappingsCopyOutCanRevertDeviceWrites() {
        // m1 and m2 both map A (FROM_DEVICE); the device writes through m1; m2's slot still holds the old bytes
        apply(new Op.MapSingle("m1", DEV, Op.MapKind.PHYS, A, 0x100, Direction.FROM_DEVICE, 0), new OpResult.Mapped(A));
        apply(new Op.MapSingle("m2", DEV, Op.MapKind.PHYS, A, 0x100, Direction.FROM_DEVICE, 0), new OpResult.Mapped(A));
        apply(new Op.DeviceWrite("m1", 0, 0, 4, 1), new OpResult.Transferred(0, 0, A, Pattern.bytes(1, 0, 4)));
        apply(new Op.UnmapSingle("m1", Op.MapKind.PHYS, 0, 0x100, Direction.FROM_DEVICE, 0), new OpResult.Released(), "m1");
        assertThat(expectCpu(ledger, A)).isEqualTo(Pattern.at(1, 0));
        apply(new Op.UnmapSingle("m2", Op.MapKind.PHYS, 0, 0x100, Direction.FROM_DEVICE, 0), new OpResult.Released(), "m2");
        assertThat(ledger.data().cpu().runs(A, 4).get(0).known()).isFalse();
        assertThat(expectCpu(ledger, A + 4)).isZero(); // bytes nobody wrote stay as they were
    }
}
