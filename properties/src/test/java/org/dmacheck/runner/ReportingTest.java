package org.dmacheck.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.dmacheck.gen.Gens;
import org.junit.jupiter.api.Test;

/** What a passing and a failing property show to people, and how a failure is reproduced. */
class ReportingTest {

    /** Runs {@code action} with System.out and System.err captured; returns everything printed. */
    private static String captured(Runnable action) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        try {
            action.run();
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aPassingPropertyPrintsNothing() {
        String printed = captured(() -> Runner.forAll(Gens.lists(Gens.ints()))
                .tries(500)
                .check(xs -> assertThat(xs.size()).isNotNegative()));
        assertThat(printed).isEmpty();
    }

    @Test
    void aFailingPropertyReportsSeedReplayKeyAndShrunkValue() {
        Property<List<Integer>> property = Runner.forAll(Gens.lists(Gens.ints(0, 1000))).seed(1234).named("sums stay small");
        Check<List<Integer>> smallSum = xs -> assertThat(xs.stream().mapToInt(Integer::intValue).sum()).isLessThan(1000);

        String[] message = new String[1];
        String printed = captured(() -> message[0] =
                catchThrowableOfType(PropertyFailedError.class, () -> property.check(smallSum)).getMessage());

        assertThat(printed).isEmpty();
        Failure<?> failure = catchThrowableOfType(PropertyFailedError.class, () -> property.check(smallSum)).failure();
        assertThat(failure.value()).isEqualTo(List.of(1000));
        assertThat(message[0])
                .contains("Property 'sums stay small' falsified")
                .contains("seed 1234")
                .contains("Shrunk counterexample:\n  [1000]")
                .contains("Replay key: " + failure.replayKey())
                .contains("-Ddmacheck.seed=1234")
                .contains("stopped: no pass made progress")
                .contains("Original counterexample");
    }

    @Test
    void theReplayKeyReproducesTheShrunkFailureExactly() {
        Property<List<Integer>> property = Runner.forAll(Gens.lists(Gens.ints())).seed(99);
        Check<List<Integer>> noDuplicates = xs -> assertThat(xs).doesNotHaveDuplicates();
        Failure<List<Integer>> failure = ((Result.Falsified<List<Integer>>) property.run(noDuplicates)).failure();

        Replay<List<Integer>> replay = property.replay(failure.replayKey(), noDuplicates);
        assertThat(replay.value()).isEqualTo(failure.value()).isEqualTo(List.of(0, 0));
        assertThat(replay.failed()).isTrue();
        assertThat(replay.failureKey()).hasValue(failure.key());
        assertThat(property.generate(failure.replayKey())).isEqualTo(failure.value());
    }

    @Test
    void listenersReceiveTheShrunkFailureBeforeCheckThrows() {
        List<Failure<Integer>> seen = new ArrayList<>();
        assertThatThrownBy(() -> Runner.forAll(Gens.ints(0, 100)).seed(5).onFailure(seen::add)
                .checkThat(x -> x < 50)).isInstanceOf(PropertyFailedError.class);
        assertThat(seen).singleElement().satisfies(f -> assertThat(f.value()).isEqualTo(50));
    }

    @Test
    void exceptionsAreFailuresAndShrinkingKeepsTheirType() {
        Result<Integer> result = Runner.forAll(Gens.ints(-1000, 1000)).seed(3).tries(1000).run(x -> {
            if (x > 100) {
                throw new IllegalStateException("too big: " + x);
            }
            if (x < -100) {
                throw new IllegalArgumentException("too small: " + x);
            }
        });
        Failure<Integer> failure = ((Result.Falsified<Integer>) result).failure();
        assertThat(failure.error()).isInstanceOf(failure.original().value() > 0
                ? IllegalStateException.class : IllegalArgumentException.class);
        assertThat(failure.value()).isIn(101, -101);
        assertThat(failure.key()).isEqualTo(failure.error().getClass().getName());
    }

    @Test
    void aViolationKeyIsKeptWhileShrinking() {
        Result<Integer> result = Runner.forAll(Gens.ints(0, 1000)).seed(8).run(x -> {
            if (x >= 10) {
                throw new PropertyViolation(x % 2 == 0 ? "even breaks" : "odd breaks", "x = " + x);
            }
        });
        Failure<Integer> failure = ((Result.Falsified<Integer>) result).failure();
        assertThat(failure.key()).isEqualTo(failure.original().value() % 2 == 0 ? "even breaks" : "odd breaks");
        assertThat(failure.value()).isEqualTo(failure.key().equals("even breaks") ? 10 : 11);
    }

    @Test
    void aZeroShrinkBudgetIsReportedAsCutShort() {
        PropertyFailedError error = catchThrowableOfType(PropertyFailedError.class, () ->
                Runner.forAll(Gens.ints(0, 1000)).seed(1).shrinkBudget(0).checkThat(x -> x < 10));
        assertThat(error.failure().shrink().budgetExhausted()).isTrue();
        assertThat(error.getMessage()).contains("STOPPED EARLY: shrink budget exhausted");
    }

    @Test
    void aGeneratorThatThrowsIsNamed() {
        assertThatThrownBy(() -> Runner.forAll(Gens.ints(0, 9).map(x -> 10 / (x - x)).named("divider"))
                .check(x -> { }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("generator divider threw")
                .hasCauseInstanceOf(ArithmeticException.class);
    }
}
