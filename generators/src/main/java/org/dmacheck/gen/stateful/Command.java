package org.dmacheck.gen.stateful;

import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import org.dmacheck.gen.Gen;

/**
 * One kind of step in a {@link Commands} sequence: when it is allowed, how to generate its
 * arguments from the current model state, and how it changes the model.
 *
 * <p>The generator sees the model, so a step that needs a live handle draws "the k-th live one"
 * (e.g. with {@link org.dmacheck.gen.Gens#indexBelow}) rather than a handle value: deleting earlier
 * steps then turns it into a different valid step instead of an invalid one. Give such commands a
 * precondition ({@code m -> !m.live().isEmpty()}) so they are only drawn when a handle exists.
 *
 * @param name         shown in reports; e.g. {@code "unmap"}
 * @param weight       relative probability when searching; positive
 * @param precondition whether the step may be taken in a model state
 * @param generator    the step's generator for a model state (only called when the precondition holds)
 * @param update       the model state after the step
 * @param <M>          model state type
 * @param <A>          step type
 */
public record Command<M, A>(String name, double weight, Predicate<? super M> precondition,
                            Function<? super M, ? extends Gen<? extends A>> generator,
                            BiFunction<? super M, ? super A, ? extends M> update) {

    /** Validates the fields. */
    public Command {
        Objects.requireNonNull(name);
        Objects.requireNonNull(precondition);
        Objects.requireNonNull(generator);
        Objects.requireNonNull(update);
        if (!(weight > 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("weight must be positive and finite: " + weight);
        }
    }

    /** A command that is always allowed, with weight 1. */
    public static <M, A> Command<M, A> of(String name, Function<? super M, ? extends Gen<? extends A>> generator,
                                          BiFunction<? super M, ? super A, ? extends M> update) {
        return new Command<>(name, 1.0, m -> true, generator, update);
    }

    /** This command, allowed only where {@code condition} holds (in addition to any earlier condition). */
    public Command<M, A> when(Predicate<? super M> condition) {
        Predicate<? super M> previous = precondition;
        return new Command<>(name, weight, m -> previous.test(m) && condition.test(m), generator, update);
    }

    /** This command with another weight. */
    public Command<M, A> weight(double newWeight) {
        return new Command<>(name, newWeight, precondition, generator, update);
    }

    /** Whether the command may be taken in {@code model}. */
    public boolean enabled(M model) {
        return precondition.test(model);
    }
}
