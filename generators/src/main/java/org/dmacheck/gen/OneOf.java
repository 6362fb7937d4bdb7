package org.dmacheck.gen;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Picks one of several generators with one choice (its index, so earlier alternatives are simpler)
 * and generates with it in its own span.
 */
final class OneOf<T> implements Gen<T> {

    private final List<Gen<? extends T>> alternatives;
    private final double[] weights;

    OneOf(List<Weighted<? extends T>> alternatives) {
        if (alternatives.isEmpty()) {
            throw new IllegalArgumentException("no alternatives");
        }
        this.alternatives = alternatives.stream().<Gen<? extends T>>map(Weighted::gen).toList();
        this.weights = alternatives.stream().mapToDouble(Weighted::weight).toArray();
    }

    @Override
    public T generate(ChoiceStream in) {
        return in.draw(alternatives.get(in.drawWeighted(weights)));
    }

    @Override
    public String describe() {
        return alternatives.stream().map(Gen::describe).collect(Collectors.joining(", ", "oneOf(", ")"));
    }

    @Override
    public String toString() {
        return describe();
    }
}
