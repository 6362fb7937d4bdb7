package org.dmacheck.trace;

import java.util.ArrayList;
import java.util.List;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.api.Engines;
import org.dmacheck.spec.invariant.Checker;
import org.dmacheck.spec.invariant.InvariantSet;
import org.dmacheck.spec.op.DmaTrace;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.violation.Violation;

/**
 * Runs a trace made by {@link TraceToOps} against an engine with every invariant checked after
 * every step and at teardown ({@link Checker}), so a real workload becomes a regression test.
 */
public final class TraceReplay {
    /** The flush-queue settle time given at teardown ({@code IOVA_FQ_TIMEOUT} is 10 ms). */
    private static final long SETTLE_MILLIS = 100;

    /**
     * What the replay did.
     *
     * @param steps      operations in the trace
     * @param skipped    operations the driver skipped (their handle was not live, e.g. the map failed)
     * @param threw      operations the engine threw on
     * @param misuse     operations that break the driver contract (kept from the kernel trace)
     * @param violations invariant violations, teardown included
     */
    public record Outcome(int steps, int skipped, int threw, int misuse, List<Violation> violations) {
        public Outcome {
            violations = List.copyOf(violations);
        }

        public String render() {
            return "replayed " + steps + " steps (" + skipped + " skipped, " + threw + " threw, " + misuse
                    + " driver misuse): " + (violations.isEmpty() ? "every invariant held"
                    : violations.size() + " invariant violation(s), first: " + violations.get(0));
        }
    }

    private TraceReplay() {
    }

    public static Outcome run(DmaTrace trace, String engineName) {
        Platform platform = Platform.build(trace.platform());
        DmaEngine engine = Engines.find(engineName).create(platform);
        Checker checker = new Checker(platform, engine, InvariantSet.all());
        List<Violation> violations = new ArrayList<>();
        int skipped = 0;
        int threw = 0;
        int misuse = 0;
        for (Op op : trace.ops()) {
            Checker.Checked c = checker.step(op);
            violations.addAll(c.violations());
            skipped += c.executed().skipped() ? 1 : 0;
            threw += c.executed().threw() ? 1 : 0;
            misuse += c.executed().isMisuse() ? 1 : 0;
        }
        violations.addAll(checker.teardown(SETTLE_MILLIS).all());
        return new Outcome(trace.steps().size(), skipped, threw, misuse, violations);
    }
}
