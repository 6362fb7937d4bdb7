package org.dmacheck.runner;

import java.util.List;
import java.util.Map;
import org.dmacheck.gen.ChoiceRecord;

/**
 * Minimises a failing choice list, Hypothesis-style: it never looks at values, only edits the
 * list of choices, replays each candidate through the generator and property, and keeps a
 * candidate when it fails the same way and its recorded choices are shortlex-smaller.
 *
 * <p>Passes, in order (see each class): delete spans; delete blocks of 8, 4, 2, 1 choices; zero
 * spans and blocks; replace spans by like descendants; lower single choices; lower duplicated
 * choices together; sort neighbours; redistribute between pairs. The deletion passes run first until they stop making
 * progress, then all passes run in rounds until a whole round makes no progress or the evaluation
 * budget is spent.
 */
final class Shrinker {

    private static final List<ShrinkPass> DELETIONS = List.of(
            new SpanDeletion(), new BlockDeletion(8), new BlockDeletion(4), new BlockDeletion(2),
            new BlockDeletion(1));

    private static final List<ShrinkPass> ALL = List.of(
            new SpanDeletion(), new BlockDeletion(8), new BlockDeletion(4), new BlockDeletion(2),
            new BlockDeletion(1), new Zeroing(), new DescendantSubstitution(), new ChoiceLowering(),
            new DuplicateLowering(), new Reordering(), new Redistribution());

    private Shrinker() {
    }

    /**
     * Shrinks {@code initial}, which fails as {@code initialFailure}, with at most {@code budget}
     * evaluations.
     */
    static <F> Outcome<F> shrink(ShrinkOracle<F> oracle, ChoiceRecord initial, F initialFailure, int budget) {
        ShrinkState<F> state = new ShrinkState<>(oracle, initial, initialFailure, budget);
        runToFixpoint(state, DELETIONS);
        runToFixpoint(state, ALL);
        return new Outcome<>(state.current(), state.failure(), state.improvements(), state.evaluations(),
                state.exhausted(), state.passStatistics());
    }

    private static void runToFixpoint(ShrinkState<?> state, List<ShrinkPass> passes) {
        boolean progress = true;
        while (progress && !state.exhausted()) {
            progress = false;
            for (ShrinkPass pass : passes) {
                if (state.exhausted()) {
                    break;
                }
                int before = state.evaluations();
                int improvedBefore = state.improvements();
                progress |= pass.run(state);
                state.account(pass.name(), state.evaluations() - before, state.improvements() - improvedBefore);
            }
        }
    }

    /**
     * The smallest failing choices found.
     *
     * @param record          the shrunk choices and their spans
     * @param failure         how the shrunk choices fail
     * @param improvements    number of accepted shrink steps
     * @param evaluations     number of candidates replayed
     * @param budgetExhausted whether shrinking stopped because the budget ran out (else: no pass
     *                        could make progress)
     * @param passes          evaluations and improvements per pass
     */
    record Outcome<F>(ChoiceRecord record, F failure, int improvements, int evaluations, boolean budgetExhausted,
                      Map<String, PassStatistics> passes) {
    }
}
