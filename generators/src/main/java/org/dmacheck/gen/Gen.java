package org.dmacheck.gen;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A generator: a total function from choices to values.
 *
 * <p>{@code generate} draws every random decision from the {@link ChoiceStream} it is given and
 * nowhere else, so replaying the recorded choices reproduces the value exactly, and the shrinker
 * can simplify a value by simplifying its choices. Any lambda {@code in -> ...} is a generator;
 * use {@link ChoiceStream#draw(Gen)} inside it to draw sub-values, which is also the idiom for
 * records of any arity:
 *
 * <pre>{@code
 * Gen<Point> points = in -> new Point(in.draw(Gens.ints(0, 9)), in.draw(Gens.ints(0, 9)));
 * }</pre>
 *
 * <p>Rules for hand-written generators: be total (never throw for any choices; a filter that gives
 * up throws {@link Discard}, which is allowed), draw nothing but choices, and arrange that choice 0
 * gives the simplest value. The factories in {@link Gens} follow these rules.
 *
 * @param <T> type of the generated values
 */
@FunctionalInterface
public interface Gen<T> {

    /** Generates one value, drawing every random decision from {@code in}. */
    T generate(ChoiceStream in);

    /**
     * A short description for error messages, e.g. {@code ints(0, 10)}. Lambdas describe
     * themselves as {@code "generator"}; give them a name with {@link #named(String)}.
     */
    default String describe() {
        return "generator";
    }

    /** This generator, described as {@code description} in error messages. */
    default Gen<T> named(String description) {
        Objects.requireNonNull(description);
        return new Named<>(() -> description, this);
    }

    /** Applies {@code f} to every value; shrinks as this generator shrinks. */
    default <R> Gen<R> map(Function<? super T, ? extends R> f) {
        Objects.requireNonNull(f);
        Gen<T> source = this;
        return new Named<>(source::describe, in -> f.apply(source.generate(in)));
    }

    /**
     * Generates a value, then generates with the generator {@code f} picks for it. Both parts
     * shrink: the first part's choices come first, so simplifying it is preferred.
     */
    default <R> Gen<R> flatMap(Function<? super T, ? extends Gen<? extends R>> f) {
        Objects.requireNonNull(f);
        Gen<T> source = this;
        return new Named<>(() -> source.describe() + ".flatMap", in -> in.draw(f.apply(in.draw(source))));
    }

    /**
     * Keeps only values satisfying {@code condition}, retrying up to
     * {@value Filtered#MAX_ATTEMPTS} times per value; after that the try is discarded with a
     * {@link FilterExhaustedException} naming this generator. Filter only for conditions that
     * hold most of the time; otherwise construct the wanted values directly.
     */
    default Gen<T> filter(Predicate<? super T> condition) {
        return new Filtered<>(this::describe, this, Objects.requireNonNull(condition));
    }

    /** As {@link #filter(Predicate)}, naming the filtered generator {@code description} in errors. */
    default Gen<T> filter(String description, Predicate<? super T> condition) {
        Objects.requireNonNull(description);
        return new Filtered<>(() -> description, this, Objects.requireNonNull(condition));
    }
}
