package org.dmacheck.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.dmacheck.prop.CheckSettings;
import org.dmacheck.prop.DmaProperties;
import org.dmacheck.prop.DmaProperty;
import org.dmacheck.prop.PropertyVerdict;
import org.dmacheck.spec.api.DmaEngineProvider;
import org.dmacheck.spec.api.Engines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dmacheck run}: every property (or the chosen ones) against one engine. */
@Command(name = "run", description = "Check the DMA properties against an engine (the default command).")
final class RunCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--engine", paramLabel = "NAME", defaultValue = "reference",
            description = "Engine provider name (see `dmacheck engines`); default: ${DEFAULT-VALUE}.")
    private String engine;

    @Option(names = "--tries", paramLabel = "N",
            description = "Base tries per property (each property scales it); default: "
                    + CheckSettings.DEFAULT_TRIES + ".")
    private Integer tries;

    @Option(names = "--seed", paramLabel = "S", description = "Search seed (decimal or 0x hex); default: random.")
    private String seed;

    @Option(names = "--property", paramLabel = "P", description = "Run only this property (repeatable).")
    private List<String> properties = new ArrayList<>();

    @Option(names = "--report-dir", paramLabel = "D",
            description = "Where failure reports go (D/<property>/); default: target/dmacheck.")
    private Path reportDir;

    @Option(names = "--shrink-budget", paramLabel = "N", description = "Candidates tried while shrinking a failure.")
    private Integer shrinkBudget;

    @Option(names = "--call-timeout", paramLabel = "SECONDS",
            description = "Per-engine-call time limit; default: 5.")
    private Integer callTimeout;

    @Override
    public Integer call() {
        CheckSettings settings = settings();
        List<DmaProperty> chosen = properties.isEmpty() ? DmaProperties.all()
                : properties.stream().map(DmaProperties::named).toList();
        DmaEngineProvider provider = Engines.find(engine);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("dmacheck run: engine %s, %d base tries, seed %d, reports under %s%n", provider.name(),
                settings.tries(), settings.seed(), settings.reportDir());
        List<PropertyVerdict> verdicts = new ArrayList<>();
        int width = chosen.stream().mapToInt(p -> p.name().length()).max().orElse(0);
        for (int i = 0; i < chosen.size(); i++) {
            DmaProperty p = chosen.get(i);
            out.printf("[%d/%d] %-" + width + "s  ", i + 1, chosen.size(), p.name());
            out.flush();
            PropertyVerdict v = DmaProperties.check(p, provider, settings);
            verdicts.add(v);
            printVerdict(out, v);
        }
        long held = verdicts.stream().filter(PropertyVerdict::held).count();
        out.printf("%n%d of %d properties held on engine %s%n", held, verdicts.size(), provider.name());
        verdicts.stream().filter(v -> v.report().isPresent()).forEach(v ->
                out.printf("  %s: report %s%n", v.property(), v.report().get().report()));
        out.flush();
        return held == verdicts.size() ? Main.OK : Main.FAILED;
    }

    private CheckSettings settings() {
        CheckSettings s = CheckSettings.fromSystemProperties();
        if (tries != null) {
            if (tries < 1) {
                throw new UsageException("--tries must be at least 1, got " + tries);
            }
            s = s.withTries(tries);
        }
        if (seed != null) {
            s = s.withSeed(CheckSettings.parseSeed(seed));
        }
        if (shrinkBudget != null) {
            if (shrinkBudget < 0) {
                throw new UsageException("--shrink-budget must not be negative, got " + shrinkBudget);
            }
            s = s.withShrinkBudget(shrinkBudget);
        }
        if (reportDir != null) {
            s = s.withReportDir(reportDir);
        }
        if (callTimeout != null) {
            if (callTimeout < 1) {
                throw new UsageException("--call-timeout must be at least 1 second, got " + callTimeout);
            }
            s = s.withCallLimit(Duration.ofSeconds(callTimeout));
        }
        return s;
    }

    static void printVerdict(PrintWriter out, PropertyVerdict v) {
        out.printf(Locale.ROOT, "%-12s %5d tries  %6.1f s%n", v.status().word(), v.tries(), v.elapsed().toMillis() / 1000.0);
        if (!v.detail().isEmpty()) {
            out.println("      " + v.detail());
        }
        for (PropertyVerdict.CoverageRow row : v.coverage()) {
            String req = row.hasRequirement()
                    ? String.format(Locale.ROOT, "  (required %s%%%s)", percent(row.required()),
                            row.insufficient() ? ": NOT MET" : "")
                    : "";
            out.printf(Locale.ROOT, "      %6.1f%%  %s%s%n", row.percent(), row.label(), req);
        }
        v.report().ifPresent(r -> out.println("      report: " + r.report()));
        out.flush();
    }

    /** {@code 5} or {@code 0.5}. */
    private static String percent(double p) {
        return p == Math.rint(p) ? String.format(Locale.ROOT, "%.0f", p) : String.format(Locale.ROOT, "%.1f", p);
    }
}
