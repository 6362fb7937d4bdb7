package org.dmacheck.spec.invariant;

import java.util.Optional;
import org.dmacheck.spec.violation.Violation;

/**
 * One rule of the law (ARCHITECTURE.md, "Invariants"). An invariant is checked after every step,
 * incrementally: it looks only at what the step touched (the mappings it created or released, the
 * bytes it moved, a few sampled translations), at O(log n) cost in the live state, never a scan of
 * it. {@link #sweep} re-checks all live state once (at teardown, before the releases);
 * {@link #atTeardown} judges the end state after every handle was released and time has passed.
 *
 * <p>An instance may keep state across steps (an interval map of live IOVA ranges, what each map
 * took); create a fresh {@link InvariantSet} per run. Every step is shown to every invariant, also
 * misused ones ({@link StepContext#misuse()}), so such state stays in step with the ledger; only
 * {@link Containment} judges misused steps.
 */
public interface Invariant {
    /** The name reports use, e.g. {@code NoIovaOverlap}. */
    default String name() {
        return getClass().getSimpleName();
    }

    /** What the invariant says, in one line (README material). */
    String description();

    /** Judges one step. */
    Optional<Violation> afterStep(StepContext ctx);

    /** Re-checks every live mapping (a full, non-incremental sweep). */
    default Optional<Violation> sweep(SweepContext ctx) {
        return Optional.empty();
    }

    /** Judges the state after teardown released every handle and let time pass. */
    default Optional<Violation> atTeardown(TeardownContext ctx) {
        return Optional.empty();
    }
}
