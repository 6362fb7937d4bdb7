package org.dmacheck.gen;

import org.apache.commons.rng.UniformRandomProvider;

/** Draws choices from a seeded random source; only the distribution, never the encoding, is tuned. */
final class RandomChoiceSource implements ChoiceSource {

    /** Out of ten draws that favour edge values: how many pick an edge value. */
    private static final int EDGE_TENTHS = 2;
    /** Out of ten draws that favour edge values: how many pick a log-uniformly small choice. */
    private static final int SMALL_TENTHS = 2;

    private final UniformRandomProvider random;

    RandomChoiceSource(UniformRandomProvider random) {
        this.random = random;
    }

    @Override
    public long uniform(int position, long max) {
        if (max == -1L) {
            return random.nextLong();
        }
        if (max >= 0 && max < Long.MAX_VALUE) {
            return random.nextLong(max + 1);
        }
        // max in [2^63 - 1, 2^64 - 2] unsigned: rejection sampling accepts at least half the time.
        while (true) {
            long v = random.nextLong();
            if (Long.compareUnsigned(v, max) <= 0) {
                return v;
            }
        }
    }

    @Override
    public long favouring(int position, long max, long[] favoured) {
        int roll = random.nextInt(10);
        if (roll < EDGE_TENTHS && favoured.length > 0) {
            return favoured[random.nextInt(favoured.length)];
        }
        if (roll < EDGE_TENTHS + SMALL_TENTHS) {
            int bits = random.nextInt(65);
            long bound = bits == 64 ? -1L : (1L << bits) - 1;
            return uniform(position, Long.compareUnsigned(bound, max) < 0 ? bound : max);
        }
        return uniform(position, max);
    }

    @Override
    public long bernoulli(int position, double p) {
        return random.nextDouble() < p ? 1 : 0;
    }

    @Override
    public long weighted(int position, double[] weights) {
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        double target = random.nextDouble() * total;
        int last = 0;
        for (int i = 0; i < weights.length; i++) {
            if (weights[i] > 0) {
                last = i;
                target -= weights[i];
                if (target < 0) {
                    return i;
                }
            }
        }
        return last;
    }

    @Override
    public boolean searching() {
        return true;
    }
}
