package org.dmacheck.runner;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.apache.commons.rng.simple.RandomSource;
import org.dmacheck.gen.ChoiceStream;

/**
 * What a property sets explicitly; {@code null} means "not set". Resolved against system
 * properties and defaults by {@link #resolve}.
 */
record Config(Integer tries, Long seed, int size, Integer shrinkBudget, Integer maxDiscards, Duration timeout,
              int maxChoices, double coverageConfidence) {

    /** System property overriding the default number of tries. */
    static final String TRIES_PROPERTY = "dmacheck.tries";
    /** System property overriding every seed (to repeat a failed search). */
    static final String SEED_PROPERTY = "dmacheck.seed";
    /** System property overriding the default shrink budget. */
    static final String SHRINK_BUDGET_PROPERTY = "dmacheck.shrinkBudget";

    static final int DEFAULT_TRIES = 100;
    static final int DEFAULT_SHRINK_BUDGET = 2_000;
    static final int MIN_MAX_DISCARDS = 100;

    static final Config DEFAULT = new Config(null, null, ChoiceStream.DEFAULT_SIZE, null, null, null,
            ChoiceStream.DEFAULT_MAX_CHOICES, 0.99);

    /**
     * The settings for one run. Precedence: {@code dmacheck.seed} beats everything (so a printed seed
     * repeats a search without editing code); for tries and shrink budget, a value set in code beats
     * {@code dmacheck.tries} / {@code dmacheck.shrinkBudget}, which beat the built-in defaults.
     */
    Settings resolve(UnaryOperator<String> systemProperties) {
        int resolvedTries = tries != null ? tries
                : intProperty(systemProperties, TRIES_PROPERTY, DEFAULT_TRIES, 1);
        int resolvedBudget = shrinkBudget != null ? shrinkBudget
                : intProperty(systemProperties, SHRINK_BUDGET_PROPERTY, DEFAULT_SHRINK_BUDGET, 0);
        String seedText = systemProperties.apply(SEED_PROPERTY);
        long resolvedSeed;
        if (seedText != null && !seedText.isBlank()) {
            resolvedSeed = parse(SEED_PROPERTY, seedText);
        } else {
            resolvedSeed = seed != null ? seed : RandomSource.createLong();
        }
        int resolvedDiscards = maxDiscards != null ? maxDiscards : Math.max(MIN_MAX_DISCARDS, resolvedTries);
        return new Settings(resolvedTries, resolvedSeed, size, resolvedBudget, resolvedDiscards, timeout, maxChoices,
                coverageConfidence);
    }

    private static int intProperty(UnaryOperator<String> systemProperties, String name, int fallback, int min) {
        String text = systemProperties.apply(name);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        long value = parse(name, text);
        if (value < min || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("-D" + name + " must be an int >= " + min + ": " + text);
        }
        return (int) value;
    }

    private static long parse(String name, String text) {
        try {
            return Long.decode(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + name + " is not a number: " + text, e);
        }
    }

    /** A copy of this config with {@code edit} applied to its fields. */
    Config with(Consumer<Draft> edit) {
        Draft draft = new Draft(this);
        edit.accept(draft);
        return draft.toConfig();
    }

    /** The mutable fields of a config while it is being edited; see {@link #with}. */
    static final class Draft {
        Integer tries;
        Long seed;
        int size;
        Integer shrinkBudget;
        Integer maxDiscards;
        Duration timeout;
        int maxChoices;
        double coverageConfidence;

        private Draft(Config config) {
            tries = config.tries;
            seed = config.seed;
            size = config.size;
            shrinkBudget = config.shrinkBudget;
            maxDiscards = config.maxDiscards;
            timeout = config.timeout;
            maxChoices = config.maxChoices;
            coverageConfidence = config.coverageConfidence;
        }

        private Config toConfig() {
            return new Config(tries, seed, size, shrinkBudget, maxDiscards, timeout, maxChoices, coverageConfidence);
        }
    }
}
