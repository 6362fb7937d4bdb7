package org.dmacheck.gen;

import java.util.Objects;

/**
 * One alternative of {@link Gens#weighted}: a generator with a positive weight.
 *
 * @param weight relative probability when searching; must be positive
 * @param gen    the alternative
 * @param <T>    value type
 */
public record Weighted<T>(double weight, Gen<? extends T> gen) {

    /** Validates the weight. */
    public Weighted {
        if (!(weight > 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("weight must be positive and finite: " + weight);
        }
        Objects.requireNonNull(gen);
    }

    /** Shorthand for the constructor. */
    public static <T> Weighted<T> of(double weight, Gen<? extends T> gen) {
        return new Weighted<>(weight, gen);
    }
}
