package org.dmacheck.runner;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * A property failure that says <em>which</em> way the property failed. Throw it from a property
 * (or let {@link SequenceCheck} throw it) to give the failure a <em>key</em>, e.g. the name of the
 * invariant that broke; the shrinker then keeps only candidates failing with the same key. Without
 * a key, any exception is keyed by its class name.
 *
 * <p>A violation may also name the step of a command sequence at which it happened, and carries a
 * human-readable report that ends up in the failure report.
 */
public final class PropertyViolation extends AssertionError {

    private static final long serialVersionUID = 1L;

    /** Key of failures caused by a try exceeding the per-try timeout. */
    public static final String TIMEOUT_KEY = "timeout";

    private final String key;
    private final String report;
    private final int step;

    private PropertyViolation(String key, String report, int step, Throwable cause) {
        super(report, cause);
        this.key = Objects.requireNonNull(key);
        this.report = Objects.requireNonNull(report);
        this.step = step;
    }

    /** A violation with a key (e.g. an invariant name) and a report for people. */
    public PropertyViolation(String key, String report) {
        this(key, report, -1, null);
    }

    /** A violation with a key, a report, and the exception that revealed it. */
    public PropertyViolation(String key, String report, Throwable cause) {
        this(key, report, -1, cause);
    }

    /** A violation that happened at step {@code step} (0-based) of a command sequence. */
    public static PropertyViolation atStep(String key, int step, String report, Throwable cause) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0: " + step);
        }
        return new PropertyViolation(key, report, step, cause);
    }

    /** The failure key: which invariant or check broke. */
    public String key() {
        return key;
    }

    /** The report for people. */
    public String report() {
        return report;
    }

    /** The 0-based index of the failing step, if the property ran a command sequence. */
    public OptionalInt step() {
        return step < 0 ? OptionalInt.empty() : OptionalInt.of(step);
    }

    /**
     * The failure key of any throwable: a violation's own key, else the exception's class name. Two
     * failures "fail the same way" when their keys are equal.
     */
    public static String keyOf(Throwable failure) {
        return failure instanceof PropertyViolation violation ? violation.key : failure.getClass().getName();
    }
}
