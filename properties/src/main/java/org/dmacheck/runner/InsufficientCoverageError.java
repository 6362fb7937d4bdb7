package org.dmacheck.runner;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown by {@link Property#check} when a coverage requirement is provably not met. */
public final class InsufficientCoverageError extends AssertionError {

    private static final long serialVersionUID = 1L;

    private final transient List<CoverageVerdict> unmet;

    /** The error for the unmet verdicts of a run with {@code seed}. */
    public InsufficientCoverageError(String property, long seed, List<CoverageVerdict> unmet) {
        super("Property '" + property + "' passed, but coverage is provably too low (seed " + seed + "):\n"
                + unmet.stream().map(v -> "  " + v).collect(Collectors.joining("\n")));
        this.unmet = List.copyOf(unmet);
    }

    /** The insufficient verdicts. */
    public List<CoverageVerdict> unmet() {
        return unmet;
    }
}
