package org.dmacheck.prop;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.dmacheck.gen.Gen;
import org.dmacheck.gen.dma.DmaGens;
import org.dmacheck.gen.dma.DmaProfile;
import org.dmacheck.prop.exec.CallTimer;
import org.dmacheck.prop.report.Counterexample;
import org.dmacheck.prop.report.ReportWriter;
import org.dmacheck.runner.CoverageVerdict;
import org.dmacheck.runner.Failure;
import org.dmacheck.runner.Property;
import org.dmacheck.runner.PropertyViolation;
import org.dmacheck.runner.Result;
import org.dmacheck.runner.RunSummary;
import org.dmacheck.runner.Runner;
import org.dmacheck.spec.api.DmaEngineProvider;
import org.dmacheck.spec.platform.PlatformConfig;

/**
 * Checks one {@link DmaProperty} against one engine with the property runner: searches, shrinks a
 * failure (same invariant), and writes its report. Nothing found is lost: the first failing case
 * is written as soon as it is found, before shrinking starts, and replaced by the shrunk one when
 * shrinking ends — so a crash, a hang or an interrupt during shrinking still leaves a report.
 */
final class PropertyCheck {
    private final DmaProperty property;
    private final DmaEngineProvider engine;
    private final CheckSettings settings;
    private final Path reportDir;

    PropertyCheck(DmaProperty property, DmaEngineProvider engine, CheckSettings settings) {
        this.property = property;
        this.engine = engine;
        this.settings = settings;
        this.reportDir = settings.reportDir().resolve(property.name());
    }

    PropertyVerdict run() {
        ReportWriter.clear(reportDir, property.name());
        long started = System.nanoTime();
        AtomicBoolean firstWritten = new AtomicBoolean();
        Result<CaseRun> result;
        try (CallTimer timer = new CallTimer(settings.callLimit())) {
            Property<CaseRun> p = Runner.forAll(runs(timer))
                    .named(property.name())
                    .tries(settings.triesFor(property.triesFactor()))
                    .seed(settings.seed())
                    .shrinkBudget(settings.shrinkBudget())
                    .printedBy(r -> r.finish().steps().size() + " steps on " + r.platform().config().devices().size()
                            + " device(s)");
            for (Map.Entry<String, Double> req : property.coverage().entrySet()) {
                p = p.requireCoverage(req.getKey(), req.getValue());
            }
            result = p.run((run, context) -> {
                CaseRun.Outcome o = run.finish();
                o.labels().forEach(context::label);
                if (o.failed()) {
                    Finding f = o.failure().orElseThrow();
                    if (firstWritten.compareAndSet(false, true)) {
                        ReportWriter.write(reportDir, counterexample(o, "", "found; shrinking did not finish"));
                    }
                    throw new PropertyViolation(f.kind(), f.text());
                }
            });
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        RunSummary summary = result.summary();
        Set<String> unmet = new HashSet<>();
        String detail = "";
        if (result instanceof Result.Undercovered<CaseRun> u) {
            u.unmet().forEach(v -> unmet.add(v.requirement().label()));
            detail = "coverage too low: " + u.unmet().stream().map(CoverageVerdict::toString).toList();
        } else if (result instanceof Result.GaveUp<CaseRun> g) {
            detail = "gave up: " + g.reason();
        }
        List<PropertyVerdict.CoverageRow> rows = PropertyVerdict.rows(summary.statistics().tries(),
                summary.statistics().counts(), property.coverage(), unmet);
        if (result instanceof Result.Falsified<CaseRun> falsified) {
            return failed(falsified.failure(), summary, elapsed, rows);
        }
        PropertyVerdict.Status status = result.passed() ? PropertyVerdict.Status.HELD
                : result instanceof Result.Undercovered ? PropertyVerdict.Status.UNDERCOVERED
                : PropertyVerdict.Status.GAVE_UP;
        return new PropertyVerdict(property.name(), engine.name(), status, summary.seed(), summary.tries(), elapsed,
                rows, Optional.empty(), Optional.empty(), detail);
    }

    /** Writes the final report of the shrunk case. */
    private PropertyVerdict failed(Failure<CaseRun> failure, RunSummary summary, Duration elapsed,
                                   List<PropertyVerdict.CoverageRow> rows) {
        CaseRun.Outcome o = failure.value().finish();
        String search = "found at try " + summary.tries() + "; shrunk in " + failure.shrink().steps() + " steps ("
                + failure.shrink().evaluations() + " candidates"
                + (failure.shrink().budgetExhausted() ? ", shrink budget exhausted" : "") + ")";
        if (!o.failed()) {
            // cannot happen for a value the runner kept as failing; keep what the runner saw
            o = new CaseRun.Outcome(o.platform(), o.steps(), o.teardownFrom(),
                    Optional.of(new Finding(failure.key(), 0, failure.error().getMessage()
                            + "\n(did not fail again when re-run: the engine is not deterministic)")),
                    o.labels(), o.kernelLog());
        }
        Counterexample cx = counterexample(o, failure.replayKey(), search);
        ReportWriter.Written files = ReportWriter.write(reportDir, cx);
        return new PropertyVerdict(property.name(), engine.name(), PropertyVerdict.Status.FAILED, summary.seed(),
                summary.tries(), elapsed, rows, Optional.of(cx), Optional.of(files),
                cx.invariant() + " at " + cx.where() + ": " + cx.summary());
    }

    /**
     * Runs: a platform of the profile, then its operation sequence, each step executed and judged
     * against a fresh engine as the generator draws it (the generator picks "the k-th live
     * mapping" of the state the engine actually produced).
     */
    private Gen<CaseRun> runs(CallTimer timer) {
        DmaProfile profile = property.profile();
        Gen<PlatformConfig> platforms = DmaGens.platforms(profile);
        Gen<CaseRun> runs = in -> {
            PlatformConfig config = in.draw(platforms);
            CaseRun[] run = new CaseRun[1];
            in.draw(DmaGens.operations(profile, () -> new CaseTarget(run[0] = CaseRun.start(config, engine, timer))));
            return run[0];
        };
        return runs.named("dma runs (" + profile.name() + ")");
    }

    private Counterexample counterexample(CaseRun.Outcome o, String choices, String search) {
        Finding f = o.failure().orElseThrow();
        return new Counterexample(property.name(), engine.name(), o.trace(), f.kind(), f.step(), o.teardownFrom(),
                f.text(), settings.seed(), choices, search, o.kernelLog());
    }
}
