package org.dmacheck.runner;

import java.time.Duration;

/**
 * What every run reports.
 *
 * @param seed       the seed of the search; {@code -Ddmacheck.seed=<seed>} repeats it
 * @param tries      tries that ran the property (up to and including a failing one)
 * @param discards   tries discarded (filters giving up, failed assumptions)
 * @param statistics label counts and coverage verdicts
 * @param elapsed    time spent searching (not shrinking)
 */
public record RunSummary(long seed, int tries, int discards, Statistics statistics, Duration elapsed) {
}
