package org.dmacheck.gen;

import java.util.function.Predicate;
import java.util.function.Supplier;

/** Retries a generator until its value satisfies a condition; each attempt is its own span. */
record Filtered<T>(Supplier<String> description, Gen<T> source, Predicate<? super T> condition) implements Gen<T> {

    /** Attempts per generated value before the try is discarded. */
    static final int MAX_ATTEMPTS = 100;

    @Override
    public T generate(ChoiceStream in) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            T value = in.draw(source);
            if (condition.test(value)) {
                return value;
            }
        }
        throw new FilterExhaustedException(description.get(), MAX_ATTEMPTS);
    }

    @Override
    public String describe() {
        return description.get() + ".filter";
    }

    @Override
    public String toString() {
        return describe();
    }
}
