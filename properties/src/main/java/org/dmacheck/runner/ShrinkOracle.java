package org.dmacheck.runner;

import org.dmacheck.gen.ChoiceRecord;
import org.dmacheck.gen.ChoiceSequence;

/**
 * Replays a candidate choice list and says whether it still fails the same way.
 *
 * @param <F> what the caller keeps about a failure (value, exception, ...)
 */
@FunctionalInterface
interface ShrinkOracle<F> {

    /** Regenerates from {@code candidate}, runs the property, and reports the outcome. */
    Evaluation<F> evaluate(ChoiceSequence candidate);

    /**
     * One replay: the choices actually consumed (with spans), and the failure if it failed the
     * same way as the counterexample being shrunk, else {@code null}.
     */
    record Evaluation<F>(ChoiceRecord record, F failure) {

        boolean interesting() {
            return failure != null;
        }
    }
}
