package org.dmacheck.runner;

import java.util.Set;

/**
 * What one try came to. The choices it consumed stay with the {@link org.dmacheck.gen.ChoiceStream}
 * it ran on, which callers ask only when they need them.
 *
 * @param <T> value type
 */
sealed interface TryOutcome<T> permits TryOutcome.Passed, TryOutcome.Discarded, TryOutcome.Failed {

    /** The property held; {@code labels} are the try's statistics labels. */
    record Passed<T>(T value, Set<String> labels) implements TryOutcome<T> {
    }

    /** The try was rejected (filter gave up, assumption failed, choice limit hit). */
    record Discarded<T>(String reason) implements TryOutcome<T> {
    }

    /** The property failed with {@code error}, keyed {@code key}. */
    record Failed<T>(T value, Throwable error, String key) implements TryOutcome<T> {
    }
}
