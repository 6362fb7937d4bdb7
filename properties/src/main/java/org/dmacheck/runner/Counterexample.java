package org.dmacheck.runner;

import java.util.Objects;
import org.dmacheck.gen.ChoiceSequence;

/**
 * A failing value with the choices that generate it.
 *
 * @param value   the generated value
 * @param choices replaying these choices regenerates {@code value}
 * @param text    {@code value} printed for people
 * @param <T>     value type
 */
public record Counterexample<T>(T value, ChoiceSequence choices, String text) {

    /** Validates the fields. */
    public Counterexample {
        Objects.requireNonNull(choices);
        Objects.requireNonNull(text);
    }

    /** The replay key: {@link ChoiceText#format the text form} of the choices. */
    public String replayKey() {
        return ChoiceText.format(choices);
    }
}
