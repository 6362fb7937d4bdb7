package org.dmacheck.runner;

import org.apache.commons.math3.distribution.BetaDistribution;

/**
 * The judgement of one coverage requirement over a run.
 *
 * <p>The observed share of tries is a sample; the verdict uses the one-sided Clopper–Pearson upper
 * confidence bound of the true share (from the Beta distribution, Commons Math). The requirement
 * counts as <em>insufficient</em> only when even that upper bound is below the required share, i.e.
 * coverage is provably too low at the chosen confidence; a borderline share over few tries passes.
 *
 * @param requirement       the requirement
 * @param count             tries carrying the label
 * @param tries             tries judged (not discarded)
 * @param upperBoundPercent upper confidence bound of the true share, in percent
 * @param insufficient      whether coverage is provably below the requirement
 */
public record CoverageVerdict(CoverageRequirement requirement, long count, long tries, double upperBoundPercent,
                              boolean insufficient) {

    /** Judges {@code requirement} given {@code count} of {@code tries} at {@code confidence} (e.g. 0.99). */
    public static CoverageVerdict judge(CoverageRequirement requirement, long count, long tries, double confidence) {
        if (count < 0 || count > tries) {
            throw new IllegalArgumentException("count " + count + " of " + tries + " tries");
        }
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be in (0, 1): " + confidence);
        }
        double upper = count >= tries ? 1.0
                : new BetaDistribution(null, count + 1.0, (double) tries - count).inverseCumulativeProbability(confidence);
        return new CoverageVerdict(requirement, count, tries, 100 * upper, 100 * upper < requirement.minPercent());
    }

    /** Observed share in percent. */
    public double observedPercent() {
        return tries == 0 ? 0 : 100.0 * count / tries;
    }

    @Override
    public String toString() {
        return String.format("%s: %.1f%% observed (%d of %d), required %.1f%%, upper bound %.1f%%%s",
                requirement.label(), observedPercent(), count, tries, requirement.minPercent(), upperBoundPercent,
                insufficient ? " -- INSUFFICIENT" : "");
    }
}
