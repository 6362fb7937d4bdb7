package org.dmacheck.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.dmacheck.gen.Gen;
import org.dmacheck.gen.Gens;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The public shrinking challenges (jlink/shrinking-challenge, from the benchmarks of MacIver and
 * Donaldson, "Test-Case Reduction via Test-Case Generation: Insights From the Hypothesis Reducer",
 * ECOOP 2020), written from their published descriptions. Each must shrink to its known minimal
 * counterexample for every one of a fixed set of seeds.
 */
class ShrinkingChallengesTest {

    /** The fixed seeds every challenge is run with. */
    static Stream<Long> seeds() {
        return LongStream.rangeClosed(1, 20).boxed();
    }

    private static <T> Failure<T> falsify(Gen<T> gen, long seed, Check<T> body) {
        Result<T> result = Runner.forAll(gen).seed(seed).tries(10_000).run(body);
        assertThat(result).isInstanceOf(Result.Falsified.class);
        Failure<T> failure = ((Result.Falsified<T>) result).failure();
        assertThat(failure.shrink().budgetExhausted()).as("shrink budget exhausted").isFalse();
        return failure;
    }

    // ------------------------------------------------------------------ reverse

    /** "Reversing a list gives the same list" is false; the minimal counterexample is [0, 1]. */
    @ParameterizedTest
    @MethodSource("seeds")
    void reverse(long seed) {
        Failure<List<Integer>> failure = falsify(Gens.lists(Gens.ints()), seed, xs -> {
            List<Integer> reversed = new ArrayList<>(xs);
            Collections.reverse(reversed);
            if (!reversed.equals(xs)) {
                throw new AssertionError(xs + " reversed is " + reversed);
            }
        });
        assertThat(failure.value()).containsExactly(0, 1);
    }

    // ------------------------------------------------------------------ bound5

    /** A 5-tuple of lists of 16-bit integers. */
    record Bound5(List<Short> a, List<Short> b, List<Short> c, List<Short> d, List<Short> e) {

        short total() {
            return sum(Stream.of(a, b, c, d, e).flatMap(List::stream).toList());
        }
    }

    /** Sum in 16-bit arithmetic, wrapping like Haskell's Int16 and numpy's int16. */
    static short sum(List<Short> xs) {
        short total = 0;
        for (short x : xs) {
            total += x;
        }
        return total;
    }

    /**
     * If each list sums to less than 256, the whole sums to less than 5 * 256 -- false because the
     * 16-bit sum overflows. As in the published Hypothesis benchmark, each list holds at most one
     * element ({@code st.lists(int16s, max_size=1)}); the known minimum (Hypothesis's normal form)
     * is ([], [], [], [-1], [-32768]).
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void bound5(long seed) {
        Gen<List<Short>> bounded = Gens.lists(Gens.shorts(), 0, 1).filter(xs -> sum(xs) < 256);
        Gen<Bound5> tuples = in -> new Bound5(in.draw(bounded), in.draw(bounded), in.draw(bounded),
                in.draw(bounded), in.draw(bounded));
        Failure<Bound5> failure = falsify(tuples, seed, p -> {
            if (p.total() >= 5 * 256) {
                throw new AssertionError("16-bit total " + p.total());
            }
        });
        assertThat(failure.value()).isEqualTo(new Bound5(List.of(), List.of(), List.of(), List.of((short) -1),
                List.of(Short.MIN_VALUE)));
    }

    // ------------------------------------------------------------------ lengthlist

    /**
     * A list of length n in 1..100 (chosen first, with flatMap) of integers in 0..1000 whose maximum
     * is below 900. Minimal counterexample: [900].
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void lengthList(long seed) {
        Gen<List<Integer>> lists = Gens.ints(1, 100).flatMap(n -> Gens.lists(Gens.ints(0, 1000), n, n));
        Failure<List<Integer>> failure = falsify(lists, seed, xs -> {
            if (Collections.max(xs) >= 900) {
                throw new AssertionError("max " + Collections.max(xs));
            }
        });
        assertThat(failure.value()).containsExactly(900);
    }

    // ------------------------------------------------------------------ calculator

    /** Expressions of a small calculator language. */
    sealed interface Expr permits Num, Add, Div {
    }

    record Num(int value) implements Expr {
        @Override
        public String toString() {
            return Integer.toString(value);
        }
    }

    record Add(Expr left, Expr right) implements Expr {
        @Override
        public String toString() {
            return "(+ " + left + " " + right + ")";
        }
    }

    record Div(Expr left, Expr right) implements Expr {
        @Override
        public String toString() {
            return "(/ " + left + " " + right + ")";
        }
    }

    static int evaluate(Expr e) {
        if (e instanceof Num n) {
            return n.value();
        }
        if (e instanceof Add a) {
            return evaluate(a.left()) + evaluate(a.right());
        }
        Div d = (Div) e;
        return evaluate(d.left()) / evaluate(d.right());
    }

    /** No division has the literal 0 as divisor. */
    static boolean noLiteralZeroDivisor(Expr e) {
        if (e instanceof Num) {
            return true;
        }
        if (e instanceof Add a) {
            return noLiteralZeroDivisor(a.left()) && noLiteralZeroDivisor(a.right());
        }
        Div d = (Div) e;
        return !d.right().equals(new Num(0)) && noLiteralZeroDivisor(d.left()) && noLiteralZeroDivisor(d.right());
    }

    /**
     * "If no subterm divides by a literal 0, evaluation does not divide by zero" is false, e.g. for
     * 1 / (3 + -3). The minimal counterexamples have five nodes; Hypothesis's normal forms are
     * (/ 0 (+ 0 0)) and (/ 0 (/ 0 1)).
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void calculator(long seed) {
        Gen<Expr> exprs = Gens.recursive(Gens.ints().map(Num::new),
                sub -> Gens.oneOf(Gens.combine(sub, sub, Add::new), Gens.combine(sub, sub, Div::new)), 5);
        Failure<Expr> failure = falsify(exprs, seed, e -> {
            Runner.assume(noLiteralZeroDivisor(e));
            evaluate(e);
        });
        assertThat(failure.key()).isEqualTo(ArithmeticException.class.getName());
        assertThat(failure.value()).isIn(
                new Div(new Num(0), new Add(new Num(0), new Num(0))),
                new Div(new Num(0), new Div(new Num(0), new Num(1))));
    }
}
