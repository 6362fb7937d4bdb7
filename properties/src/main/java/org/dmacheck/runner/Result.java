package org.dmacheck.runner;

import java.util.List;

/**
 * The outcome of running a property.
 *
 * @param <T> value type
 */
public sealed interface Result<T> permits Result.Passed, Result.Falsified, Result.GaveUp, Result.Undercovered {

    /** Seed, tries, discards, statistics and time of the search. */
    RunSummary summary();

    /** Whether the property passed (every try held and every coverage requirement is plausible). */
    default boolean passed() {
        return this instanceof Passed;
    }

    /**
     * Every try held.
     *
     * @param summary the run
     * @param <T>     value type
     */
    record Passed<T>(RunSummary summary) implements Result<T> {
    }

    /**
     * A try failed; the failure has been shrunk.
     *
     * @param summary the search up to the failure
     * @param failure the failure
     * @param <T>     value type
     */
    record Falsified<T>(RunSummary summary, Failure<T> failure) implements Result<T> {
    }

    /**
     * Too many tries were discarded to test the property.
     *
     * @param summary the run
     * @param reason  names the most frequent cause, e.g. the generator whose filter rejected too much
     * @param <T>     value type
     */
    record GaveUp<T>(RunSummary summary, String reason) implements Result<T> {
    }

    /**
     * Every try held, but some coverage requirement is provably not met.
     *
     * @param summary the run
     * @param unmet   the insufficient verdicts
     * @param <T>     value type
     */
    record Undercovered<T>(RunSummary summary, List<CoverageVerdict> unmet) implements Result<T> {
    }
}
