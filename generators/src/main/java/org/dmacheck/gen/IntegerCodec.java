package org.dmacheck.gen;

/**
 * Encodes the integers of a range {@code [lo, lo + span]} (64-bit, unsigned arithmetic) as choices
 * ordered by simplicity: choice 0 is the target (the value closest to zero), then values
 * alternate above and below it by increasing distance ({@code t, t+1, t-1, t+2, t-2, ...}); once
 * one side of the range is used up the other continues alone. The mapping is a bijection between
 * {@code [0, span]} and the range, so any choice decodes to a valid value.
 *
 * @param lo     the range's first value (bit pattern; signed or unsigned alike)
 * @param span   the range's last value minus {@code lo}, unsigned
 * @param target offset from {@code lo} of the simplest value, unsigned
 */
record IntegerCodec(long lo, long span, long target) {

    /** Codec for the signed range {@code [lo, hi]}; the simplest value is the one nearest zero. */
    static IntegerCodec signed(long lo, long hi) {
        if (lo > hi) {
            throw new IllegalArgumentException("empty range [" + lo + ", " + hi + "]");
        }
        long simplest = lo > 0 ? lo : Math.min(hi, 0);
        return new IntegerCodec(lo, hi - lo, simplest - lo);
    }

    /** Codec for the unsigned range {@code [lo, hi]} (bit patterns); the simplest value is {@code lo}. */
    static IntegerCodec unsigned(long lo, long hi) {
        if (Long.compareUnsigned(lo, hi) > 0) {
            throw new IllegalArgumentException("empty unsigned range [" + Long.toUnsignedString(lo) + ", "
                    + Long.toUnsignedString(hi) + "]");
        }
        return new IntegerCodec(lo, hi - lo, 0);
    }

    /** The largest choice (unsigned); every choice in {@code [0, maxChoice()]} is valid. */
    long maxChoice() {
        return span;
    }

    private long up() {
        return span - target;
    }

    private long balanced() {
        long up = up();
        return Long.compareUnsigned(up, target) < 0 ? up : target;
    }

    /** The value a choice stands for. */
    long decode(long choice) {
        long m = balanced();
        long offset;
        if (Long.compareUnsigned(choice, 2 * m) <= 0) {
            if (choice == 0) {
                offset = target;
            } else if ((choice & 1) == 1) {
                offset = target + (choice >>> 1) + 1;
            } else {
                offset = target - (choice >>> 1);
            }
        } else {
            long beyond = choice - 2 * m;
            offset = Long.compareUnsigned(up(), target) > 0 ? target + m + beyond : target - m - beyond;
        }
        return lo + offset;
    }

    /** The choice that stands for {@code value}, which must be in the range. */
    long encode(long value) {
        long offset = value - lo;
        long m = balanced();
        boolean above = Long.compareUnsigned(offset, target) >= 0;
        long distance = above ? offset - target : target - offset;
        if (distance == 0) {
            return 0;
        }
        if (Long.compareUnsigned(distance, m) <= 0) {
            return above ? 2 * distance - 1 : 2 * distance;
        }
        return 2 * m + (distance - m);
    }

    /** Whether {@code value} lies in the range. */
    boolean contains(long value) {
        return Long.compareUnsigned(value - lo, span) <= 0;
    }
}
