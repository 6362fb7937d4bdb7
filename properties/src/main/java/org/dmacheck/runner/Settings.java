package org.dmacheck.runner;

import java.time.Duration;

/**
 * Fully resolved settings of one run.
 *
 * @param tries              tries that must pass (discarded tries do not count)
 * @param seed               seed of the search
 * @param size               size hint for generators, see {@link org.dmacheck.gen.ChoiceStream#size()}
 * @param shrinkBudget       most candidates replayed while shrinking
 * @param maxDiscards        discarded tries after which the run gives up
 * @param timeout            per-try time limit, or {@code null} for none
 * @param maxChoices         most choices one generation may draw
 * @param coverageConfidence confidence level of coverage verdicts
 */
record Settings(int tries, long seed, int size, int shrinkBudget, int maxDiscards, Duration timeout, int maxChoices,
                double coverageConfidence) {
}
