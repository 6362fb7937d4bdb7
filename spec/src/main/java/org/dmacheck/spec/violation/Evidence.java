package org.dmacheck.spec.violation;

import java.util.Objects;

/**
 * One bracketed fact of a violation, as dma-debug prints it: {@code [device address=0x...]},
 * {@code [map size=4096 bytes]}, or — a {@link #phrase} — {@code [mapped as phy]}. The value is
 * already formatted; the factories format addresses and sizes the way {@code kernel/dma/debug.c}
 * does ({@code 0x%016llx}, {@code %llu bytes}).
 *
 * @param phrase printed as {@code [key value]} rather than {@code [key=value]}
 */
public record Evidence(String key, String value, boolean phrase) {
    public Evidence {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    public Evidence(String key, String value) {
        this(key, value, false);
    }

    /** A fact dma-debug prints as a phrase: {@code [mapped with DMA_TO_DEVICE]}. */
    public static Evidence phrase(String key, String value) {
        return new Evidence(key, value, true);
    }

    /** A 64-bit address as {@code 0x%016llx}: {@code [device address=0x00000000fffff000]}. */
    public static Evidence addr(String key, long address) {
        return new Evidence(key, String.format("0x%016x", address));
    }

    /** A mask or short hex value as {@code 0x%llx}: {@code [dma_mask=0xffffffff]}. */
    public static Evidence hex(String key, long value) {
        return new Evidence(key, "0x" + Long.toHexString(value));
    }

    /** A byte count as {@code %llu bytes}: {@code [map size=4096 bytes]}. */
    public static Evidence bytes(String key, long size) {
        return new Evidence(key, Long.toUnsignedString(size) + " bytes");
    }

    /** A plain count or signed number: {@code [map count=3]}. */
    public static Evidence count(String key, long n) {
        return new Evidence(key, Long.toString(n));
    }

    /** A byte range {@code [start, last]} as {@code 0x...-0x...} (inclusive). */
    public static Evidence range(String key, long start, long last) {
        return new Evidence(key, String.format("0x%016x-0x%016x", start, last));
    }

    public static Evidence text(String key, String value) {
        return new Evidence(key, value);
    }

    @Override
    public String toString() {
        return "[" + key + (phrase ? " " : "=") + value + "]";
    }
}
