package org.dmacheck.runner;

import java.util.Arrays;
import java.util.Objects;
import org.dmacheck.gen.Span;

/**
 * Replaces a span with one of its descendants carrying the same label: an expression by one of
 * its sub-expressions, a nested list by an inner one.
 */
record DescendantSubstitution() implements ShrinkPass {

    @Override
    public String name() {
        return "replace spans by descendants";
    }

    @Override
    public boolean run(ShrinkState<?> state) {
        return ShrinkPass.walkSpans(state, DescendantSubstitution::substitute);
    }

    private static boolean substitute(ShrinkState<?> state, SpanTree tree, int index) {
        Span outer = tree.span(index);
        for (int inner = tree.descendantsFrom(index); inner < tree.descendantsTo(index); inner++) {
            Span candidate = tree.span(inner);
            if (candidate.length() < outer.length() && Objects.equals(candidate.label(), outer.label())) {
                long[] replacement = Arrays.copyOfRange(state.choices(), candidate.start(), candidate.end());
                if (state.tryReplaceShorter(outer.start(), outer.end(), replacement)) {
                    return true;
                }
            }
            if (state.exhausted()) {
                return false;
            }
        }
        return false;
    }
}
