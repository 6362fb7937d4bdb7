package org.dmacheck.gen;

import java.util.Arrays;
import java.util.StringJoiner;

/**
 * An immutable list of choices: the complete record of the random decisions one generation made.
 *
 * <p>Each choice is an unsigned 64-bit integer (stored in a {@code long}; compare with
 * {@link Long#compareUnsigned}). Replaying a sequence through {@link ChoiceStream#replaying}
 * regenerates exactly the same value.
 *
 * <p>Sequences are ordered <em>shortlex</em>: a shorter sequence is smaller; sequences of equal
 * length compare lexicographically with unsigned choices. The shrinker only ever moves to smaller
 * sequences, which is what guarantees that it terminates, and generators are written so that a
 * smaller sequence means a simpler value.
 */
public final class ChoiceSequence implements Comparable<ChoiceSequence> {

    private static final ChoiceSequence EMPTY = new ChoiceSequence(new long[0]);

    private final long[] values;

    private ChoiceSequence(long[] values) {
        this.values = values;
    }

    /** The empty sequence; replaying it yields the simplest value of any generator. */
    public static ChoiceSequence empty() {
        return EMPTY;
    }

    /** A sequence holding a copy of {@code values}. */
    public static ChoiceSequence of(long... values) {
        return values.length == 0 ? EMPTY : new ChoiceSequence(values.clone());
    }

    /** A sequence holding a copy of {@code values[0..length)}. */
    public static ChoiceSequence of(long[] values, int length) {
        return length == 0 ? EMPTY : new ChoiceSequence(Arrays.copyOf(values, length));
    }

    /** Number of choices. */
    public int length() {
        return values.length;
    }

    /** The choice at {@code index} (an unsigned value). */
    public long get(int index) {
        return values[index];
    }

    /** A fresh copy of the choices. */
    public long[] toArray() {
        return values.clone();
    }

    /** Shortlex order with unsigned comparison of choices; see the class comment. */
    @Override
    public int compareTo(ChoiceSequence other) {
        return compareShortlex(values, values.length, other.values, other.values.length);
    }

    /**
     * Shortlex comparison of two raw choice arrays, {@code a[0..aLength)} against
     * {@code b[0..bLength)}.
     */
    public static int compareShortlex(long[] a, int aLength, long[] b, int bLength) {
        if (aLength != bLength) {
            return Integer.compare(aLength, bLength);
        }
        for (int i = 0; i < aLength; i++) {
            int c = Long.compareUnsigned(a[i], b[i]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChoiceSequence other && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    /** Decimal, unsigned, e.g. {@code [1, 0, 18446744073709551615]}. */
    @Override
    public String toString() {
        StringJoiner joiner = new StringJoiner(", ", "[", "]");
        for (long v : values) {
            joiner.add(Long.toUnsignedString(v));
        }
        return joiner.toString();
    }
}
