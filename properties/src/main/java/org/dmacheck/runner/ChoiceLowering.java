package org.dmacheck.runner;

import java.util.function.LongPredicate;

/**
 * Lowers each choice as far as it will go. For one choice with value {@code v} it tries 0 and 1,
 * then halving ({@code v >> k} for the largest {@code k} that still fails), then subtracting
 * multiples of 2 (which keeps the sign of a zigzag-encoded integer, and any parity the failure
 * depends on), then multiples of 1 — each in O(log) tries. Where lowering a choice changes the
 * meaning of the choices after it (an alternative index, a node kind), it also tries the lowered
 * choice with the rest of its span zeroed.
 */
record ChoiceLowering() implements ShrinkPass {

    @Override
    public String name() {
        return "lower choices";
    }

    @Override
    public boolean run(ShrinkState<?> state) {
        boolean progress = false;
        for (int i = 0; i < state.length() && !state.exhausted(); i++) {
            progress |= lower(state, i);
        }
        return progress;
    }

    private static boolean lower(ShrinkState<?> state, int i) {
        long value = state.choice(i);
        if (value == 0) {
            return false;
        }
        int restEnd = state.tree().restOfSpan(i);
        if (restEnd > i + 1 && state.trySetAndZero(i, 0, restEnd)) {
            return true;
        }
        boolean improved = minimise(value, v -> i < state.length() && state.trySet(i, v));
        if (!improved && restEnd > i + 1 && value > 1) {
            improved = state.trySetAndZero(i, value - 1, restEnd);
        }
        return improved;
    }

    /**
     * Lowers an unsigned value: {@code accept(v)} proposes {@code v} (smaller than the current
     * value) and says whether it was kept. Returns whether anything was kept.
     */
    static boolean minimise(long value, LongPredicate accept) {
        if (accept.test(0)) {
            return true;
        }
        if (Long.compareUnsigned(value, 1) > 0 && accept.test(1)) {
            return true;
        }
        long[] current = {value};
        boolean improved = false;
        long shifts = ShrinkPass.largest(k -> accept.test(current[0] >>> k), 63);
        if (shifts > 0) {
            current[0] >>>= shifts;
            improved = true;
        }
        for (long step : new long[] {2, 1}) {
            long base = current[0];
            long limit = Long.divideUnsigned(base, step);
            long taken = ShrinkPass.largest(k -> accept.test(base - k * step), limit < 0 ? Long.MAX_VALUE : limit);
            if (taken > 0) {
                current[0] = base - taken * step;
                improved = true;
            }
        }
        return improved;
    }
}
