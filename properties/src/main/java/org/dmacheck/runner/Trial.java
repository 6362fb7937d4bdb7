package org.dmacheck.runner;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.dmacheck.gen.ChoiceStream;
import org.dmacheck.gen.Discard;
import org.dmacheck.gen.Gen;
import org.opentest4j.TestAbortedException;

/**
 * One try: generate a value from a choice stream, run the property body on it, classify the outcome.
 *
 * @param gen         the generator
 * @param body        the property body
 * @param classifiers labellers of values; a {@code null} label means "no label"
 * @param executor    runs the body (inline or with a timeout)
 * @param <T>         value type
 */
record Trial<T>(Gen<T> gen, ContextCheck<? super T> body, List<Function<? super T, String>> classifiers,
                TryExecutor executor) {

    /**
     * Runs one try on {@code in}. Exceptions thrown by the generator itself (other than
     * {@link Discard}) propagate: they are bugs in the generator, not failures of the property.
     */
    TryOutcome<T> run(ChoiceStream in) {
        T value;
        try {
            value = in.draw(gen);
        } catch (Discard discard) {
            return new TryOutcome.Discarded<>(discard.getMessage());
        }
        TryContext context = new TryContext();
        Throwable error = executor.run(() -> body.check(value, context));
        if (error == null) {
            return new TryOutcome.Passed<>(value, labels(value, context));
        }
        if (error instanceof Discard || error instanceof TestAbortedException) {
            return new TryOutcome.Discarded<>(String.valueOf(error.getMessage()));
        }
        return new TryOutcome.Failed<>(value, error, PropertyViolation.keyOf(error));
    }

    private Set<String> labels(T value, TryContext context) {
        Set<String> labels = new LinkedHashSet<>();
        for (Function<? super T, String> classifier : classifiers) {
            String label = classifier.apply(value);
            if (label != null) {
                labels.add(label);
            }
        }
        labels.addAll(context.labels());
        return labels;
    }
}
