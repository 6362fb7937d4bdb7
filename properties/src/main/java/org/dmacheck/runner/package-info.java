/**
 * The property runner: search, shrink, report. It knows nothing of DMA.
 *
 * <p>{@link org.dmacheck.runner.Runner#forAll} makes a {@link org.dmacheck.runner.Property};
 * {@link org.dmacheck.runner.Property#check} runs it inside a JUnit test and throws a
 * {@link org.dmacheck.runner.PropertyFailedError} whose message is the failure report (seed, replay
 * key, shrunk counterexample). {@link org.dmacheck.runner.Property#run} returns a
 * {@link org.dmacheck.runner.Result} instead, {@link org.dmacheck.runner.Property#replay} re-runs one
 * exact try from a replay key. Failures are keyed ({@link org.dmacheck.runner.PropertyViolation})
 * so that shrinking keeps the same bug; command sequences run under
 * {@link org.dmacheck.runner.SequenceCheck} report the failing step. Statistics and coverage
 * requirements are judged with a Clopper–Pearson bound ({@link org.dmacheck.runner.CoverageVerdict}).
 *
 * <p>See {@code docs/property-engine.md} for a tutorial and the shrink passes.
 */
package org.dmacheck.runner;
