package org.dmacheck.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.dmacheck.gen.Gens;
import org.junit.jupiter.api.Test;

/** Labels, statistics and coverage requirements judged with a confidence bound. */
class StatisticsTest {

    @Test
    void labelsAreCountedPerRunAndAvailableProgrammatically() {
        Result<Integer> result = Runner.forAll(Gens.ints(0, 99)).seed(1).tries(1_000)
                .label("small", x -> x < 10)
                .classify(x -> x % 2 == 0 ? "even" : "odd")
                .run((x, context) -> {
                    if (x == 42) {
                        context.label("answer");
                    }
                });
        Statistics statistics = result.summary().statistics();
        assertThat(result.passed()).isTrue();
        assertThat(statistics.tries()).isEqualTo(1_000);
        assertThat(statistics.count("even") + statistics.count("odd")).isEqualTo(1_000);
        assertThat(statistics.percent("small")).isBetween(5.0, 20.0);
        assertThat(statistics.counts()).containsKeys("small", "even", "odd");
        assertThat(statistics.table()).contains("even");
    }

    @Test
    void coverageThatIsClearlyMetPasses() {
        Runner.forAll(Gens.ints(0, 99)).seed(2).tries(1_000)
                .cover(30, "even", x -> x % 2 == 0)
                .check(x -> { });
    }

    @Test
    void coverageThatIsClearlyUnmetFails() {
        assertThatThrownBy(() -> Runner.forAll(Gens.ints(0, 99)).seed(3).tries(1_000)
                .cover(90, "even", x -> x % 2 == 0)
                .check(x -> { }))
                .isInstanceOf(InsufficientCoverageError.class)
                .hasMessageContaining("even")
                .hasMessageContaining("required 90.0%");
    }

    @Test
    void borderlineCoverageOverFewTriesDoesNotFail() {
        Result<Integer> result = Runner.forAll(Gens.ints(0, 99)).seed(4).tries(20)
                .cover(60, "even", x -> x % 2 == 0)
                .run(x -> { });
        assertThat(result.passed()).isTrue();
        CoverageVerdict verdict = result.summary().statistics().coverage().get(0);
        assertThat(verdict.insufficient()).isFalse();
        assertThat(verdict.upperBoundPercent()).isGreaterThan(60);
    }

    @Test
    void coverageOfContextLabelsIsJudgedToo() {
        Result<Integer> result = Runner.forAll(Gens.ints(0, 99)).seed(5).tries(500)
                .requireCoverage("reached", 50)
                .run((x, context) -> {
                    if (x < 10) {
                        context.label("reached");
                    }
                });
        assertThat(result).isInstanceOf(Result.Undercovered.class);
    }

    @Test
    void verdictsUseTheClopperPearsonUpperBound() {
        CoverageRequirement half = new CoverageRequirement("x", 50);
        assertThat(CoverageVerdict.judge(half, 0, 10, 0.99).upperBoundPercent()).isCloseTo(36.9, org.assertj.core.data.Offset.offset(0.1));
        assertThat(CoverageVerdict.judge(half, 10, 10, 0.99).insufficient()).isFalse();
        assertThat(CoverageVerdict.judge(half, 400, 1000, 0.99).insufficient()).isTrue();
        assertThat(CoverageVerdict.judge(half, 480, 1000, 0.99).insufficient()).isFalse();
    }
}
