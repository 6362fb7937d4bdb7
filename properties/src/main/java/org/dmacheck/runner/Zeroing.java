package org.dmacheck.runner;

import org.dmacheck.gen.Span;

/**
 * Replaces a span's choices, then aligned blocks of 8, 4 and 2 choices, with zeros: the simplest
 * version of that part of the value, of the same length.
 */
record Zeroing() implements ShrinkPass {

    private static final int[] BLOCK_SIZES = {8, 4, 2};

    @Override
    public String name() {
        return "zero spans and blocks";
    }

    @Override
    public boolean run(ShrinkState<?> state) {
        boolean progress = false;
        for (int i = 0; i < state.spans().size() && !state.exhausted(); i++) {
            Span span = state.spans().get(i);
            if (span.length() > 1 && span.end() <= state.length() && !allZero(state, span.start(), span.end())) {
                progress |= state.tryZero(span.start(), span.end());
            }
        }
        for (int size : BLOCK_SIZES) {
            for (int from = 0; from + size <= state.length() && !state.exhausted(); from += size) {
                if (!allZero(state, from, from + size)) {
                    progress |= state.tryZero(from, from + size);
                }
            }
        }
        return progress;
    }

    private static boolean allZero(ShrinkState<?> state, int from, int to) {
        for (int i = from; i < to; i++) {
            if (state.choice(i) != 0) {
                return false;
            }
        }
        return true;
    }
}
