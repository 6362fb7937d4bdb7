package org.dmacheck.prop;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.dmacheck.gen.dma.DmaGens;
import org.dmacheck.prop.exec.CallTimer;
import org.dmacheck.prop.exec.EngineHangException;
import org.dmacheck.prop.exec.TimedEngine;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.api.DmaEngineProvider;
import org.dmacheck.spec.driver.Binding;
import org.dmacheck.spec.driver.Executed;
import org.dmacheck.spec.driver.OpResult;
import org.dmacheck.spec.invariant.Checker;
import org.dmacheck.spec.invariant.InvariantSet;
import org.dmacheck.spec.op.DmaTrace;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.op.TraceWriter;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.platform.PlatformConfig;
import org.dmacheck.spec.violation.DmaDebugFormat;
import org.dmacheck.spec.violation.Violation;

/**
 * Runs one case against an engine: builds the platform, creates the engine (every call under the
 * per-call time limit), executes the steps through the spec's {@link Checker} (driver, ledger,
 * every invariant after every step) and the dma-debug mirror ({@link DebugMirror}: its lines join
 * the kernel log; a misuse it does not report fails the run), then tears down — every live handle released, newest first,
 * time let pass beyond the flush-queue timeout, the end state judged against the baseline. The
 * first failure ends the run, and the recorded steps stop there, so replaying them fails the same
 * way at the same step. Property search, shrinking and trace replay all run cases this way: whole
 * ({@link #run}) or step by step as a generator draws them ({@link #start}, {@link #step},
 * {@link #finish}).
 */
public final class CaseRun {
    /** Time let pass at teardown: beyond {@code IOVA_FQ_TIMEOUT} (10 ms) and the 1000 ms single-queue timer. */
    public static final long SETTLE_MILLIS = 10_000;

    /**
     * What happened.
     *
     * @param platform     the machine
     * @param steps        the executed steps with their results, teardown releases included (not the
     *                     final passing of time), up to the failing step
     * @param teardownFrom the 1-based number of the first teardown step ({@code steps.size() + 1}
     *                     when there is none)
     * @param failure      the first failure, if any
     * @param labels       the paths the run reached ({@code DmaPath} labels)
     * @param kernelLog    the platform's kernel log
     */
    public record Outcome(PlatformConfig platform, List<DmaTrace.Step> steps, int teardownFrom,
                          Optional<Finding> failure, Set<String> labels, List<String> kernelLog) {
        public Outcome {
            steps = List.copyOf(steps);
            labels = Set.copyOf(labels);
            kernelLog = List.copyOf(kernelLog);
        }

        public boolean failed() {
            return failure.isPresent();
        }

        /** The executed steps as a trace (no metadata). */
        public DmaTrace trace() {
            return new DmaTrace(Map.of(), platform, steps);
        }
    }

    /** Runs {@code c} on a fresh platform with a fresh engine from {@code provider}. */
    public static Outcome run(DmaCase c, DmaEngineProvider provider, CallTimer timer) {
        CaseRun run = start(c.platform(), provider, timer);
        for (Op op : c.ops()) {
            if (run.halted()) {
                break;
            }
            run.step(op);
        }
        return run.finish();
    }

    /**
     * Starts a run step by step (for generators that choose each step from the state the previous
     * ones produced): builds the platform and creates the engine.
     */
    public static CaseRun start(PlatformConfig config, DmaEngineProvider provider, CallTimer timer) {
        Platform platform = Platform.build(config);
        CaseRun run = new CaseRun(platform);
        try {
            DmaEngine engine = new TimedEngine(timer.call("engine creation", () -> provider.create(platform)), timer);
            run.checker = new Checker(platform, engine, InvariantSet.all());
            run.mirror = new DebugMirror(platform);
        } catch (EngineHangException e) {
            run.failure = new Finding(Finding.ENGINE_HANG, 0, e.getMessage() + " while creating the engine");
        } catch (RuntimeException e) {
            run.failure = new Finding(Finding.ENGINE_EXCEPTION, 0, "creating the engine threw " + e);
        }
        return run;
    }

    private final Platform platform;
    private final List<DmaTrace.Step> steps = new ArrayList<>();
    private final Set<String> labels = new LinkedHashSet<>();
    private Checker checker;
    private DebugMirror mirror;
    private Finding failure;
    private Outcome outcome;
    private int teardownFrom = Integer.MAX_VALUE;

    private CaseRun(Platform platform) {
        this.platform = platform;
    }

    public Platform platform() {
        return platform;
    }

    /** The live handles, oldest first. */
    public Collection<Binding> bindings() {
        return checker == null ? List.of() : checker.driver().bindings();
    }

    /** Whether the run has failed (or finished): no further step may run. */
    public boolean halted() {
        return failure != null || outcome != null;
    }

    /** Executes and judges {@code op} as the next step; the run halts at the first failure. */
    public Executed step(Op op) {
        if (halted()) {
            throw new IllegalStateException("the run has " + (outcome != null ? "finished" : "failed") + "; no more steps");
        }
        List<Binding> before = DebugMirror.consulted(op, checker.driver());
        Checker.Checked c = checker.step(op);
        record(c, before).ifPresent(f -> failure = f);
        return c.executed();
    }

    /**
     * Ends the run: unless it already failed, tears down (every handle released and judged, time
     * passes, the end state is judged against the baseline). Returns the same outcome when called again.
     */
    public Outcome finish() {
        if (outcome == null) {
            if (failure == null) {
                failure = teardown().orElse(null);
            }
            outcome = new Outcome(platform.config(), steps, Math.min(teardownFrom, steps.size() + 1),
                    Optional.ofNullable(failure), labels, kernelLog());
        }
        return outcome;
    }

    /** The platform's kernel log, then what dma-debug printed. */
    private List<String> kernelLog() {
        List<String> log = new ArrayList<>(platform.kernelLog());
        if (mirror != null) {
            log.addAll(mirror.log());
        }
        return log;
    }

    private Optional<Finding> teardown() {
        teardownFrom = steps.size() + 1;
        int lastOp = steps.size();
        Checker.Teardown t = checker.teardown(SETTLE_MILLIS);
        // the sweep of the live state, before anything is released
        Optional<Finding> sweep = first(t.violations().stream().filter(v -> v.step() <= lastOp).toList(), lastOp);
        if (sweep.isPresent()) {
            return sweep;
        }
        List<Checker.Checked> releases = t.steps().subList(0, t.steps().size() - 1);
        for (Checker.Checked c : releases) {
            Optional<Finding> f = record(c, List.of());
            if (f.isPresent()) {
                return f;
            }
        }
        Checker.Checked settle = t.steps().get(t.steps().size() - 1);
        return finding(settle).or(() -> first(t.violations().stream().filter(v -> v.step() > lastOp).toList(),
                (int) settle.executed().step()));
    }

    /**
     * Records an executed step ({@code before}: the live bindings just before it) and returns its
     * failure, if any: the engine's or an invariant's first, then a misuse dma-debug missed.
     */
    private Optional<Finding> record(Checker.Checked c, Collection<Binding> before) {
        Executed e = c.executed();
        steps.add(new DmaTrace.Step(e.op(), resultText(e.result())));
        DmaGens.paths(platform, e, checker.driver()::binding).forEach(p -> labels.add(p.label()));
        Optional<Finding> missed = mirror.accept(e, before);
        return finding(c).or(() -> missed);
    }

    /** The engine's own failure (a hang, a crash) first, then the first broken invariant. */
    private static Optional<Finding> finding(Checker.Checked c) {
        Executed e = c.executed();
        int n = (int) e.step();
        if (e.result() instanceof OpResult.Threw t) {
            String call = TraceWriter.op(e.op()).split(" ", 2)[0];
            if (t.exception() instanceof EngineHangException h) {
                return Optional.of(new Finding(Finding.ENGINE_HANG, n, h.getMessage() + " at step " + n));
            }
            if (!t.bugStyle() || !e.isMisuse()) {
                return Optional.of(new Finding(Finding.ENGINE_EXCEPTION, n, "engine threw " + t.exception()
                        + " in " + call + " at step " + n + (t.bugStyle() ? " (a BUG() on a correct call)" : "")));
            }
        }
        return first(c.violations(), n);
    }

    /** The first violation, with the others as further lines. */
    private static Optional<Finding> first(List<Violation> violations, int step) {
        if (violations.isEmpty()) {
            return Optional.empty();
        }
        Violation v = violations.get(0);
        StringBuilder text = new StringBuilder(DmaDebugFormat.line(v));
        for (Violation also : violations.subList(1, violations.size())) {
            text.append("\nalso ").append(DmaDebugFormat.withKind(also));
        }
        return Optional.of(new Finding(v.kind(), v.step() > 0 ? (int) v.step() : step, text.toString()));
    }

    private static String resultText(OpResult r) {
        String d = r.describe().replace('\n', ' ').strip();
        return d.isEmpty() ? null : d;
    }
}
