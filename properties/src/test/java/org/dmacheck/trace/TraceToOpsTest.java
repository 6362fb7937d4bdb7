package org.dmacheck.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.op.DmaTrace;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.op.TraceReader;
import org.dmacheck.spec.op.TraceWriter;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.MemoryRegion;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.platform.PlatformConfig;
import org.junit.jupiter.api.Test;

class TraceToOpsTest {

    @Test
    void theSampleBecomesAReplayableTraceOnAValidPlatform() {
        DmaTrace t = TraceToOps.convert(FtraceReader.read(TraceCheckTest.sample()));
        // 85 maps, 72 of the 73 unmaps (one unmaps a slice-1 mapping cut from the excerpt),
        // 11 allocs and the 11 frees of those (15 free buffers allocated in cut parts; one dma_free(NULL))
        assertThat(t.ops().stream().filter(o -> o instanceof Op.MapSingle)).hasSize(85);
        assertThat(t.ops().stream().filter(o -> o instanceof Op.UnmapSingle)).hasSize(72);
        assertThat(t.ops().stream().filter(o -> o instanceof Op.AllocCoherent)).hasSize(11);
        assertThat(t.ops().stream().filter(o -> o instanceof Op.FreeCoherent)).hasSize(11);
        assertThat(t.meta()).containsEntry("skipped.unmap-of-unknown-address", "1")
                .containsEntry("skipped.free-of-unknown-address", "15");
        assertThat(t.ops().get(0)).isEqualTo(new Op.AllocCoherent("c1", DeviceId.of("0000:00:02.0"), 512, 0));
        assertThat(t.steps().get(2).op()).isEqualTo(new Op.MapSingle("m3", DeviceId.of("0000:00:02.0"),
                Op.MapKind.PHYS, 0x12e95000L, 4096, Direction.FROM_DEVICE, 0));
        assertThat(t.steps().get(2).result()).isEqualTo("0x3a800000");

        PlatformConfig p = t.platform();
        Platform.build(p); // valid: disjoint, page aligned, no region at 0, whole swiotlb segments
        assertThat(p.devices()).extracting(DeviceConfig::id).extracting(DeviceId::name)
                .containsExactly("0000:00:02.0", "0000:00:03.0");
        assertThat(p.devices()).allSatisfy(d -> {
            assertThat(d.forceBounce()).isTrue();
            assertThat(d.dmaMask()).isEqualTo(-1L);
            assertThat(d.iommuDomain()).isNull();
        });
        // bounce slots 0x3a800000..0x3df4e010 → 2 MiB-aligned [0x3a800000, 0x3e000000), 56 MiB, grown down to 64 MiB
        assertThat(p.swiotlbPool()).isEqualTo(MemoryRegion.swiotlb(0x3a000000L, 0x4000000L));
        for (Op op : t.ops()) {
            if (op instanceof Op.MapSingle m) {
                assertThat(p.regions()).anySatisfy(r -> assertThat(r.containsRange(m.phys(), m.size())).isTrue());
            }
        }
        assertThat(TraceReader.read("sample.trace", TraceWriter.write(t))).isEqualTo(t);

        // the real workload as a regression test: the reference engine keeps every invariant
        TraceReplay.Outcome replay = TraceReplay.run(t, "reference");
        assertThat(replay.violations()).isEmpty();
        assertThat(replay.skipped()).isZero();
        assertThat(replay.threw()).isZero();
    }

    @Test
    void iommuSgAndTwoStepCallsBecomeOpsOnAnIommuDevice() {
        DmaTrace t = TraceToOps.convert(FtraceReader.read(TraceCheckTest.fixture("clean-iommu.txt")));
        DeviceId nvme = DeviceId.of("0000:01:00.0");
        assertThat(t.ops()).containsExactly(
                new Op.MapSingle("m1", nvme, Op.MapKind.PHYS, 0x2000200, 512, Direction.FROM_DEVICE, 0),
                // one 8 KiB DMA segment for two entries: the first runs to its granule end (4 KiB), the last gets the rest
                new Op.MapSg("s2", nvme, List.of(new Scatterlist.Chunk(0x3000000, 4096), new Scatterlist.Chunk(0x3001000, 4096)),
                        Direction.TO_DEVICE, 0),
                new Op.SyncSg("s2", true, 2, Direction.TO_DEVICE),
                new Op.SyncSingle("m1", false, 0, 256, Direction.FROM_DEVICE),
                new Op.UnmapSingle("m1", Op.MapKind.PHYS, 0, 512, Direction.FROM_DEVICE, 0),
                new Op.UnmapSg("s2", 2, Direction.TO_DEVICE, 0),
                new Op.MapSingle("m3", nvme, Op.MapKind.PHYS, 0x2004000, 4096, Direction.FROM_DEVICE, 0),
                new Op.UnmapSingle("m3", Op.MapKind.PHYS, 0, 4096, Direction.FROM_DEVICE, 0),
                new Op.IovaTryAlloc("st4", nvme, 0x2000000, 8192),
                new Op.IovaLink("st4", 0x2000000, 0, 4096, Direction.TO_DEVICE, 0),
                new Op.IovaLink("st4", 0x2100000, 4096, 4096, Direction.TO_DEVICE, 0),
                new Op.IovaSync("st4", 0, 8192),
                new Op.IovaDestroy("st4", 8192, Direction.TO_DEVICE, 0));
        PlatformConfig p = t.platform();
        Platform.build(p);
        assertThat(p.devices().get(0).iommuDomain()).isEqualTo("iommu-0000:01:00.0");
        assertThat(p.domains()).hasSize(1);
        assertThat(p.swiotlbPool()).isNull();
        assertThat(TraceReplay.run(t, "reference").violations()).isEmpty();
    }

    @Test
    void aDoubleUnmapStaysADoubleUnmapOfTheSameHandle() {
        DmaTrace t = TraceToOps.convert(FtraceReader.read(TraceCheckTest.fixture("double-unmap.txt")));
        assertThat(t.ops()).containsExactly(
                new Op.MapSingle("m1", DeviceId.of("0000:01:00.0"), Op.MapKind.PHYS, 0x2000000, 4096, Direction.TO_DEVICE, 0),
                new Op.UnmapSingle("m1", Op.MapKind.PHYS, 0, 4096, Direction.TO_DEVICE, 0),
                new Op.UnmapSingle("m1", Op.MapKind.PHYS, 0, 4096, Direction.TO_DEVICE, 0));
    }
}
