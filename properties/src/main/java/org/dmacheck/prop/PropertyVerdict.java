package org.dmacheck.prop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.dmacheck.gen.dma.DmaPath;
import org.dmacheck.prop.report.Counterexample;
import org.dmacheck.prop.report.ReportWriter;

/**
 * How one property fared against one engine.
 *
 * @param property the property's name
 * @param engine   the engine's name
 * @param status   the verdict
 * @param seed     the search seed
 * @param tries    tries run
 * @param elapsed  wall time, shrinking included
 * @param coverage one row per label seen or required, in table order
 * @param failure  the (shrunk) counterexample when the property failed
 * @param report   the report files written for it
 * @param detail   one line: the failure's summary, the unmet coverage, or why the run gave up
 */
public record PropertyVerdict(String property, String engine, Status status, long seed, int tries, Duration elapsed,
                              List<CoverageRow> coverage, Optional<Counterexample> failure,
                              Optional<ReportWriter.Written> report, String detail) {
    public enum Status {
        HELD, FAILED, UNDERCOVERED, GAVE_UP;

        /** Lower case, for tables. */
        public String word() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    public PropertyVerdict {
        coverage = List.copyOf(coverage);
    }

    public boolean held() {
        return status == Status.HELD;
    }

    /**
     * One coverage line.
     *
     * @param label        the label
     * @param percent      observed share of tries
     * @param count        tries that carried it
     * @param required     the required share, or NaN when there is no requirement
     * @param insufficient whether the requirement is provably unmet
     */
    public record CoverageRow(String label, double percent, long count, double required, boolean insufficient) {
        public boolean hasRequirement() {
            return !Double.isNaN(required);
        }
    }

    /** Rows from label counts and requirements: required labels first (in requirement order), then the rest. */
    static List<CoverageRow> rows(long tries, Map<String, Long> counts, Map<String, Double> required,
                                  Set<String> insufficient) {
        List<CoverageRow> rows = new ArrayList<>();
        required.keySet().forEach(label -> {
            long n = counts.getOrDefault(label, 0L);
            rows.add(new CoverageRow(label, percent(n, tries), n, required.get(label), insufficient.contains(label)));
        });
        counts.entrySet().stream().filter(e -> !required.containsKey(e.getKey()))
                .sorted(Comparator.comparingInt(e -> order(e.getKey())))
                .forEach(e -> rows.add(new CoverageRow(e.getKey(), percent(e.getValue(), tries), e.getValue(),
                        Double.NaN, false)));
        return rows;
    }

    /** Path labels in {@link DmaPath} order, anything else after them. */
    private static int order(String label) {
        for (DmaPath p : DmaPath.values()) {
            if (p.label().equals(label)) {
                return p.ordinal();
            }
        }
        return Integer.MAX_VALUE;
    }

    private static double percent(long n, long tries) {
        return tries == 0 ? 0 : 100.0 * n / tries;
    }
}
