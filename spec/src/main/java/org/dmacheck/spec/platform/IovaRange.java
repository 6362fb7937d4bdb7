package org.dmacheck.spec.platform;

/** An inclusive IOVA range {@code [start, last]} with the reason it exists (for reserved regions). */
public record IovaRange(long start, long last, String why) {
    public IovaRange {
        if (Unsigned.lt(last, start)) {
            throw new IllegalArgumentException("IOVA range " + Unsigned.hex(start) + "-" + Unsigned.hex(last)
                    + " ends before it starts");
        }
    }

    public boolean overlaps(long s, long l) {
        return Unsigned.overlaps(start, last, s, l);
    }

    @Override
    public String toString() {
        return "[" + Unsigned.hex(start) + "-" + Unsigned.hex(last) + "] " + why;
    }
}
