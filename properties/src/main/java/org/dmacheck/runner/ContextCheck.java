package org.dmacheck.runner;

/**
 * The body of a property that also labels tries (for statistics and coverage requirements) through
 * a {@link TryContext}.
 *
 * @param <T> value type
 */
@FunctionalInterface
public interface ContextCheck<T> {

    /** Checks {@code value}; returns normally when the property holds. */
    void check(T value, TryContext context) throws Throwable;
}
