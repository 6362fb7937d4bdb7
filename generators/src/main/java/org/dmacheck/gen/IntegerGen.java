package org.dmacheck.gen;

import java.util.Arrays;
import java.util.function.LongUnaryOperator;

/**
 * 64-bit integers in a range, one choice each (see {@link IntegerCodec}); when searching, biased
 * towards edge values: the bounds, 0, ±1, powers of two and their neighbours. The edge table is
 * built on first use while searching, so generators created per step (inside stateful generators)
 * cost nothing extra when replayed.
 */
final class IntegerGen implements Gen<Long> {

    private final IntegerCodec codec;
    private final boolean unsigned;
    private final String kind;
    private volatile long[] favoured;

    private IntegerGen(IntegerCodec codec, boolean unsigned, String kind) {
        this.codec = codec;
        this.unsigned = unsigned;
        this.kind = kind;
    }

    /** Signed range {@code [lo, hi]}, described as {@code kind(lo, hi)}. */
    static IntegerGen signed(long lo, long hi, String kind) {
        return new IntegerGen(IntegerCodec.signed(lo, hi), false, kind);
    }

    /** Unsigned range {@code [lo, hi]}, described as {@code kind(lo, hi)}. */
    static IntegerGen unsigned(long lo, long hi, String kind) {
        return new IntegerGen(IntegerCodec.unsigned(lo, hi), true, kind);
    }

    @Override
    public Long generate(ChoiceStream in) {
        long max = codec.maxChoice();
        return codec.decode(in.isSearching() ? in.drawFavouring(max, favoured()) : in.draw(max));
    }

    private long[] favoured() {
        long[] table = favoured;
        if (table == null) {
            table = edgeChoices();
            favoured = table;
        }
        return table;
    }

    /** Choices of the edge values that lie in the range, sorted, without duplicates. */
    private long[] edgeChoices() {
        long lo = codec.lo();
        long hi = lo + codec.span();
        long[] candidates = new long[8 + 63 * 6];
        int n = 0;
        for (long v : new long[] {lo, hi, lo + 1, hi - 1, 0, 1, -1, -2}) {
            candidates[n++] = v;
        }
        LongUnaryOperator sign = unsigned ? v -> v : v -> -v;
        for (int k = 1; k < 64; k++) {
            long power = 1L << k;
            for (long v : new long[] {power, power - 1, power + 1}) {
                candidates[n++] = v;
                candidates[n++] = sign.applyAsLong(v);
            }
        }
        long[] choices = new long[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (codec.contains(candidates[i])) {
                choices[m++] = codec.encode(candidates[i]);
            }
        }
        return Arrays.stream(choices, 0, m).sorted().distinct().toArray();
    }

    @Override
    public String describe() {
        long lo = codec.lo();
        long hi = lo + codec.span();
        return unsigned ? kind + "(" + Long.toUnsignedString(lo) + ", " + Long.toUnsignedString(hi) + ")"
                : kind + "(" + lo + ", " + hi + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
