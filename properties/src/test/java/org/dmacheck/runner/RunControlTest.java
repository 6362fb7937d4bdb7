package org.dmacheck.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.dmacheck.gen.Gens;
import org.junit.jupiter.api.Test;

/** Tries, seeds, discards, timeouts and system-property overrides. */
class RunControlTest {

    @Test
    void runsTheConfiguredNumberOfTries() {
        AtomicInteger calls = new AtomicInteger();
        Result<Integer> result = Runner.forAll(Gens.ints()).tries(321).run(x -> calls.incrementAndGet());
        assertThat(calls).hasValue(321);
        assertThat(result.summary().tries()).isEqualTo(321);
    }

    @Test
    void theSameSeedGivesTheSameValues() {
        StringBuilder first = new StringBuilder();
        StringBuilder second = new StringBuilder();
        Runner.forAll(Gens.lists(Gens.ints())).seed(77).tries(50).check(first::append);
        Runner.forAll(Gens.lists(Gens.ints())).seed(77).tries(50).check(second::append);
        assertThat(first.toString()).isEqualTo(second.toString());
    }

    @Test
    void aFilterThatRejectsTooMuchGivesUpNamingTheGenerator() {
        assertThatThrownBy(() -> Runner.forAll(Gens.ints(0, 1_000_000).filter(x -> x > 1_000_000)).tries(10).check(x -> { }))
                .isInstanceOf(PropertyGaveUpException.class)
                .hasMessageContaining("ints(0, 1000000)")
                .hasMessageContaining("filter");
    }

    @Test
    void failedAssumptionsDiscardTries() {
        Result<Integer> result = Runner.forAll(Gens.ints(0, 9)).seed(1).tries(100).run(x -> Runner.assume(x % 2 == 0));
        assertThat(result.passed()).isTrue();
        assertThat(result.summary().discards()).isPositive();
        assertThat(result.summary().tries()).isEqualTo(100);
    }

    @Test
    void aHangingTryFailsWithTheTimeoutKey() {
        PropertyFailedError error = catchFailure(() -> Runner.forAll(Gens.ints(0, 10)).seed(1).tries(5)
                .timeout(Duration.ofMillis(100)).shrinkBudget(3)
                .check(x -> {
                    if (x >= 0) {
                        Thread.sleep(10_000);
                    }
                }));
        assertThat(error.failure().key()).isEqualTo(PropertyViolation.TIMEOUT_KEY);
        assertThat(error.getMessage()).contains("per-try timeout of 100 ms");
    }

    @Test
    void aPropertyWithinItsTimeoutPasses() {
        Runner.forAll(Gens.ints()).tries(50).timeout(Duration.ofSeconds(10)).check(x -> { });
    }

    private static PropertyFailedError catchFailure(Runnable check) {
        try {
            check.run();
        } catch (PropertyFailedError error) {
            return error;
        }
        throw new AssertionError("property did not fail");
    }

    @Test
    void systemPropertiesSetDefaultsAndTheSeed() {
        Map<String, String> deep = Map.of("dmacheck.tries", "5000", "dmacheck.shrinkBudget", "20000",
                "dmacheck.seed", "0x2a");
        Settings defaults = Config.DEFAULT.resolve(deep::get);
        assertThat(defaults.tries()).isEqualTo(5000);
        assertThat(defaults.shrinkBudget()).isEqualTo(20000);
        assertThat(defaults.seed()).isEqualTo(42);

        Settings explicit = Config.DEFAULT.with(c -> {
            c.tries = 10;
            c.shrinkBudget = 7;
            c.seed = 1L;
        }).resolve(deep::get);
        assertThat(explicit.tries()).isEqualTo(10);
        assertThat(explicit.shrinkBudget()).isEqualTo(7);
        assertThat(explicit.seed()).as("the seed property repeats a search").isEqualTo(42);

        Settings none = Config.DEFAULT.resolve(name -> null);
        assertThat(none.tries()).isEqualTo(Config.DEFAULT_TRIES);
        assertThat(none.shrinkBudget()).isEqualTo(Config.DEFAULT_SHRINK_BUDGET);
    }

    @Test
    void malformedSystemPropertiesAreNamed() {
        assertThatThrownBy(() -> Config.DEFAULT.resolve(name -> name.equals("dmacheck.tries") ? "many" : null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-Ddmacheck.tries");
    }
}
