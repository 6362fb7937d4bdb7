package org.dmacheck.spec.platform;

/**
 * Unsigned 64-bit address arithmetic. DMA and physical addresses, masks and limits are
 * {@code u64} in Linux; Java's {@code long} is signed, so every comparison of addresses goes
 * through here ({@code bug-classes.md}, class 1).
 */
public final class Unsigned {
    /** All ones: {@code DMA_BIT_MASK(64)}, {@code ULONG_MAX}. */
    public static final long MAX = -1L;

    private Unsigned() {
    }

    /** {@code a <= b} as unsigned 64-bit values. */
    public static boolean le(long a, long b) {
        return Long.compareUnsigned(a, b) <= 0;
    }

    /** {@code a < b} as unsigned 64-bit values. */
    public static boolean lt(long a, long b) {
        return Long.compareUnsigned(a, b) < 0;
    }

    public static long min(long a, long b) {
        return le(a, b) ? a : b;
    }

    public static long max(long a, long b) {
        return le(a, b) ? b : a;
    }

    /** Linux {@code min_not_zero}: the smaller of two limits, where 0 means "no limit". */
    public static long minNotZero(long a, long b) {
        if (a == 0) {
            return b;
        }
        if (b == 0) {
            return a;
        }
        return min(a, b);
    }

    /**
     * The last byte of {@code [start, start + len)}, or throws if the range is empty or wraps
     * past 2^64-1.
     */
    public static long lastByte(long start, long len) {
        if (len == 0) {
            throw new IllegalArgumentException("empty range at " + hex(start));
        }
        long last = start + len - 1;
        if (lt(last, start)) {
            throw new IllegalArgumentException("range " + hex(start) + " + " + hex(len) + " wraps past 2^64");
        }
        return last;
    }

    /** Whether {@code [start, start + len)} is non-empty and does not wrap past 2^64-1. */
    public static boolean fits(long start, long len) {
        return len != 0 && le(start, start + len - 1);
    }

    /** Whether the non-empty range {@code [start, start+len)} lies at or below {@code limit}. */
    public static boolean rangeAtOrBelow(long start, long len, long limit) {
        return fits(start, len) && le(start + len - 1, limit);
    }

    /** Whether {@code [aStart, aLast]} and {@code [bStart, bLast]} (inclusive ends) intersect. */
    public static boolean overlaps(long aStart, long aLast, long bStart, long bLast) {
        return le(aStart, bLast) && le(bStart, aLast);
    }

    /** Whether {@code x} lies in {@code [start, last]}. */
    public static boolean within(long x, long start, long last) {
        return le(start, x) && le(x, last);
    }

    /** {@code DMA_BIT_MASK(n)}: the low {@code n} bits set; {@code n == 64} gives all ones. */
    public static long bitMask(int n) {
        if (n < 1 || n > 64) {
            throw new IllegalArgumentException("DMA_BIT_MASK width must be 1..64, got " + n);
        }
        return n == 64 ? MAX : (1L << n) - 1;
    }

    /** Rounds {@code x} up to a multiple of the power of two {@code align}. */
    public static long alignUp(long x, long align) {
        return (x + align - 1) & -align;
    }

    /** Rounds {@code x} down to a multiple of the power of two {@code align}. */
    public static long alignDown(long x, long align) {
        return x & -align;
    }

    public static boolean isPowerOfTwo(long x) {
        return x != 0 && (x & (x - 1)) == 0;
    }

    /** Kernel-style hex, {@code 0x...}, unsigned. */
    public static String hex(long x) {
        return "0x" + Long.toHexString(x);
    }
}
