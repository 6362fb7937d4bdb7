package org.dmacheck.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.dmacheck.prop.CaseRun;
import org.dmacheck.prop.DmaReplay;
import org.dmacheck.prop.Finding;
import org.dmacheck.prop.exec.CallTimer;
import org.dmacheck.spec.api.DmaEngineProvider;
import org.dmacheck.spec.api.Engines;
import org.dmacheck.spec.op.DmaTrace;
import org.dmacheck.spec.op.TraceReader;
import org.dmacheck.spec.op.TraceWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code dmacheck replay TRACE}: re-runs a dmacheck trace and says whether it fails, and how. */
@Command(name = "replay", description = "Re-run a dmacheck trace (e.g. a report's counterexample.trace).")
final class ReplayCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "TRACE", description = "The trace file.")
    private Path trace;

    @Option(names = "--engine", paramLabel = "NAME",
            description = "Engine provider name; default: the trace's `meta engine`, else reference.")
    private String engine;

    @Option(names = "--call-timeout", paramLabel = "SECONDS", description = "Per-engine-call time limit; default: 5.")
    private Integer callTimeout;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(trace)) {
            throw new UsageException("cannot read trace " + trace + ": no such file");
        }
        DmaTrace t = TraceReader.read(trace);
        String name = engine != null ? engine : t.meta().getOrDefault("engine", "reference");
        DmaEngineProvider provider = Engines.find(name);
        if (callTimeout != null && callTimeout < 1) {
            throw new UsageException("--call-timeout must be at least 1 second, got " + callTimeout);
        }
        Duration limit = callTimeout == null ? CallTimer.DEFAULT_LIMIT : Duration.ofSeconds(callTimeout);
        CaseRun.Outcome o = DmaReplay.run(t, provider, limit);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("replay %s on engine %s: %d steps recorded, %d executed%n", trace, provider.name(),
                t.steps().size(), o.steps().size());
        for (int i = 0; i < o.steps().size(); i++) {
            DmaTrace.Step s = o.steps().get(i);
            if (i + 1 == o.teardownFrom()) {
                out.println("  -- teardown --");
            }
            out.printf("  %3d  %s%s%n", i + 1, TraceWriter.op(s.op()), s.result() == null ? "" : "  => " + s.result());
        }
        if (!o.failed()) {
            out.println("holds: every invariant held after every step and at teardown");
            return Main.OK;
        }
        Finding f = o.failure().orElseThrow();
        out.printf("FAILED: %s at step %d%n", f.kind(), f.step());
        f.text().lines().forEach(l -> out.println("  " + l));
        String recorded = t.meta().get("failure.invariant");
        if (recorded != null) {
            String recordedStep = t.meta().getOrDefault("failure.step", "?");
            boolean same = recorded.equals(f.kind()) && recordedStep.equals(Integer.toString(f.step()));
            out.println(same ? "same failure as recorded" : "recorded failure was " + recorded + " at step " + recordedStep);
        }
        return Main.FAILED;
    }
}
