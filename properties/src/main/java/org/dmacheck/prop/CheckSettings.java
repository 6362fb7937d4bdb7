package org.dmacheck.prop;

import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import org.dmacheck.prop.exec.CallTimer;

/**
 * How hard to check: tries per property (each property scales it by its own factor), the search
 * seed, the shrink budget, where reports go and the per-call time limit.
 *
 * @param tries        base tries; a property runs {@code tries * factor} (at least 1)
 * @param seed         the search seed
 * @param shrinkBudget candidates replayed while shrinking a failure
 * @param reportDir    reports go to {@code reportDir/<property>/}
 * @param callLimit    the per-engine-call time limit
 */
public record CheckSettings(int tries, long seed, int shrinkBudget, Path reportDir, Duration callLimit) {
    public static final int DEFAULT_TRIES = 200;
    public static final int DEFAULT_SHRINK_BUDGET = 4000;
    public static final Path DEFAULT_REPORT_DIR = Path.of("target", "dmacheck");

    public CheckSettings {
        if (tries < 1) {
            throw new IllegalArgumentException("tries must be at least 1, got " + tries);
        }
        if (shrinkBudget < 0) {
            throw new IllegalArgumentException("shrink budget must not be negative, got " + shrinkBudget);
        }
    }

    /**
     * From the system properties Surefire passes ({@code dmacheck.tries}, {@code dmacheck.seed},
     * {@code dmacheck.shrinkBudget}, {@code dmacheck.reportDir}), with defaults for the rest; a
     * random seed when none is given.
     */
    public static CheckSettings fromSystemProperties() {
        return new CheckSettings(
                intProperty("dmacheck.tries", DEFAULT_TRIES),
                seedProperty(),
                intProperty("dmacheck.shrinkBudget", DEFAULT_SHRINK_BUDGET),
                Path.of(System.getProperty("dmacheck.reportDir", DEFAULT_REPORT_DIR.toString())),
                CallTimer.DEFAULT_LIMIT);
    }

    public CheckSettings withTries(int newTries) {
        return new CheckSettings(newTries, seed, shrinkBudget, reportDir, callLimit);
    }

    public CheckSettings withSeed(long newSeed) {
        return new CheckSettings(tries, newSeed, shrinkBudget, reportDir, callLimit);
    }

    public CheckSettings withReportDir(Path dir) {
        return new CheckSettings(tries, seed, shrinkBudget, dir, callLimit);
    }

    public CheckSettings withCallLimit(Duration limit) {
        return new CheckSettings(tries, seed, shrinkBudget, reportDir, limit);
    }

    public CheckSettings withShrinkBudget(int budget) {
        return new CheckSettings(tries, seed, budget, reportDir, callLimit);
    }

    /** The tries for a property with this factor: {@code round(tries * factor)}, at least 1. */
    public int triesFor(double factor) {
        return (int) Math.max(1, Math.round(tries * factor));
    }

    /** A seed as the runner reads {@code -Ddmacheck.seed}: decimal or {@code 0x} hex (unsigned hex allowed). */
    public static long parseSeed(String text) {
        String t = text.strip();
        try {
            if (t.startsWith("0x") || t.startsWith("0X")) {
                return Long.parseUnsignedLong(t.substring(2), 16);
            }
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("seed '" + text + "' is not a number (decimal or 0x hex)");
        }
    }

    private static long seedProperty() {
        String s = System.getProperty("dmacheck.seed");
        return s == null || s.isBlank() ? new SplittableRandom().nextLong() : parseSeed(s);
    }

    private static int intProperty(String name, int fallback) {
        String s = System.getProperty(name);
        if (s == null || s.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + name + " is not a number: " + s);
        }
    }
}
