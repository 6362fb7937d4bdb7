package org.dmacheck.gen;

/**
 * Where a {@link ChoiceStream} gets its raw choices from. Searching draws them from a seeded
 * random source, with a distribution tuned by the hint methods; replaying reads them from a list
 * and ignores the hints. The stream clamps and records whatever the source returns.
 */
sealed interface ChoiceSource permits RandomChoiceSource, ReplayChoiceSource {

    /** A choice in {@code [0, max]} (unsigned), uniformly when searching. */
    long uniform(int position, long max);

    /**
     * A choice in {@code [0, max]}; when searching, sometimes one of {@code favoured} (edge
     * values), sometimes a small one, otherwise uniform.
     */
    long favouring(int position, long max, long[] favoured);

    /** A choice in {@code {0, 1}}; when searching, 1 with probability {@code p}. */
    long bernoulli(int position, double p);

    /** A choice in {@code [0, weights.length)}; when searching, index i with weight {@code weights[i]}. */
    long weighted(int position, double[] weights);

    /** Whether choices come from a random source (true) or from a given list (false). */
    boolean searching();
}
