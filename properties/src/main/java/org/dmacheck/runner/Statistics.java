package org.dmacheck.runner;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Label counts of one run and the verdicts on its coverage requirements.
 *
 * @param tries    tries counted (those that ran the property and were not discarded)
 * @param counts   label to number of tries carrying it, in the order labels first appeared
 * @param coverage verdicts on the coverage requirements (empty if the property failed first)
 */
public record Statistics(long tries, Map<String, Long> counts, List<CoverageVerdict> coverage) {

    /** Unmodifiable copies, keeping label order. */
    public Statistics {
        counts = Collections.unmodifiableMap(new LinkedHashMap<>(counts));
        coverage = List.copyOf(coverage);
    }

    /** Tries that carried {@code label}. */
    public long count(String label) {
        return counts.getOrDefault(label, 0L);
    }

    /** Share of tries that carried {@code label}, in percent. */
    public double percent(String label) {
        return tries == 0 ? 0 : 100.0 * count(label) / tries;
    }

    /** One line per label: {@code   42.0%  label (420)}. */
    public String table() {
        StringBuilder out = new StringBuilder();
        counts.forEach((label, count) -> out.append(String.format("  %5.1f%%  %s (%d)%n", percent(label), label, count)));
        return out.toString();
    }
}
