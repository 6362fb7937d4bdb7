package org.dmacheck.runner;

/**
 * Cost and gain of one shrink pass over a whole shrink.
 *
 * @param evaluations  candidates the pass replayed
 * @param improvements candidates it kept
 */
public record PassStatistics(int evaluations, int improvements) {

    PassStatistics plus(PassStatistics other) {
        return new PassStatistics(evaluations + other.evaluations, improvements + other.improvements);
    }
}
