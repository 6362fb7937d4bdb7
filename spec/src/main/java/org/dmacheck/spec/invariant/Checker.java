package org.dmacheck.spec.invariant;

import java.util.ArrayList;
import java.util.List;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.driver.Driver;
import org.dmacheck.spec.driver.Executed;
import org.dmacheck.spec.model.Ledger;
import org.dmacheck.spec.model.LedgerChange;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.violation.Violation;

/**
 * One checked run: a {@link Driver} executing operations, the {@link Ledger} following them, and an
 * {@link InvariantSet} judging every step. {@link #step} is the unit a harness calls (it may run it
 * on a worker thread for a per-call timeout); {@link #teardown} releases every handle, lets time
 * pass, sweeps and judges the end state.
 */
public final class Checker {
    /** What one step did and which invariants it broke (empty when it held them all). */
    public record Checked(Executed executed, List<Violation> violations) {
        public Checked {
            violations = List.copyOf(violations);
        }

        public boolean ok() {
            return violations.isEmpty();
        }
    }

    /** The teardown's own steps, then the sweep's and the end state's violations. */
    public record Teardown(List<Checked> steps, List<Violation> violations) {
        public Teardown {
            steps = List.copyOf(steps);
            violations = List.copyOf(violations);
        }

        /** Every violation of the teardown, its steps' included. */
        public List<Violation> all() {
            List<Violation> out = new ArrayList<>();
            steps.forEach(s -> out.addAll(s.violations()));
            out.addAll(violations);
            return out;
        }
    }

    private final Platform platform;
    private final DmaEngine engine;
    private final Driver driver;
    private final Ledger ledger;
    private final InvariantSet invariants;
    private final Usage baseline;
    private boolean misused;

    public Checker(Platform platform, DmaEngine engine, InvariantSet invariants) {
        this.platform = platform;
        this.engine = engine;
        this.driver = new Driver(platform, engine);
        this.ledger = new Ledger(platform);
        this.invariants = invariants;
        this.baseline = Usage.take(platform, engine);
    }

    public Driver driver() {
        return driver;
    }

    public Ledger ledger() {
        return ledger;
    }

    public Usage baseline() {
        return baseline;
    }

    /** Executes {@code op}, updates the ledger and judges the step. */
    public Checked step(Op op) {
        Usage before = Usage.take(platform, engine);
        int faults = platform.faults().size();
        platform.clearTouched(); // platform.touched() then holds what this step changed
        Executed e = driver.execute(op);
        Usage after = Usage.take(platform, engine);
        LedgerChange change = ledger.apply(e);
        misused |= e.isMisuse();
        StepContext ctx = new StepContext(e, change, ledger, platform, engine, before, after, faults);
        return new Checked(e, invariants.afterStep(ctx));
    }

    /** A full sweep of the live state now. */
    public List<Violation> sweep() {
        return invariants.sweep(new SweepContext(driver.steps(), ledger, platform));
    }

    /**
     * Sweeps, releases every live handle correctly (each release a judged step), advances the clock
     * by {@code settleMillis} (past the flush-queue timeout), and judges the end state against the
     * baseline.
     */
    public Teardown teardown(long settleMillis) {
        List<Violation> end = new ArrayList<>(sweep());
        List<Checked> steps = new ArrayList<>();
        for (Op op : driver.teardownOps()) {
            steps.add(step(op));
        }
        steps.add(step(new Op.Tick(settleMillis)));
        end.addAll(invariants.atTeardown(new TeardownContext(driver.steps(), ledger, platform, baseline,
                Usage.take(platform, engine), misused)));
        return new Teardown(steps, end);
    }
}
