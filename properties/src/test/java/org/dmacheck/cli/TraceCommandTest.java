package org.dmacheck.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dmacheck.spec.op.DmaTrace;
import org.dmacheck.spec.op.TraceReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    private static String fixture(String name) throws Exception {
        return Path.of(TraceCommandTest.class.getResource("/traces/" + name).toURI()).toString();
    }

    @Test
    void theSampleIsCleanAndBecomesAReplayableTrace(@TempDir Path dir) throws Exception {
        Path test = dir.resolve("sample.trace");
        assertThat(run("trace", fixture("linux-7.3-dma-trace-sample.txt"), "--to-test", test.toString()))
                .isEqualTo(Main.OK);
        assertThat(out.toString()).contains("verdict: clean").contains("wrote 179 steps on 2 device(s) to " + test)
                .contains("reference: replayed 179 steps (0 skipped, 0 threw, 0 driver misuse): every invariant held");
        DmaTrace t = TraceReader.read(test);
        assertThat(t.steps()).hasSize(179);
    }

    @Test
    void aPlantedViolationExitsOne() throws Exception {
        assertThat(run("trace", fixture("size-mismatch.txt"))).isEqualTo(Main.FAILED);
        assertThat(out.toString()).contains("DRIVER size-mismatch");
    }

    @Test
    void aMalformedTraceIsOneLineWithFileAndLineAndExitTwo(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.txt");
        Files.writeString(bad, "# tracer: nop\n a-1 [000] ..... 1.0: dma_unmap_phys: nic dir=UP dma_addr=1 size=1 attrs=\n");
        assertThat(run("trace", bad.toString())).isEqualTo(Main.USAGE);
        assertThat(err.toString().strip()).isEqualTo("dmacheck: " + bad + ":2: dma_unmap_phys: dir=UP is not a DMA direction");
        assertThat(run("trace", dir.resolve("missing.txt").toString())).isEqualTo(Main.USAGE);
    }
}
