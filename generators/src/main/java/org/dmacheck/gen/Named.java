package org.dmacheck.gen;

import java.util.function.Supplier;

/**
 * A generator with a description for error messages, computed only when asked for (generators are
 * often created per step of a stateful sequence, and descriptions are rarely needed).
 */
record Named<T>(Supplier<String> description, Gen<T> gen) implements Gen<T> {

    @Override
    public T generate(ChoiceStream in) {
        return gen.generate(in);
    }

    @Override
    public String describe() {
        return description.get();
    }

    @Override
    public String toString() {
        return describe();
    }
}
