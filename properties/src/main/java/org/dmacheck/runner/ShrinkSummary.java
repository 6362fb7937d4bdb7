package org.dmacheck.runner;

import java.time.Duration;
import java.util.Map;

/**
 * How shrinking went.
 *
 * @param steps           accepted shrink steps (each a smaller failing choice list)
 * @param evaluations     candidates replayed
 * @param budgetExhausted true if shrinking stopped because the evaluation budget ran out; false if
 *                        it stopped because no pass could make progress
 * @param elapsed         time spent shrinking
 * @param passes          evaluations and kept candidates per shrink pass, for tuning
 */
public record ShrinkSummary(int steps, int evaluations, boolean budgetExhausted, Duration elapsed,
                            Map<String, PassStatistics> passes) {

    /** Unmodifiable copy of the per-pass statistics. */
    public ShrinkSummary {
        passes = Map.copyOf(passes);
    }
}
