package org.dmacheck.runner;

import java.util.function.LongPredicate;

/**
 * One way of proposing smaller choice lists. Each pass walks the current counterexample once,
 * proposing edits through {@link ShrinkState}; edits that still fail the same way are kept
 * immediately, so later proposals build on them.
 */
sealed interface ShrinkPass
        permits SpanDeletion, BlockDeletion, Zeroing, DescendantSubstitution, ChoiceLowering, DuplicateLowering,
        Reordering, Redistribution {

    /** Short name for diagnostics. */
    String name();

    /** Runs the pass once over the current counterexample; true if it improved it. */
    boolean run(ShrinkState<?> state);

    /** An edit proposed at one span; true if it improved the counterexample. */
    @FunctionalInterface
    interface SpanEdit {
        boolean apply(ShrinkState<?> state, SpanTree tree, int index);
    }

    /**
     * Applies {@code edit} at every span of the current counterexample, in order. After an edit
     * improves it, the same index is tried again on the new spans (the span now at that index is
     * the one after the edited part). Returns whether any edit improved it.
     */
    static boolean walkSpans(ShrinkState<?> state, SpanEdit edit) {
        boolean progress = false;
        int index = 0;
        while (!state.exhausted() && index < state.tree().size()) {
            if (edit.apply(state, state.tree(), index)) {
                progress = true;
            } else {
                index++;
            }
        }
        return progress;
    }

    /**
     * Largest {@code k} in {@code [0, limit]} with {@code holds(k)}, given {@code holds(0)} and
     * {@code limit >= 0}, assuming {@code holds} is monotone: probes 1, 2, 4, ... then bisects, so
     * it costs O(log k) calls.
     */
    static long largest(LongPredicate holds, long limit) {
        long good = 0;
        long bad = -1;
        for (long probe = 1; probe <= limit; probe *= 2) {
            if (!holds.test(probe)) {
                bad = probe;
                break;
            }
            good = probe;
            if (probe > limit / 2) {
                break;
            }
        }
        if (bad < 0) {
            if (good == limit || holds.test(limit)) {
                return limit;
            }
            bad = limit;
        }
        while (bad - good > 1) {
            long mid = good + (bad - good) / 2;
            if (holds.test(mid)) {
                good = mid;
            } else {
                bad = mid;
            }
        }
        return good;
    }
}
