package org.dmacheck.prop.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dmacheck.spec.op.DmaTrace;
import org.dmacheck.spec.op.TraceWriter;
import org.dmacheck.spec.platform.Unsigned;

/**
 * Writes a counterexample as a bug report into one directory: {@code report.txt} (what failed,
 * the platform, the numbered steps, seed and choices), {@code counterexample.trace} (the versioned
 * trace format, which {@code dmacheck replay} runs), a ready-to-paste JUnit test and
 * {@code reproduce.c} (the calls as kernel C). Every file is written atomically.
 */
public final class ReportWriter {
    public static final String REPORT = "report.txt";
    public static final String TRACE = "counterexample.trace";
    public static final String C_REPRODUCER = "reproduce.c";

    private ReportWriter() {
    }

    /** The files written. */
    public record Written(Path report, Path trace, Path junitTest, Path reproducer) {
    }

    /** Writes the report for {@code c} into {@code dir} (created if needed) and returns the paths. */
    public static Written write(Path dir, Counterexample c) {
        DmaTrace trace = withMeta(c);
        Path tracePath = dir.resolve(TRACE);
        Path testPath = dir.resolve(testClassName(c.property()) + ".java");
        Path cPath = dir.resolve(C_REPRODUCER);
        Path reportPath = dir.resolve(REPORT);
        String traceText = TraceWriter.write(trace);
        // the trace first: it is what reproduces the failure
        AtomicFiles.write(tracePath, traceText);
        AtomicFiles.write(testPath, junitTest(c, traceText));
        AtomicFiles.write(cPath, PseudoC.render(trace.steps(), trace.platform().pageSize()));
        Written written = new Written(reportPath, tracePath, testPath, cPath);
        AtomicFiles.write(reportPath, report(c, trace, written));
        return written;
    }

    /** Deletes the files a report for {@code property} would have in {@code dir}, so no stale report outlives a fix. */
    public static void clear(Path dir, String property) {
        for (String name : List.of(REPORT, TRACE, C_REPRODUCER, testClassName(property) + ".java")) {
            try {
                Files.deleteIfExists(dir.resolve(name));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove the old report file " + dir.resolve(name)
                        + ": " + e.getMessage(), e);
            }
        }
    }

    /** The trace with the failure's metadata: property, engine, seed, choices, invariant, step, evidence. */
    public static DmaTrace withMeta(Counterexample c) {
        Map<String, String> meta = new LinkedHashMap<>(c.trace().meta());
        meta.put("property", c.property());
        meta.put("engine", c.engine());
        meta.put("seed", Long.toString(c.seed()));
        meta.put("choices", c.choices());
        meta.put("failure.invariant", c.invariant());
        meta.put("failure.step", Integer.toString(c.failingStep()));
        meta.put("failure.evidence", c.summary());
        return new DmaTrace(meta, c.trace().platform(), c.trace().steps());
    }

    /** The human-readable report. */
    public static String report(Counterexample c, DmaTrace trace, Written files) {
        StringBuilder out = new StringBuilder();
        out.append("dmacheck: property ").append(c.property()).append(" FAILED on engine ").append(c.engine())
                .append("\n\n");
        out.append("invariant: ").append(c.invariant()).append(" at ").append(c.where()).append('\n');
        for (String line : c.failure().split("\n")) {
            out.append("  ").append(line).append('\n');
        }
        out.append('\n').append("steps (").append(trace.steps().size()).append("):\n");
        List<DmaTrace.Step> steps = trace.steps();
        int width = Integer.toString(steps.size()).length();
        for (int i = 0; i < steps.size(); i++) {
            DmaTrace.Step s = steps.get(i);
            if (i + 1 == c.teardownFrom()) {
                out.append("  -- teardown: every live handle released, newest first --\n");
            }
            out.append(String.format(Locale.ROOT, "  %" + width + "d  ", i + 1)).append(TraceWriter.op(s.op()));
            if (s.result() != null) {
                out.append("  => ").append(s.result());
            }
            if (i + 1 == c.failingStep()) {
                out.append("   <-- ").append(c.invariant());
            }
            out.append('\n');
        }
        if (c.failingStep() > steps.size()) {
            out.append("  -- teardown: time advanced past the flush-queue timeout, final state judged --   <-- ")
                    .append(c.invariant()).append('\n');
        }
        out.append("\nplatform:\n");
        for (String line : platformLines(trace)) {
            out.append("  ").append(line).append('\n');
        }
        if (!c.kernelLog().isEmpty()) {
            out.append("\nkernel log:\n");
            c.kernelLog().forEach(l -> out.append("  ").append(l).append('\n'));
        }
        out.append("\nseed: ").append(c.seed()).append("   (repeat the search: --seed ").append(c.seed())
                .append(" or -Ddmacheck.seed=").append(c.seed()).append(")\n");
        out.append("choices: ").append(c.choices().isEmpty() ? "(none)" : c.choices()).append('\n');
        if (!c.search().isEmpty()) {
            out.append("search: ").append(c.search()).append('\n');
        }
        out.append("\nfiles:\n");
        out.append("  trace:      ").append(files.trace()).append("   (dmacheck replay ").append(files.trace())
                .append(" --engine ").append(c.engine()).append(")\n");
        out.append("  JUnit test: ").append(files.junitTest()).append('\n');
        out.append("  C calls:    ").append(files.reproducer()).append('\n');
        return out.toString();
    }

    private static List<String> platformLines(DmaTrace trace) {
        String text = TraceWriter.write(new DmaTrace(Map.of(), trace.platform(), List.of()));
        return text.lines().skip(1).toList();
    }

    /** A ready-to-paste JUnit 5 test that replays the trace and fails while the bug is there. */
    public static String junitTest(Counterexample c, String traceText) {
        String cls = testClassName(c.property());
        return "package org.dmacheck.regression;\n\n"
                + "import org.dmacheck.prop.DmaReplay;\n"
                + "import org.junit.jupiter.api.Test;\n\n"
                + "/**\n"
                + " * dmacheck counterexample: " + c.property() + " on engine " + c.engine() + ", " + c.invariant()
                + " at " + c.where() + ".\n"
                + " * " + javadocSafe(c.summary()) + "\n"
                + " */\n"
                + "class " + cls + " {\n"
                + "    private static final String TRACE = \"\"\"\n"
                + textBlock(traceText, "            ")
                + "            \"\"\";\n\n"
                + "    @Test\n"
                + "    void holds() {\n"
                + "        DmaReplay.assertHolds(\"" + cls + "\", TRACE, \"" + c.engine() + "\");\n"
                + "    }\n"
                + "}\n";
    }

    /** {@code single-maps} becomes {@code SingleMapsCounterexampleTest}. */
    public static String testClassName(String property) {
        StringBuilder b = new StringBuilder();
        boolean upper = true;
        for (char ch : property.toCharArray()) {
            if (!Character.isLetterOrDigit(ch)) {
                upper = true;
                continue;
            }
            b.append(upper ? Character.toUpperCase(ch) : ch);
            upper = false;
        }
        if (b.length() == 0 || !Character.isLetter(b.charAt(0))) {
            b.insert(0, "Dma");
        }
        return b + "CounterexampleTest";
    }

    /** Text as the body of a Java text block: backslashes and triple quotes escaped, blanks kept. */
    private static String textBlock(String text, String indent) {
        StringBuilder b = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            String escaped = line.replace("\\", "\\\\").replace("\"\"\"", "\\\"\"\"");
            if (escaped.endsWith(" ")) {
                escaped = escaped.substring(0, escaped.length() - 1) + "\\s";
            }
            b.append(indent).append(escaped).append('\n');
        }
        return b.toString();
    }

    private static String javadocSafe(String s) {
        return s.replace("*/", "* /");
    }
}
