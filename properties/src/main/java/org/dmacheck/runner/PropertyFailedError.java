package org.dmacheck.runner;

/**
 * Thrown by {@link Property#check} when a property is falsified. Its message is the full
 * {@link Failure#report() report} (seed, replay key, shrunk counterexample, failing step), so test
 * reports such as Surefire's XML show it; its cause is what the property threw for the shrunk value.
 */
public final class PropertyFailedError extends AssertionError {

    private static final long serialVersionUID = 1L;

    private final transient Failure<?> failure;

    /** The error for {@code failure}. */
    public PropertyFailedError(Failure<?> failure) {
        super(failure.report(), failure.error());
        this.failure = failure;
    }

    /** The failure, for programmatic inspection. */
    public Failure<?> failure() {
        return failure;
    }
}
