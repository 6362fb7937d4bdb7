package org.dmacheck.prop.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.dmacheck.prop.CaseRun;
import org.dmacheck.prop.DmaCase;
import org.dmacheck.prop.DmaReplay;
import org.dmacheck.prop.Finding;
import org.dmacheck.prop.exec.CallTimer;
import org.dmacheck.spec.api.DmaEngineProvider;
import org.dmacheck.spec.api.Engines;
import org.dmacheck.spec.op.DmaTrace;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.op.TraceReader;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.Platform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A report's trace, read back from disk, replays to the same failure at the same step. */
class ReportReplayTest {
    @TempDir
    Path dir;

    /**
     * A 32-bit device without IOMMU or swiotlb maps a buffer at 5 GiB: dma-direct cannot reach it
     * and must fail; an engine that ignores the mask returns 0x140000000, beyond 0xffffffff.
     */
    private static final DmaCase ABOVE_THE_MASK = new DmaCase(
            Platform.builder().noSwiotlb().device(DeviceConfig.builder("dev0").masks(0xffff_ffffL).build()).config(),
            List.of(new Op.MapSingle("m1", DeviceId.of("dev0"), Op.MapKind.PHYS, 0x1_4000_0000L, 0x1000,
                    Direction.TO_DEVICE, 0)));

    @Test
    void theTraceOfAWrittenReportFailsTheSameWayWhenReplayedAndItsJUnitTestFailsToo() throws Exception {
        DmaEngineProvider broken = Engines.find("canary-mask-ignored");
        CaseRun.Outcome o;
        try (CallTimer timer = new CallTimer(Duration.ofSeconds(5))) {
            o = CaseRun.run(ABOVE_THE_MASK, broken, timer);
        }
        Finding f = o.failure().orElseThrow();
        assertThat(f.kind()).isEqualTo("MaskRespected");
        assertThat(f.step()).isEqualTo(1);

        ReportWriter.Written w = ReportWriter.write(dir, new Counterexample("single-maps", broken.name(), o.trace(),
                f.kind(), f.step(), o.teardownFrom(), f.text(), 7, "0 1", "by hand", o.kernelLog()));
        DmaTrace back = TraceReader.read(w.trace());
        CaseRun.Outcome again = DmaReplay.run(back, broken, Duration.ofSeconds(5));
        assertThat(again.failure()).contains(f);
        assertThat(again.steps()).isEqualTo(o.steps());

        String traceText = Files.readString(w.trace());
        assertThatThrownBy(() -> DmaReplay.assertHolds("MaskCounterexampleTest", traceText, broken.name()))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("MaskCounterexampleTest: MaskRespected at step 1 on engine canary-mask-ignored");
        // the same trace holds on the reference engine, which refuses the map
        DmaReplay.assertHolds("MaskCounterexampleTest", traceText, "reference");

        // the ready-to-paste JUnit test compiles against the test class path as it is
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-d", dir.resolve("classes").toString(),
                "-cp", System.getProperty("java.class.path"), w.junitTest().toString());
        assertThat(rc).isZero();
        assertThat(dir.resolve("classes/org/dmacheck/regression/SingleMapsCounterexampleTest.class")).exists();
    }
}
