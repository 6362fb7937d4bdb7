package org.dmacheck.runner;

import java.util.List;
import java.util.function.IntFunction;

/**
 * Deletes whole spans (a list element with its "continue?" flag, a command step, a filter attempt),
 * and after a success extends the deletion over the following run of like siblings in O(log n)
 * tries. Two adaptive repairs make deletions stick where the encoding would otherwise resist:
 * <ul>
 * <li>if the deletion still fails but replays to a list that is not shorter (a size choice before
 *     the span now asks for the missing element again), it also lowers the choice just before the
 *     span or before one of its ancestors;</li>
 * <li>if deleting a collection element makes the failure vanish, it also shifts one later
 *     {@link org.dmacheck.gen.Span#isIndex() index} choice by one, so "the k-th live handle" keeps
 *     naming the same handle, and failing that deletes it together with the next one or two
 *     elements (steps that only make sense together, such as opening and closing a handle).</li>
 * </ul>
 */
record SpanDeletion() implements ShrinkPass {

    private static final int MAX_ANCESTORS = 3;
    private static final int MAX_INDEX_REPAIRS = 8;
    private static final int MAX_NEIGHBOURS = 2;

    @Override
    public String name() {
        return "delete spans";
    }

    @Override
    public boolean run(ShrinkState<?> state) {
        return ShrinkPass.walkSpans(state, (s, tree, index) -> tree.span(index).length() > 0 && delete(s, tree, index));
    }

    private static boolean delete(ShrinkState<?> state, SpanTree tree, int index) {
        long[] before = state.choices();
        int start = tree.span(index).start();
        int end = tree.span(index).end();
        List<Integer> runEnds = tree.endsOfFollowingRun(index);
        ShrinkState.Verdict verdict = state.tryDelete(start, end);
        if (verdict == ShrinkState.Verdict.IMPROVED) {
            extendOverRun(state, runEnds, k -> ShrinkState.deleted(before, start, runEnds.get(k - 1)));
            return true;
        }
        if (verdict == ShrinkState.Verdict.FAILS_NOT_SMALLER) {
            for (int position : tree.positionsBeforeAncestors(index, MAX_ANCESTORS)) {
                if (state.tryDeleteDecrementing(start, end, position)) {
                    extendOverRun(state, runEnds, k -> deletedDecrementing(before, start, runEnds.get(k - 1), position, k + 1));
                    return true;
                }
            }
            return false;
        }
        return tree.isElement(index)
                && (deleteShiftingIndex(state, tree, index) || deleteWithNeighbours(state, start, runEnds));
    }

    /** {@code source} without {@code [from, to)} and with the choice at {@code at} lowered by {@code amount}, or null. */
    private static long[] deletedDecrementing(long[] source, int from, int to, int at, int amount) {
        if (Long.compareUnsigned(source[at], amount) < 0) {
            return null;
        }
        long[] candidate = ShrinkState.deleted(source, from, to);
        candidate[at] -= amount;
        return candidate;
    }

    /**
     * Deletes the element together with the next one or two like it: steps that only make sense
     * together (open a handle, close it) go together.
     */
    private static boolean deleteWithNeighbours(ShrinkState<?> state, int start, List<Integer> runEnds) {
        for (int more = 0; more < Math.min(MAX_NEIGHBOURS, runEnds.size()); more++) {
            if (state.tryDelete(start, runEnds.get(more)) == ShrinkState.Verdict.IMPROVED) {
                return true;
            }
        }
        return false;
    }

    private static boolean deleteShiftingIndex(ShrinkState<?> state, SpanTree tree, int index) {
        int start = tree.span(index).start();
        int end = tree.span(index).end();
        long[] without = ShrinkState.deleted(state.choices(), start, end);
        List<Integer> indexes = tree.indexChoicesFrom(end);
        for (int position : indexes.subList(0, Math.min(indexes.size(), MAX_INDEX_REPAIRS))) {
            int shifted = position - (end - start);
            for (long delta : new long[] {-1, 1}) {
                long value = without[shifted] + delta;
                if (value < 0) {
                    continue;
                }
                long[] candidate = without.clone();
                candidate[shifted] = value;
                if (state.considerShorter(candidate) == ShrinkState.Verdict.IMPROVED) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * After a deletion succeeded, tries deleting the next {@code k} like siblings too, for the
     * largest {@code k} that still fails (found in O(log k) tries); {@code candidate} builds the
     * choice list for a given {@code k}, or returns null if there is none.
     */
    private static void extendOverRun(ShrinkState<?> state, List<Integer> runEnds, IntFunction<long[]> candidate) {
        if (runEnds.isEmpty()) {
            return;
        }
        ShrinkPass.largest(k -> {
            long[] choices = candidate.apply((int) k);
            return choices != null && state.considerShorter(choices) == ShrinkState.Verdict.IMPROVED;
        }, runEnds.size());
    }
}
