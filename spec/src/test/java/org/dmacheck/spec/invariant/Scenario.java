package org.dmacheck.spec.invariant;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.violation.Violation;

/** A checked run for worked examples: run steps, collect what one invariant says. */
final class Scenario {
    final Platform platform;
    final DmaEngine engine;
    final Checker checker;

    Scenario(Platform platform, Function<Platform, DmaEngine> engine, Invariant... invariants) {
        this.platform = platform;
        this.engine = engine.apply(platform);
        this.checker = new Checker(platform, this.engine, new InvariantSet(List.of(invariants)));
    }

    /** Runs the ops; returns every violation, in step order. */
    List<Violation> run(Op... ops) {
        List<Violation> out = new ArrayList<>();
        for (Op op : ops) {
            out.addAll(checker.step(op).violations());
        }
        return out;
    }

    Checker.Checked step(Op op) {
        return checker.step(op);
    }
}
