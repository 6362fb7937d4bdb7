package org.dmacheck.runner;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * A falsified property: everything needed to understand and reproduce the failure.
 *
 * @param property    the property's name, or {@code "property"}
 * @param search      the search that found the failure
 * @param original    the first failing value found
 * @param shrunk      the minimised failing value; {@link Property#replay} of its replay key
 *                    regenerates it exactly
 * @param error       what the property threw for the shrunk value
 * @param key         the failure key (see {@link PropertyViolation#keyOf}); the same for
 *                    {@code original} and {@code shrunk}
 * @param failingStep for command sequences, the 0-based index of the step at which the shrunk value
 *                    failed
 * @param shrink      how shrinking went
 * @param <T>         value type
 */
public record Failure<T>(String property, RunSummary search, Counterexample<T> original, Counterexample<T> shrunk,
                         Throwable error, String key, OptionalInt failingStep, ShrinkSummary shrink) {

    /** Validates the fields. */
    public Failure {
        Objects.requireNonNull(property);
        Objects.requireNonNull(search);
        Objects.requireNonNull(original);
        Objects.requireNonNull(shrunk);
        Objects.requireNonNull(error);
        Objects.requireNonNull(key);
        Objects.requireNonNull(failingStep);
        Objects.requireNonNull(shrink);
    }

    /** The shrunk failing value. */
    public T value() {
        return shrunk.value();
    }

    /** The replay key of the shrunk value. */
    public String replayKey() {
        return shrunk.replayKey();
    }

    /** The multi-line report for people, as in {@link PropertyFailedError}. */
    public String report() {
        return FailureReport.render(this);
    }
}
