package org.dmacheck.runner;

/**
 * Deletes every run of {@code size} consecutive choices, from the end towards the start,
 * regardless of span structure; if a deletion still fails but does not replay shorter, also lowers
 * the choice just before the run (a size that now asks for the deleted part again).
 *
 * @param size number of choices per deleted block (the shrinker uses 8, 4, 2 and 1)
 */
record BlockDeletion(int size) implements ShrinkPass {

    @Override
    public String name() {
        return "delete blocks of " + size;
    }

    @Override
    public boolean run(ShrinkState<?> state) {
        boolean progress = false;
        for (int from = state.length() - size; from >= 0 && !state.exhausted(); from--) {
            if (from + size > state.length()) {
                continue;
            }
            ShrinkState.Verdict verdict = state.tryDelete(from, from + size);
            if (verdict == ShrinkState.Verdict.IMPROVED
                    || verdict == ShrinkState.Verdict.FAILS_NOT_SMALLER
                            && state.tryDeleteDecrementing(from, from + size, from - 1)) {
                progress = true;
            }
        }
        return progress;
    }
}
