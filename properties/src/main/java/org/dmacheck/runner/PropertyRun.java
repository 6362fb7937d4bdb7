package org.dmacheck.runner;

import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Function;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;
import org.dmacheck.gen.ChoiceRecord;
import org.dmacheck.gen.ChoiceSequence;
import org.dmacheck.gen.ChoiceStream;

/**
 * One run of a property: search with random tries until one fails or enough pass, then shrink the
 * failure and judge coverage.
 *
 * @param <T> value type
 */
final class PropertyRun<T> {

    private final String name;
    private final Settings settings;
    private final Trial<T> trial;
    private final Function<? super T, String> printer;
    private final List<CoverageRequirement> requirements;

    private final Map<String, Long> labelCounts = new LinkedHashMap<>();
    private final Map<String, Integer> discardReasons = new LinkedHashMap<>();
    private int tries;
    private int discards;

    PropertyRun(String name, Settings settings, Trial<T> trial, Function<? super T, String> printer,
                List<CoverageRequirement> requirements) {
        this.name = name;
        this.settings = settings;
        this.trial = trial;
        this.printer = printer;
        this.requirements = requirements;
    }

    Result<T> execute() {
        long start = System.nanoTime();
        UniformRandomProvider random = RandomSource.XO_RO_SHI_RO_128_PP.create(settings.seed());
        while (tries < settings.tries()) {
            ChoiceStream in = ChoiceStream.searching(random, settings.size(), settings.maxChoices());
            TryOutcome<T> outcome = search(in);
            if (outcome instanceof TryOutcome.Failed<T> failed) {
                tries++;
                RunSummary summary = summary(start, List.of());
                return new Result.Falsified<>(summary, shrink(summary, failed, in.record()));
            }
            if (outcome instanceof TryOutcome.Passed<T> passed) {
                tries++;
                passed.labels().forEach(label -> labelCounts.merge(label, 1L, Long::sum));
            } else if (outcome instanceof TryOutcome.Discarded<T> discarded) {
                discards++;
                discardReasons.merge(discarded.reason(), 1, Integer::sum);
                if (discards > settings.maxDiscards()) {
                    return new Result.GaveUp<>(summary(start, List.of()), gaveUpReason());
                }
            }
        }
        List<CoverageVerdict> verdicts = requirements.stream()
                .map(r -> CoverageVerdict.judge(r, labelCounts.getOrDefault(r.label(), 0L), tries,
                        settings.coverageConfidence()))
                .toList();
        RunSummary summary = summary(start, verdicts);
        List<CoverageVerdict> unmet = verdicts.stream().filter(CoverageVerdict::insufficient).toList();
        return unmet.isEmpty() ? new Result.Passed<>(summary) : new Result.Undercovered<>(summary, unmet);
    }

    private TryOutcome<T> search(ChoiceStream in) {
        try {
            return trial.run(in);
        } catch (RuntimeException generatorError) {
            throw new IllegalStateException("Property '" + name + "': generator " + trial.gen().describe()
                    + " threw at try " + (tries + 1) + " (seed " + settings.seed() + ", choices "
                    + ChoiceText.format(in.choices()) + ")", generatorError);
        }
    }

    private RunSummary summary(long start, List<CoverageVerdict> verdicts) {
        return new RunSummary(settings.seed(), tries, discards, new Statistics(tries, labelCounts, verdicts),
                Duration.ofNanos(System.nanoTime() - start));
    }

    private String gaveUpReason() {
        String cause = discardReasons.entrySet().stream()
                .max(Comparator.comparingInt(Map.Entry::getValue))
                .map(e -> e.getKey() + " (" + e.getValue() + " times)")
                .orElse("unknown");
        return "Property '" + name + "' gave up: " + discards + " tries discarded, only " + tries
                + " ran (seed " + settings.seed() + "); most frequent cause: " + cause;
    }

    private Failure<T> shrink(RunSummary search, TryOutcome.Failed<T> found, ChoiceRecord foundRecord) {
        long start = System.nanoTime();
        ShrinkOracle<TryOutcome.Failed<T>> oracle = candidate -> {
            ChoiceStream in = replayStream(candidate);
            TryOutcome.Failed<T> same = replay(in) instanceof TryOutcome.Failed<T> failed
                    && failed.key().equals(found.key()) ? failed : null;
            return new ShrinkOracle.Evaluation<>(in.record(), same);
        };
        Shrinker.Outcome<TryOutcome.Failed<T>> outcome =
                Shrinker.shrink(oracle, foundRecord, found, settings.shrinkBudget());
        TryOutcome.Failed<T> shrunk = outcome.failure();
        ShrinkSummary summary = new ShrinkSummary(outcome.improvements(), outcome.evaluations(),
                outcome.budgetExhausted(), Duration.ofNanos(System.nanoTime() - start), outcome.passes());
        return new Failure<>(name, search, counterexample(found, foundRecord.choices()),
                counterexample(shrunk, outcome.record().choices()), shrunk.error(), shrunk.key(),
                failingStep(shrunk.error()), summary);
    }

    /** A stream replaying {@code choices} with this run's size and choice limit. */
    ChoiceStream replayStream(ChoiceSequence choices) {
        return ChoiceStream.replaying(choices, settings.size(), settings.maxChoices());
    }

    /** Runs one try on a replaying stream; a generator that throws counts as a discard here. */
    TryOutcome<T> replay(ChoiceStream in) {
        try {
            return trial.run(in);
        } catch (RuntimeException generatorError) {
            return new TryOutcome.Discarded<>("generator threw " + generatorError);
        }
    }

    private Counterexample<T> counterexample(TryOutcome.Failed<T> failed, ChoiceSequence choices) {
        return new Counterexample<>(failed.value(), choices, printer.apply(failed.value()));
    }

    private static OptionalInt failingStep(Throwable error) {
        return error instanceof PropertyViolation violation ? violation.step() : OptionalInt.empty();
    }
}
