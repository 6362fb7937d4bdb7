package org.dmacheck.runner;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.dmacheck.gen.ChoiceSequence;
import org.dmacheck.gen.ChoiceStream;
import org.dmacheck.gen.Gen;

/**
 * A property over the values of a generator, with its run settings. Immutable: every setter returns
 * a new property. Create with {@link Runner#forAll}; finish with {@link #check} (throws on failure,
 * for JUnit), {@link #run} (returns a {@link Result}) or {@link #replay} (one exact try).
 *
 * <pre>{@code
 * @Test
 * void reverseTwiceIsIdentity() {
 *     Runner.forAll(Gens.lists(Gens.ints()))
 *           .check(xs -> assertThat(reverse(reverse(xs))).isEqualTo(xs));
 * }
 * }</pre>
 *
 * <h2>Settings and system properties</h2>
 * <ul>
 * <li>{@link #tries} (default 100, or {@code -Ddmacheck.tries}): tries that must pass; a value set
 *     in code wins over the system property, which wins over the default.</li>
 * <li>{@link #seed} (default random): {@code -Ddmacheck.seed} overrides it, so the seed printed in a
 *     report repeats the search.</li>
 * <li>{@link #shrinkBudget} (default 2000, or {@code -Ddmacheck.shrinkBudget}): candidates replayed
 *     while shrinking; precedence as for tries.</li>
 * <li>{@link #size} (default {@value org.dmacheck.gen.ChoiceStream#DEFAULT_SIZE}): size hint for
 *     collections without explicit bounds.</li>
 * <li>{@link #timeout}: per-try limit; an overrunning try fails with key {@code "timeout"}.</li>
 * </ul>
 *
 * <p>A passing property prints nothing. A failing one is shrunk, reported to the
 * {@link #onFailure listeners}, and {@link #check} throws a {@link PropertyFailedError} whose
 * message is the report.
 *
 * @param <T> value type
 */
public final class Property<T> {

    private static final String DEFAULT_NAME = "property";

    private final Gen<T> gen;
    private final String name;
    private final Config config;
    private final Function<? super T, String> printer;
    private final List<Function<? super T, String>> classifiers;
    private final List<CoverageRequirement> requirements;
    private final List<Consumer<? super Failure<T>>> listeners;

    private Property(Gen<T> gen, String name, Config config, Function<? super T, String> printer,
                     List<Function<? super T, String>> classifiers, List<CoverageRequirement> requirements,
                     List<Consumer<? super Failure<T>>> listeners) {
        this.gen = gen;
        this.name = name;
        this.config = config;
        this.printer = printer;
        this.classifiers = List.copyOf(classifiers);
        this.requirements = List.copyOf(requirements);
        this.listeners = List.copyOf(listeners);
    }

    static <T> Property<T> of(Gen<T> gen) {
        return new Property<>(Objects.requireNonNull(gen), DEFAULT_NAME, Config.DEFAULT, String::valueOf, List.of(),
                List.of(), List.of());
    }

    private Property<T> with(Config newConfig) {
        return new Property<>(gen, name, newConfig, printer, classifiers, requirements, listeners);
    }

    // ---------------------------------------------------------------- settings

    /** Tries that must pass; at least 1. */
    public Property<T> tries(int tries) {
        requireAtLeast("tries", tries, 1);
        return with(config.with(c -> c.tries = tries));
    }

    /** The seed of the search (overridden by {@code -Ddmacheck.seed}). */
    public Property<T> seed(long seed) {
        return with(config.with(c -> c.seed = seed));
    }

    /** Size hint for generators, see {@link org.dmacheck.gen.ChoiceStream#size()}. */
    public Property<T> size(int size) {
        requireAtLeast("size", size, 0);
        return with(config.with(c -> c.size = size));
    }

    /** Most candidates replayed while shrinking; 0 disables shrinking. */
    public Property<T> shrinkBudget(int evaluations) {
        requireAtLeast("shrinkBudget", evaluations, 0);
        return with(config.with(c -> c.shrinkBudget = evaluations));
    }

    /** Discarded tries after which the run gives up (default: the larger of 100 and the tries). */
    public Property<T> maxDiscards(int discards) {
        requireAtLeast("maxDiscards", discards, 0);
        return with(config.with(c -> c.maxDiscards = discards));
    }

    /** Per-try time limit: the body runs in a worker thread and an overrun fails with key "timeout". */
    public Property<T> timeout(Duration perTry) {
        Objects.requireNonNull(perTry);
        return with(config.with(c -> c.timeout = perTry));
    }

    /** Most choices one generation may draw before the try is discarded. */
    public Property<T> maxChoices(int choices) {
        requireAtLeast("maxChoices", choices, 1);
        return with(config.with(c -> c.maxChoices = choices));
    }

    /** The name used in reports. */
    public Property<T> named(String newName) {
        return new Property<>(gen, Objects.requireNonNull(newName), config, printer, classifiers, requirements,
                listeners);
    }

    /** How values are printed in reports (default {@link String#valueOf}). */
    public Property<T> printedBy(Function<? super T, String> newPrinter) {
        return new Property<>(gen, name, config, Objects.requireNonNull(newPrinter), classifiers, requirements,
                listeners);
    }

    /** Calls {@code listener} with every (shrunk) failure, before {@link #check} throws; e.g. to write report files. */
    public Property<T> onFailure(Consumer<? super Failure<T>> listener) {
        List<Consumer<? super Failure<T>>> more = new ArrayList<>(listeners);
        more.add(Objects.requireNonNull(listener));
        return new Property<>(gen, name, config, printer, classifiers, requirements, more);
    }

    // ---------------------------------------------------------------- statistics

    /** Counts tries whose value satisfies {@code condition} under {@code label}. */
    public Property<T> label(String label, Predicate<? super T> condition) {
        Objects.requireNonNull(label);
        Objects.requireNonNull(condition);
        return classify(value -> condition.test(value) ? label : null);
    }

    /** Counts each try under the label {@code labeller} gives its value ({@code null}: no label). */
    public Property<T> classify(Function<? super T, String> labeller) {
        List<Function<? super T, String>> more = new ArrayList<>(classifiers);
        more.add(Objects.requireNonNull(labeller));
        return new Property<>(gen, name, config, printer, more, requirements, listeners);
    }

    /**
     * Labels values satisfying {@code condition} and requires at least {@code minPercent}% of tries
     * to carry the label; see {@link #requireCoverage}.
     */
    public Property<T> cover(double minPercent, String label, Predicate<? super T> condition) {
        return label(label, condition).requireCoverage(label, minPercent);
    }

    /**
     * Requires at least {@code minPercent}% of tries to carry {@code label} (from a classifier or
     * {@link TryContext#label}). The run fails only if coverage is provably too low: the upper
     * confidence bound of the share (see {@link CoverageVerdict}) is below the requirement.
     */
    public Property<T> requireCoverage(String label, double minPercent) {
        List<CoverageRequirement> more = new ArrayList<>(requirements);
        more.add(new CoverageRequirement(label, minPercent));
        return new Property<>(gen, name, config, printer, classifiers, more, listeners);
    }

    /** Confidence level of coverage verdicts (default 0.99). */
    public Property<T> coverageConfidence(double confidence) {
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be in (0, 1): " + confidence);
        }
        return with(config.with(c -> c.coverageConfidence = confidence));
    }

    // ---------------------------------------------------------------- running

    /** Runs the property; throws if it fails (see the class comment). */
    public void check(Check<? super T> body) {
        check(adapt(body));
    }

    /** Runs a property that returns whether it holds; throws if it fails. */
    public void checkThat(Predicate<? super T> holds) {
        Objects.requireNonNull(holds);
        check(value -> {
            if (!holds.test(value)) {
                throw new AssertionError("property returned false");
            }
        });
    }

    /**
     * Runs the property; throws {@link PropertyFailedError} if it is falsified,
     * {@link InsufficientCoverageError} if coverage is provably too low, and
     * {@link PropertyGaveUpException} if too many tries were discarded.
     */
    public void check(ContextCheck<? super T> body) {
        Result<T> result = run(body);
        if (result instanceof Result.Falsified<T> falsified) {
            throw new PropertyFailedError(falsified.failure());
        }
        if (result instanceof Result.Undercovered<T> undercovered) {
            throw new InsufficientCoverageError(name, result.summary().seed(), undercovered.unmet());
        }
        if (result instanceof Result.GaveUp<T> gaveUp) {
            throw new PropertyGaveUpException(gaveUp.reason());
        }
    }

    /** Runs the property and returns the result; calls the failure listeners if it is falsified. */
    public Result<T> run(Check<? super T> body) {
        return run(adapt(body));
    }

    /** Runs the property and returns the result; calls the failure listeners if it is falsified. */
    public Result<T> run(ContextCheck<? super T> body) {
        Objects.requireNonNull(body);
        Settings settings = config.resolve(System::getProperty);
        Result<T> result;
        try (TryExecutor executor = TryExecutor.create(settings.timeout())) {
            result = new PropertyRun<>(name, settings, new Trial<>(gen, body, classifiers, executor), printer,
                    requirements).execute();
        }
        if (result instanceof Result.Falsified<T> falsified) {
            listeners.forEach(listener -> listener.accept(falsified.failure()));
        }
        return result;
    }

    /**
     * Replays one try from a replay key (as printed in a failure report): regenerates exactly the
     * value those choices encode and runs the property on it once.
     */
    public Replay<T> replay(String replayKey, Check<? super T> body) {
        return replay(ChoiceText.parse(replayKey), adapt(body));
    }

    /** As {@link #replay(String, Check)}, for a body that labels tries. */
    public Replay<T> replay(String replayKey, ContextCheck<? super T> body) {
        return replay(ChoiceText.parse(replayKey), body);
    }

    /** Replays one try from a choice list. */
    public Replay<T> replay(ChoiceSequence choices, ContextCheck<? super T> body) {
        Objects.requireNonNull(body);
        Settings settings = config.resolve(System::getProperty);
        try (TryExecutor executor = TryExecutor.create(settings.timeout())) {
            PropertyRun<T> run = new PropertyRun<>(name, settings, new Trial<>(gen, body, List.of(), executor), printer,
                    List.of());
            ChoiceStream in = run.replayStream(choices);
            return replayOf(run.replay(in), in.choices());
        }
    }

    /** Regenerates the value {@code replayKey} encodes, without running any property. */
    public T generate(String replayKey) {
        return replay(replayKey, value -> { }).value();
    }

    private static <T> Replay<T> replayOf(TryOutcome<T> outcome, ChoiceSequence choices) {
        if (outcome instanceof TryOutcome.Passed<T> passed) {
            return new Replay<>(passed.value(), choices, Optional.empty());
        }
        if (outcome instanceof TryOutcome.Failed<T> failed) {
            return new Replay<>(failed.value(), choices, Optional.of(failed.error()));
        }
        throw new IllegalArgumentException("these choices do not generate a value: "
                + ((TryOutcome.Discarded<T>) outcome).reason());
    }

    private static <T> ContextCheck<T> adapt(Check<T> body) {
        Objects.requireNonNull(body);
        return (value, context) -> body.check(value);
    }

    private static void requireAtLeast(String what, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(what + " must be >= " + min + ": " + value);
        }
    }
}
