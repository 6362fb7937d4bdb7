package org.dmacheck.prop.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.dmacheck.spec.op.DmaTrace;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.op.TraceReader;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.MemoryRegion;
import org.dmacheck.spec.platform.PlatformConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {
    @TempDir
    Path dir;

    private static final DeviceId DEV = DeviceId.of("dev0");

    private static Counterexample example() {
        PlatformConfig platform = new PlatformConfig(4096, 64, 52,
                List.of(MemoryRegion.ram(0x100000, 0x1000000), MemoryRegion.swiotlb(0x2000000, 0x40000)),
                List.of(), List.of(), List.of(), List.of(DeviceConfig.builder("dev0").masks(0xffffffffL).build()),
                false, false, 1, false);
        DmaTrace trace = new DmaTrace(Map.of(), platform, List.of(
                new DmaTrace.Step(new Op.MapSingle("m1", DEV, Op.MapKind.PHYS, 0x100000, 0x1000, Direction.FROM_DEVICE, 0),
                        "0x2000000"),
                new DmaTrace.Step(new Op.DeviceWrite("m1", 0, 0, 0x200, 3), null),
                new DmaTrace.Step(new Op.UnmapSingle("m1", Op.MapKind.PHYS, 0, 0x1000, Direction.FROM_DEVICE, 0), null),
                new DmaTrace.Step(new Op.CpuRead(0x100000, 0x200), null)));
        return new Counterexample("single-maps", "reference", trace, "Data", 4, 5,
                "CPU reads data the device did not write [device address=0x2000000] [size=0x200] [step 4]\n"
                        + "expected pattern(3), found zeroes at offset 0x0",
                0x5eedL, "1 0 3 17", "found at try 3 of 200, shrunk in 40 steps", List.of());
    }

    @Test
    void writesTheTraceWithFailureMetadataThatReadsBackToTheSameSteps() {
        ReportWriter.Written w = ReportWriter.write(dir.resolve("single-maps"), example());
        DmaTrace back = TraceReader.read(w.trace());
        assertThat(back.ops()).isEqualTo(example().trace().ops());
        assertThat(back.meta()).containsEntry("property", "single-maps").containsEntry("engine", "reference")
                .containsEntry("seed", "24301").containsEntry("choices", "1 0 3 17")
                .containsEntry("failure.invariant", "Data").containsEntry("failure.step", "4")
                .containsEntry("failure.evidence",
                        "CPU reads data the device did not write [device address=0x2000000] [size=0x200] [step 4]");
    }

    @Test
    void theReportNumbersTheStepsMarksTheFailingOneAndNamesEveryFile() throws IOException {
        ReportWriter.Written w = ReportWriter.write(dir, example());
        String report = Files.readString(w.report());
        assertThat(report).startsWith("dmacheck: property single-maps FAILED on engine reference\n\n"
                + "invariant: Data at step 4\n"
                + "  CPU reads data the device did not write [device address=0x2000000] [size=0x200] [step 4]\n");
        assertThat(report).contains("  1  map_single handle=m1 dev=dev0 kind=PHYS phys=0x100000 size=0x1000 "
                + "dir=FROM_DEVICE attrs=  => 0x2000000\n");
        assertThat(report).contains("  4  cpu_read phys=0x100000 len=0x200   <-- Data\n");
        assertThat(report).contains("seed: 24301   (repeat the search: --seed 24301 or -Ddmacheck.seed=24301)\nchoices: 1 0 3 17\n");
        assertThat(report).contains("region SWIOTLB start=0x2000000 size=0x40000");
        assertThat(report).contains(w.trace().toString(), w.junitTest().toString(), w.reproducer().toString());
        assertThat(Files.readString(w.reproducer())).contains("dma_map_phys(dev0, 0x100000, 4096, DMA_FROM_DEVICE, 0);");
    }

    @Test
    void theJUnitTestEmbedsTheTraceAndCallsTheReplayApi() throws IOException {
        ReportWriter.Written w = ReportWriter.write(dir, example());
        assertThat(w.junitTest().getFileName().toString()).isEqualTo("SingleMapsCounterexampleTest.java");
        String test = Files.readString(w.junitTest());
        assertThat(test).contains("class SingleMapsCounterexampleTest {",
                "            dmacheck-trace 1\n",
                "            4 cpu_read phys=0x100000 len=0x200\n",
                "DmaReplay.assertHolds(\"SingleMapsCounterexampleTest\", TRACE, \"reference\");");
    }

    @Test
    void clearRemovesAnOldReportSoNoStaleOneOutlivesAFix() {
        ReportWriter.Written w = ReportWriter.write(dir, example());
        ReportWriter.clear(dir, "single-maps");
        assertThat(w.report()).doesNotExist();
        assertThat(w.trace()).doesNotExist();
        assertThat(w.junitTest()).doesNotExist();
        assertThat(w.reproducer()).doesNotExist();
    }
}
