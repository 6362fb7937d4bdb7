package org.dmacheck.prop.canary;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.dmacheck.prop.CaseRun;
import org.dmacheck.prop.CheckSettings;
import org.dmacheck.prop.DmaProperties;
import org.dmacheck.prop.DmaReplay;
import org.dmacheck.prop.Finding;
import org.dmacheck.prop.PropertyVerdict;
import org.dmacheck.prop.report.Counterexample;
import org.dmacheck.spec.api.Engines;
import org.dmacheck.spec.op.TraceReader;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The proof that the harness works: every deliberately broken engine is caught by its property,
 * with the invariant that guards against that bug, shrunk to at most 6 steps, written as a report
 * whose trace replays to the same failure.
 */
class CanaryTest {
    /** Executed steps up to and including the failing one, teardown steps included. */
    static final int MAX_STEPS = 6;

    /** Base tries: a canary must be found well within them. */
    private static final int TRIES = 300;

    /** Fixed, so the canary run is the same on every machine. */
    private static final long SEED = 20261127L;

    @TempDir
    Path reports;

    static Stream<CanaryProvider> canaries() {
        return Engines.available().stream().filter(p -> p instanceof CanaryProvider).map(p -> (CanaryProvider) p);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("canaries")
    void isCaughtWithAShortCounterexampleThatReplays(CanaryProvider canary) throws Exception {
        CheckSettings settings = CheckSettings.fromSystemProperties().withSeed(SEED).withTries(TRIES)
                .withReportDir(reports);
        if (canary instanceof HangingMapSg) {
            // every shrink candidate that reaches dma_map_sg costs the whole limit
            settings = settings.withCallLimit(Duration.ofMillis(500)).withShrinkBudget(20);
        }
        PropertyVerdict v = DmaProperties.check(DmaProperties.named(canary.property()), canary, settings);

        assertThat(v.status()).as(canary.name() + ": " + v.detail()).isEqualTo(PropertyVerdict.Status.FAILED);
        Counterexample cx = v.failure().orElseThrow();
        // caught by its invariant: that invariant reports at the failing step (first, or as an "also" line)
        assertThat(reported(cx)).as(cx.failure() + "\n" + cx.trace().steps()).containsAnyElementsOf(canary.caughtBy());
        int steps = Math.min(cx.failingStep(), cx.trace().steps().size());
        System.out.printf("canary %-32s caught by %-16s at %-28s %d step(s)%n", canary.name(), cx.invariant(),
                cx.where(), steps);
        assertThat(steps).as("shrunk counterexample of " + canary.name() + ":\n" + cx.trace().steps())
                .isLessThanOrEqualTo(MAX_STEPS);

        Path trace = v.report().orElseThrow().trace();
        assertThat(Files.readString(v.report().orElseThrow().report())).contains(cx.invariant());
        CaseRun.Outcome replayed = DmaReplay.run(TraceReader.read(trace), canary, settings.callLimit());
        Finding again = replayed.failure().orElseThrow(() -> new AssertionError("the trace of " + canary.name()
                + " does not fail when replayed"));
        assertThat(List.of(again.kind(), again.step())).isEqualTo(List.of(cx.invariant(), cx.failingStep()));
    }

    /** The kinds reported at the failing step: the first, then each {@code also Kind: ...} line. */
    private static List<String> reported(Counterexample cx) {
        List<String> kinds = new ArrayList<>(List.of(cx.invariant()));
        cx.failure().lines().filter(l -> l.startsWith("also ") && l.indexOf(':') > 5)
                .forEach(l -> kinds.add(l.substring(5, l.indexOf(':'))));
        return kinds;
    }

}
