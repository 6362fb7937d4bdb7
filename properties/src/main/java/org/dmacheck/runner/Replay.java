package org.dmacheck.runner;

import java.util.Optional;
import org.dmacheck.gen.ChoiceSequence;

/**
 * One replayed try.
 *
 * @param value   the value regenerated from the choices
 * @param choices the choices actually consumed
 * @param failure what the property threw, if it failed
 * @param <T>     value type
 */
public record Replay<T>(T value, ChoiceSequence choices, Optional<Throwable> failure) {

    /** Whether the property failed. */
    public boolean failed() {
        return failure.isPresent();
    }

    /** The failure key, if the property failed. */
    public Optional<String> failureKey() {
        return failure.map(PropertyViolation::keyOf);
    }
}
