package org.dmacheck.runner;

import org.dmacheck.gen.Discard;
import org.dmacheck.gen.Gen;

/**
 * Entry points of the property engine.
 *
 * <pre>{@code
 * Runner.forAll(Gens.lists(Gens.ints(0, 1000), 1, 100))
 *       .tries(500)
 *       .check(xs -> assertThat(Collections.max(xs)).isLessThan(900));
 * }</pre>
 */
public final class Runner {

    private Runner() {
    }

    /** A property over the values of {@code gen}; configure it, then {@link Property#check check} it. */
    public static <T> Property<T> forAll(Gen<T> gen) {
        return Property.of(gen);
    }

    /**
     * Discards the current try unless {@code condition} holds (the try counts neither as passed nor
     * as failed). Use in a property body for preconditions that hold most of the time.
     */
    public static void assume(boolean condition) {
        if (!condition) {
            throw new Discard("assumption failed");
        }
    }
}
