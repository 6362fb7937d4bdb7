package org.dmacheck.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class MainTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void anUnknownOptionIsOneLineOnStderrWithExitCode2() {
        assertThat(run("engines", "--frobnicate")).isEqualTo(Main.USAGE);
        assertThat(err.toString()).startsWith("dmacheck: Unknown option: '--frobnicate'");
        assertThat(err.toString().strip().lines()).hasSize(1);
    }

    @Test
    void enginesListsWhatServiceLoaderFinds() {
        assertThat(run("engines")).isEqualTo(Main.OK);
        assertThat(err.toString()).isEmpty();
        assertThat(out.toString()).isNotEmpty();
    }
}
