package org.dmacheck.runner;

import java.util.Arrays;
import org.dmacheck.gen.ChoiceSequence;
import org.dmacheck.gen.Span;

/**
 * Sorts neighbours: swaps adjacent like spans (siblings with the same label, such as two list
 * elements) when the second is smaller, then adjacent single choices when the second is smaller.
 * Repeated over rounds this sorts elements, so {@code [1, 0]} becomes {@code [0, 1]}.
 */
record Reordering() implements ShrinkPass {

    @Override
    public String name() {
        return "sort neighbours";
    }

    @Override
    public boolean run(ShrinkState<?> state) {
        boolean progress = false;
        for (int index = 0; !state.exhausted(); index++) {
            SpanTree tree = state.tree();
            if (index >= tree.size()) {
                break;
            }
            int next = tree.nextLike(index);
            if (next >= 0) {
                progress |= swapIfDescending(state, tree.span(index), tree.span(next));
            }
        }
        for (int i = 0; i + 1 < state.length() && !state.exhausted(); i++) {
            if (Long.compareUnsigned(state.choice(i), state.choice(i + 1)) > 0) {
                long[] candidate = state.choices();
                candidate[i] = state.choice(i + 1);
                candidate[i + 1] = state.choice(i);
                progress |= state.consider(candidate) == ShrinkState.Verdict.IMPROVED;
            }
        }
        return progress;
    }

    private static boolean swapIfDescending(ShrinkState<?> state, Span first, Span second) {
        long[] choices = state.choices();
        long[] a = Arrays.copyOfRange(choices, first.start(), first.end());
        long[] b = Arrays.copyOfRange(choices, second.start(), second.end());
        if (ChoiceSequence.compareShortlex(b, b.length, a, a.length) >= 0) {
            return false;
        }
        long[] swapped = new long[a.length + b.length];
        System.arraycopy(b, 0, swapped, 0, b.length);
        System.arraycopy(a, 0, swapped, b.length, a.length);
        return state.tryReplace(first.start(), second.end(), swapped);
    }
}
