package org.dmacheck.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @TempDir
    Path dir;

    private int run(String... args) {
        return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    /** The error output is exactly one line starting with {@code dmacheck: } (no stack trace). */
    private void assertOneLineError(String expectedStart) {
        assertThat(err.toString().lines()).hasSize(1);
        assertThat(err.toString()).startsWith(expectedStart);
    }

    @Test
    void anUnknownOptionIsOneLineWithExitCode2() {
        assertThat(run("engines", "--frobnicate")).isEqualTo(Main.USAGE);
        assertOneLineError("dmacheck: Unknown option: '--frobnicate'");
    }

    @Test
    void everySubcommandHasItsOwnHelp() {
        assertThat(run("run", "--help")).isEqualTo(Main.OK);
        assertThat(out.toString()).startsWith("Usage: dmacheck run").contains("--tries", "--engine", "--report-dir");
        out.getBuffer().setLength(0);
        assertThat(run("replay", "-h")).isEqualTo(Main.OK);
        assertThat(out.toString()).startsWith("Usage: dmacheck replay");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void aBadOptionOfASubcommandPointsAtThatSubcommandsHelp() {
        assertThat(run("run", "--tries", "many")).isEqualTo(Main.USAGE);
        assertThat(err.toString().lines()).hasSize(1);
        assertThat(err.toString()).startsWith("dmacheck: ").contains("'many'").endsWith("(see dmacheck run --help)" + System.lineSeparator());
    }

    @Test
    void enginesListsWhatServiceLoaderFinds() {
        assertThat(run("engines")).isEqualTo(Main.OK);
        assertThat(err.toString()).isEmpty();
        assertThat(out.toString()).containsPattern("(?m)^reference +\\S");
    }

    @Test
    void anUnknownEngineIsOneLineListingTheKnownOnes() {
        assertThat(run("run", "--engine", "nosuch")).isEqualTo(Main.USAGE);
        assertOneLineError("dmacheck: unknown engine 'nosuch'; known engines: ");
        assertThat(err.toString()).contains("reference");
    }

    @Test
    void badNumbersAndUnknownPropertiesAreOneLineErrors() {
        assertThat(run("run", "--tries", "0")).isEqualTo(Main.USAGE);
        assertOneLineError("dmacheck: --tries must be at least 1, got 0");
        err.getBuffer().setLength(0);
        assertThat(run("run", "--tries", "many")).isEqualTo(Main.USAGE);
        assertOneLineError("dmacheck: Invalid value for option '--tries'");
        err.getBuffer().setLength(0);
        assertThat(run("run", "--seed", "0xZZ")).isEqualTo(Main.USAGE);
        assertOneLineError("dmacheck: seed '0xZZ' is not a number");
        err.getBuffer().setLength(0);
        assertThat(run("run", "--property", "nosuch")).isEqualTo(Main.USAGE);
        assertOneLineError("dmacheck: unknown property 'nosuch'; properties: single-maps,");
    }

    @Test
    void aMissingTraceIsOneLineWithExitCode2() {
        Path missing = dir.resolve("missing.trace");
        assertThat(run("replay", missing.toString())).isEqualTo(Main.USAGE);
        assertOneLineError("dmacheck: cannot read trace " + missing + ": no such file");
    }

    @Test
    void aMalformedTraceIsOneLineNamingFileAndLine() throws IOException {
        Path bad = dir.resolve("bad.trace");
        Files.writeString(bad, "dmacheck-trace 1\nplatform page_size=0x1000\n1 map_single handle=m1\n");
        assertThat(run("replay", bad.toString())).isEqualTo(Main.USAGE);
        assertOneLineError("dmacheck: " + bad + ":3: ");
    }

    @Test
    void aTraceOfAFixedOrHealthyRunHoldsWithExitCode0() throws IOException {
        Path ok = dir.resolve("ok.trace");
        Files.writeString(ok, """
                dmacheck-trace 1
                platform page_size=0x1000
                region SYSTEM_RAM start=0x100000 size=0x1000000
                device dev0 dma_mask=0xffffffff
                1 map_single handle=m1 dev=dev0 kind=PHYS phys=0x200000 size=0x1000 dir=TO_DEVICE attrs=
                2 device_read handle=m1 segment=0 offset=0x0 len=0x10
                """);
        assertThat(run("replay", ok.toString(), "--engine", "reference")).as(err.toString()).isEqualTo(Main.OK);
        assertThat(out.toString()).contains("holds:");
    }

    @Test
    void aFailingPropertyExitsWith1AndNamesTheReportThatReplaysToTheSameFailure() {
        int code = run("run", "--engine", "canary-missing-bus-offset", "--property", "resource-p2p",
                "--tries", "300", "--seed", "20261127", "--report-dir", dir.toString());
        assertThat(code).as(out.toString() + err.toString()).isEqualTo(Main.FAILED);
        Path report = dir.resolve("resource-p2p").resolve("report.txt");
        assertThat(out.toString()).contains("failed", "report " + report);
        assertThat(report).exists();

        out.getBuffer().setLength(0);
        Path trace = dir.resolve("resource-p2p").resolve("counterexample.trace");
        assertThat(run("replay", trace.toString())).isEqualTo(Main.FAILED);
        // the missing offset breaks Translation first, P2pTranslation alongside (see CanaryTest)
        assertThat(out.toString()).containsPattern("FAILED: (P2p)?Translation at step 1").contains("same failure as recorded");
    }
}
