package org.dmacheck.runner;

/**
 * The body of a property: checks one generated value, throwing (an assertion error, any exception)
 * when the property does not hold.
 *
 * @param <T> value type
 */
@FunctionalInterface
public interface Check<T> {

    /** Checks {@code value}; returns normally when the property holds. */
    void check(T value) throws Throwable;
}
