package org.dmacheck.spec.contract;

/**
 * Where the caller saw an event: a step of a driver run, a line of a recorded trace, or nowhere in
 * particular. dma-debug has no notion of it (it prints a stack trace); the caller supplies it and
 * violations carry it back.
 *
 * @param unit  what {@code value} counts
 * @param value the step number or line number (0 for {@link Unit#NONE})
 */
public record Location(Unit unit, long value) {
    /** Not tied to a step or line. */
    public static final Location NONE = new Location(Unit.NONE, 0);

    /** What a location counts. */
    public enum Unit { STEP, LINE, NONE }

    public Location {
        if (unit == null) {
            throw new IllegalArgumentException("location unit must not be null");
        }
        if (unit == Unit.NONE && value != 0) {
            throw new IllegalArgumentException("a NONE location has no value, got " + value);
        }
    }

    /** The 1-based step {@code n} of a driver run. */
    public static Location step(long n) {
        return new Location(Unit.STEP, n);
    }

    /** Line {@code n} of a recorded trace. */
    public static Location line(long n) {
        return new Location(Unit.LINE, n);
    }

    /** {@code step 7}, {@code line 12}, or empty for {@link #NONE}. */
    @Override
    public String toString() {
        return switch (unit) {
            case STEP -> "step " + value;
            case LINE -> "line " + value;
            case NONE -> "";
        };
    }
}
