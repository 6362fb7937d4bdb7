package org.dmacheck.gen;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Factories for the standard generators. Every generator here is total, shrinks towards the
 * simplest value of its kind (numbers towards zero or the bound nearest it, {@code false}, the
 * first alternative, the shortest list), and describes itself for error messages.
 *
 * <table>
 * <caption>Generators and what they shrink to</caption>
 * <tr><th>factory</th><th>values</th><th>simplest</th></tr>
 * <tr><td>{@link #ints}, {@link #longs}, {@link #shorts}</td><td>range, edge-biased</td>
 *     <td>0, else the bound nearest 0</td></tr>
 * <tr><td>{@link #unsignedLongs}</td><td>unsigned 64-bit range</td><td>the low bound</td></tr>
 * <tr><td>{@link #booleans}</td><td>true with a probability</td><td>{@code false}</td></tr>
 * <tr><td>{@link #pick}, {@link #indexBelow}</td><td>an element / an index</td><td>the first</td></tr>
 * <tr><td>{@link #oneOf}, {@link #weighted}</td><td>one alternative's value</td><td>the first alternative</td></tr>
 * <tr><td>{@link #lists}</td><td>lists within size bounds</td><td>the shortest</td></tr>
 * <tr><td>{@link #combine}</td><td>records/tuples from parts</td><td>simplest parts</td></tr>
 * <tr><td>{@link #recursive}</td><td>trees of bounded depth</td><td>a leaf</td></tr>
 * </table>
 */
public final class Gens {

    private Gens() {
    }

    // ---------------------------------------------------------------- numbers

    /** Longs in {@code [lo, hi]}. */
    public static Gen<Long> longs(long lo, long hi) {
        return IntegerGen.signed(lo, hi, "longs");
    }

    /** Any long. */
    public static Gen<Long> longs() {
        return IntegerGen.signed(Long.MIN_VALUE, Long.MAX_VALUE, "longs");
    }

    /** Ints in {@code [lo, hi]}. */
    public static Gen<Integer> ints(int lo, int hi) {
        return IntegerGen.signed(lo, hi, "ints").map(Long::intValue);
    }

    /** Any int. */
    public static Gen<Integer> ints() {
        return IntegerGen.signed(Integer.MIN_VALUE, Integer.MAX_VALUE, "ints").map(Long::intValue);
    }

    /** Any short (16-bit signed). */
    public static Gen<Short> shorts() {
        return IntegerGen.signed(Short.MIN_VALUE, Short.MAX_VALUE, "shorts").map(Long::shortValue);
    }

    /**
     * Unsigned 64-bit integers in {@code [lo, hi]}, both read as unsigned; values are bit patterns
     * in a {@code long} (use {@link Long#toUnsignedString}).
     */
    public static Gen<Long> unsignedLongs(long lo, long hi) {
        return IntegerGen.unsigned(lo, hi, "unsignedLongs");
    }

    /** Any unsigned 64-bit integer, {@code 0 .. 2^64-1}. */
    public static Gen<Long> unsignedLongs() {
        return IntegerGen.unsigned(0, -1L, "unsignedLongs");
    }

    /**
     * An index in {@code [0, n)} into state built by earlier choices, e.g. "the k-th live handle";
     * {@code n} must be positive. Its choice is marked as an index ({@link Span.Marker#INDEX}) so
     * the shrinker can re-aim it when it deletes earlier steps.
     */
    public static Gen<Integer> indexBelow(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("n must be positive: " + n);
        }
        return new Named<>(() -> "indexBelow(" + n + ")", in -> in.span(Span.Marker.INDEX, s -> s.drawIndex(n)));
    }

    // ---------------------------------------------------------------- simple values

    /** Fair booleans. */
    public static Gen<Boolean> booleans() {
        return booleans(0.5);
    }

    /** Booleans that are {@code true} with probability {@code p} when searching. */
    public static Gen<Boolean> booleans(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("p must be in [0, 1]: " + p);
        }
        return new Named<>(() -> "booleans(" + p + ")", in -> in.drawBoolean(p));
    }

    /** Always {@code value}; draws no choices. */
    public static <T> Gen<T> just(T value) {
        return new Named<>(() -> "just(" + value + ")", in -> value);
    }

    /** One of {@code values}, uniformly; shrinks towards the first. */
    public static <T> Gen<T> pick(List<? extends T> values) {
        List<? extends T> copy = List.copyOf(values);
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("nothing to pick from");
        }
        return new Named<>(() -> "pick(" + copy + ")", in -> copy.get(in.drawIndex(copy.size())));
    }

    /** One of {@code values}, uniformly; shrinks towards the first. */
    @SafeVarargs
    @SuppressWarnings("varargs") // the array is only read, through a fixed-size list view
    public static <T> Gen<T> pick(T... values) {
        return pick(Arrays.asList(values));
    }

    // ---------------------------------------------------------------- choice of generators

    /** The value of one of {@code alternatives}, picked uniformly; shrinks towards the first. */
    @SafeVarargs
    @SuppressWarnings("varargs") // the array is only read, through a fixed-size list view
    public static <T> Gen<T> oneOf(Gen<? extends T>... alternatives) {
        return oneOf(Arrays.asList(alternatives));
    }

    /** The value of one of {@code alternatives}, picked uniformly; shrinks towards the first. */
    public static <T> Gen<T> oneOf(List<? extends Gen<? extends T>> alternatives) {
        return new OneOf<T>(alternatives.stream().<Weighted<? extends T>>map(g -> Weighted.of(1, g)).toList());
    }

    /** The value of one of {@code alternatives}, picked by weight; shrinks towards the first. */
    @SafeVarargs
    @SuppressWarnings("varargs") // the array is only read, through a fixed-size list view
    public static <T> Gen<T> weighted(Weighted<? extends T>... alternatives) {
        return weighted(Arrays.asList(alternatives));
    }

    /** The value of one of {@code alternatives}, picked by weight; shrinks towards the first. */
    public static <T> Gen<T> weighted(List<? extends Weighted<? extends T>> alternatives) {
        return new OneOf<T>(List.copyOf(alternatives));
    }

    // ---------------------------------------------------------------- structures

    /** Lists of {@code minSize..maxSize} elements; see {@link ListGen#averageSize(double)}. */
    public static <T> ListGen<T> lists(Gen<T> element, int minSize, int maxSize) {
        return new ListGen<>(element, minSize, maxSize, Double.NaN);
    }

    /** Lists of any size; their length when searching follows {@link ChoiceStream#size()}. */
    public static <T> ListGen<T> lists(Gen<T> element) {
        return lists(element, 0, Integer.MAX_VALUE);
    }

    /** A record or tuple of two parts. */
    public static <A, B, R> Gen<R> combine(Gen<A> a, Gen<B> b, BiFunction<? super A, ? super B, ? extends R> f) {
        Objects.requireNonNull(f);
        return new Named<>(() -> "combine(" + a.describe() + ", " + b.describe() + ")",
                in -> f.apply(in.draw(a), in.draw(b)));
    }

    /** A record or tuple of three parts. */
    public static <A, B, C, R> Gen<R> combine(Gen<A> a, Gen<B> b, Gen<C> c,
                                              Function3<? super A, ? super B, ? super C, ? extends R> f) {
        Objects.requireNonNull(f);
        return new Named<>(() -> "combine(" + a.describe() + ", " + b.describe() + ", " + c.describe() + ")",
                in -> f.apply(in.draw(a), in.draw(b), in.draw(c)));
    }

    /** A record or tuple of four parts; for more, write {@code in -> new R(in.draw(a), ...)}. */
    public static <A, B, C, D, R> Gen<R> combine(
            Gen<A> a, Gen<B> b, Gen<C> c, Gen<D> d,
            Function4<? super A, ? super B, ? super C, ? super D, ? extends R> f) {
        Objects.requireNonNull(f);
        return new Named<>(() -> "combine(" + a.describe() + ", " + b.describe() + ", " + c.describe() + ", "
                + d.describe() + ")", in -> f.apply(in.draw(a), in.draw(b), in.draw(c), in.draw(d)));
    }

    /**
     * Trees: each node is a leaf from {@code leaf} or, above the depth limit, a branch from
     * {@code branch}, which receives the generator for sub-trees. For example
     *
     * <pre>{@code
     * Gen<Expr> exprs = Gens.recursive(Gens.ints().map(Num::new),
     *         sub -> Gens.oneOf(Gens.combine(sub, sub, Add::new), Gens.combine(sub, sub, Div::new)), 5);
     * }</pre>
     *
     * Shrinks towards a single leaf; any node can be replaced by one of its sub-trees.
     */
    public static <T> Gen<T> recursive(Gen<? extends T> leaf, Function<Gen<T>, Gen<? extends T>> branch,
                                       int maxDepth) {
        return new Recursive<>(leaf, branch, maxDepth);
    }
}
