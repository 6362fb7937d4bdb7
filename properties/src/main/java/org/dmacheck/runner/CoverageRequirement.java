package org.dmacheck.runner;

import java.util.Objects;

/**
 * "At least {@code minPercent}% of tries carry {@code label}".
 *
 * @param label      a label given by a classifier or {@link TryContext#label}
 * @param minPercent required share of tries, in percent (0..100)
 */
public record CoverageRequirement(String label, double minPercent) {

    /** Validates the fields. */
    public CoverageRequirement {
        Objects.requireNonNull(label);
        if (!(minPercent >= 0 && minPercent <= 100)) {
            throw new IllegalArgumentException("minPercent must be in [0, 100]: " + minPercent);
        }
    }
}
