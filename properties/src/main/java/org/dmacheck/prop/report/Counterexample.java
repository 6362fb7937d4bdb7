package org.dmacheck.prop.report;

import java.util.List;
import java.util.Objects;
import org.dmacheck.spec.op.DmaTrace;

/**
 * A failing run, as a report shows it.
 *
 * @param property    the property's name, e.g. {@code single-maps}
 * @param engine      the engine's provider name
 * @param trace       the platform and the numbered steps with their results (metadata is added by
 *                    the writer)
 * @param invariant   what failed: an invariant's name, a contract check, or {@code engine-hang} /
 *                    {@code engine-exception}
 * @param failingStep the step (1-based) after which it failed; past the last step for the final
 *                    teardown check (after time has passed)
 * @param teardownFrom the first teardown step (1-based); past the last step when the run stopped
 *                    before teardown
 * @param failure     the failure in dma-debug style; the first line is the summary, the rest evidence
 * @param seed        the search seed
 * @param choices     the (shrunk) choice list as text
 * @param search      how it was found, e.g. {@code found at try 37 of 200, shrunk in 212 steps}
 * @param kernelLog   the platform's kernel log lines ({@code WARN}s), possibly empty
 */
public record Counterexample(String property, String engine, DmaTrace trace, String invariant, int failingStep,
                             int teardownFrom,
                             String failure, long seed, String choices, String search, List<String> kernelLog) {
    public Counterexample {
        Objects.requireNonNull(property, "property");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(trace, "trace");
        Objects.requireNonNull(invariant, "invariant");
        Objects.requireNonNull(failure, "failure");
        choices = choices == null ? "" : choices;
        search = search == null ? "" : search;
        kernelLog = List.copyOf(kernelLog);
    }

    /** The first line of the failure. */
    public String summary() {
        int nl = failure.indexOf('\n');
        return nl < 0 ? failure : failure.substring(0, nl);
    }

    /** Where the failure happened, for humans: {@code step 4}, {@code step 6 (teardown)}. */
    public String where() {
        if (failingStep > trace.steps().size()) {
            return "the end of teardown";
        }
        return "step " + failingStep + (failingStep >= teardownFrom ? " (teardown)" : "");
    }
}
