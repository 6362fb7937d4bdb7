package org.dmacheck.spec.op;

/**
 * Deterministic data for CPU and device writes: byte {@code i} of pattern {@code seed}. Distinct
 * seeds give distinct bytes at almost every position, so a copy from the wrong place shows.
 */
public final class Pattern {
    private Pattern() {
    }

    public static byte at(int seed, long i) {
        long x = (seed * 0x9E3779B97F4A7C15L) ^ (i * 0xBF58476D1CE4E5B9L);
        x ^= x >>> 31;
        x *= 0x94D049BB133111EBL;
        x ^= x >>> 29;
        byte b = (byte) x;
        return b == 0 ? 1 : b;
    }

    public static byte[] bytes(int seed, long offset, int len) {
        byte[] out = new byte[len];
        for (int i = 0; i < len; i++) {
            out[i] = at(seed, offset + i);
        }
        return out;
    }
}
