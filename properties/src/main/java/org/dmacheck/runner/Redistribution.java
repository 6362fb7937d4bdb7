package org.dmacheck.runner;

/**
 * Moves value between two nearby choices: lowers an earlier one and raises a later one by the same
 * amount, as far as the failure allows. This reaches minima that single-choice lowering cannot,
 * where the failure depends on a sum (two numbers that must together overflow). Amounts are tried
 * in steps of two as well as one, because signed integers interleave signs between odd and even
 * choices.
 */
record Redistribution() implements ShrinkPass {

    /** How many following choices are considered as partners of each choice. */
    private static final int WINDOW = 16;
    /** Values are moved only into choices at least this large (not into flags or small indices). */
    private static final long MIN_TARGET = 2;

    @Override
    public String name() {
        return "redistribute between pairs";
    }

    @Override
    public boolean run(ShrinkState<?> state) {
        boolean progress = false;
        for (int i = 0; i < state.length() && !state.exhausted(); i++) {
            for (int j = i + 1; j < Math.min(state.length(), i + 1 + WINDOW) && !state.exhausted(); j++) {
                if (state.choice(i) != 0 && inRange(state.choice(j), MIN_TARGET)) {
                    progress |= move(state, i, j, 2) | move(state, i, j, 1);
                }
            }
        }
        return progress;
    }

    /** Whether {@code value} is at least {@code min} and small enough to add to without overflow. */
    private static boolean inRange(long value, long min) {
        return value >= min && value < Long.MAX_VALUE / 4;
    }

    private static boolean move(ShrinkState<?> state, int from, int to, long step) {
        if (from >= state.length() || to >= state.length() || !inRange(state.choice(from), step)
                || !inRange(state.choice(to), MIN_TARGET)) {
            return false;
        }
        long[] base = state.choices();
        long moved = ShrinkPass.largest(k -> {
            long[] candidate = base.clone();
            candidate[from] -= k * step;
            candidate[to] += k * step;
            return state.consider(candidate) == ShrinkState.Verdict.IMPROVED;
        }, base[from] / step);
        return moved > 0;
    }
}
