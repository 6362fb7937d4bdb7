package org.dmacheck.spec.platform;

/**
 * Where {@link BufferAllocator#allocate} puts a buffer. Window placements ({@link Anywhere},
 * {@link Below4G}, {@link Above4G}, {@link Below}, {@link AtOrAbove}) take the lowest fitting address
 * with the requested offset in its page; exact placements ({@link At}, {@link EndingAt},
 * {@link Crossing}) fix the start address, so the requested in-page offset is used only by
 * {@link Crossing}.
 */
public sealed interface Placement {
    /** Highest byte of the 32-bit space, {@code DMA_BIT_MASK(32)}. */
    long LAST_32BIT = 0xFFFF_FFFFL;

    /** Any free RAM. */
    record Anywhere() implements Placement {
    }

    /** Every byte at or below {@code 0xFFFFFFFF}. */
    record Below4G() implements Placement {
    }

    /** Every byte at or above {@code 0x1_0000_0000}. */
    record Above4G() implements Placement {
    }

    /** Every byte at or below {@code limit} (inclusive; e.g. a mask). */
    record Below(long limit) implements Placement {
    }

    /** Every byte at or above {@code base}. */
    record AtOrAbove(long base) implements Placement {
    }

    /** The buffer starts exactly at {@code phys}. */
    record At(long phys) implements Placement {
    }

    /** The buffer's last byte is exactly {@code lastByte} (e.g. a mask: the buffer just fits). */
    record EndingAt(long lastByte) implements Placement {
    }

    /**
     * The buffer straddles {@code limit}: it starts at or below it and ends above it, by as few bytes
     * as the requested in-page offset allows (e.g. one byte past a mask).
     */
    record Crossing(long limit) implements Placement {
    }

    /** {@link Anywhere}. */
    static Placement anywhere() {
        return new Anywhere();
    }

    /** {@link Below4G}. */
    static Placement below4G() {
        return new Below4G();
    }

    /** {@link Above4G}. */
    static Placement above4G() {
        return new Above4G();
    }
}
