package org.dmacheck.runner;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lowers choices that share a value all together, for failures that need equal parts (a duplicate
 * element, two matching sizes): lowering one of them alone would break the equality.
 */
record DuplicateLowering() implements ShrinkPass {

    @Override
    public String name() {
        return "lower duplicates together";
    }

    @Override
    public boolean run(ShrinkState<?> state) {
        boolean progress = false;
        for (Map.Entry<Long, List<Integer>> group : duplicates(state).entrySet()) {
            if (state.exhausted()) {
                break;
            }
            List<Integer> positions = group.getValue();
            progress |= ChoiceLowering.minimise(group.getKey(), v -> setAll(state, positions, v));
        }
        return progress;
    }

    private static boolean setAll(ShrinkState<?> state, List<Integer> positions, long value) {
        long[] candidate = state.choices();
        for (int position : positions) {
            if (position >= candidate.length) {
                return false;
            }
            candidate[position] = value;
        }
        return state.consider(candidate) == ShrinkState.Verdict.IMPROVED;
    }

    /** Non-zero values occurring more than once, with their positions. */
    private static Map<Long, List<Integer>> duplicates(ShrinkState<?> state) {
        Map<Long, List<Integer>> positions = new LinkedHashMap<>();
        for (int i = 0; i < state.length(); i++) {
            if (state.choice(i) > 1 || state.choice(i) < 0) {
                positions.computeIfAbsent(state.choice(i), v -> new ArrayList<>()).add(i);
            }
        }
        positions.values().removeIf(list -> list.size() < 2);
        return positions;
    }
}
