package org.dmacheck.prop;

import java.time.Duration;
import org.dmacheck.prop.exec.CallTimer;
import org.dmacheck.spec.api.DmaEngineProvider;
import org.dmacheck.spec.api.Engines;
import org.dmacheck.spec.op.DmaTrace;
import org.dmacheck.spec.op.TraceReader;

/**
 * Re-runs a recorded trace exactly as a property runs a case (same driver, same invariants, same
 * teardown), so a report's trace fails the way the property did. Reports' JUnit tests call
 * {@link #assertHolds}.
 */
public final class DmaReplay {
    private DmaReplay() {
    }

    /** Runs the trace's platform and operations against a fresh engine. */
    public static CaseRun.Outcome run(DmaTrace trace, DmaEngineProvider engine, Duration callLimit) {
        try (CallTimer timer = new CallTimer(callLimit)) {
            return CaseRun.run(new DmaCase(trace.platform(), trace.ops()), engine, timer);
        }
    }

    /**
     * Fails with the counterexample's failure while the engine still breaks the trace; passes once
     * it is fixed.
     *
     * @param name      names the trace in messages (the test class)
     * @param traceText the trace, in the dmacheck trace format
     * @param engine    the engine's provider name
     */
    public static void assertHolds(String name, String traceText, String engine) {
        DmaTrace trace = TraceReader.read(name, traceText);
        CaseRun.Outcome o = run(trace, Engines.find(engine), CallTimer.DEFAULT_LIMIT);
        if (o.failed()) {
            Finding f = o.failure().orElseThrow();
            throw new AssertionError(name + ": " + f.kind() + " at step " + f.step() + " on engine " + engine
                    + "\n" + f.text());
        }
    }
}
