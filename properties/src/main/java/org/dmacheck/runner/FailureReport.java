package org.dmacheck.runner;

/** Renders a {@link Failure} as the multi-line report people read in test output. */
final class FailureReport {

    /** Longest printed original counterexample, in characters. */
    private static final int MAX_ORIGINAL_CHARS = 2_000;

    private FailureReport() {
    }

    static String render(Failure<?> failure) {
        RunSummary search = failure.search();
        ShrinkSummary shrink = failure.shrink();
        StringBuilder out = new StringBuilder();
        out.append("Property '").append(failure.property()).append("' falsified after ").append(search.tries())
                .append(search.tries() == 1 ? " try" : " tries").append(" (seed ").append(search.seed()).append(")\n");
        out.append("Shrunk counterexample:\n").append(indent(failure.shrunk().text())).append('\n');
        failure.failingStep().ifPresent(step -> out.append("Failing step: #").append(step).append('\n'));
        out.append(describe(failure.error())).append('\n');
        out.append("Replay key: ").append(failure.replayKey()).append('\n');
        out.append("  reproduce exactly: property.replay(\"").append(failure.replayKey()).append("\", check)\n");
        out.append("  repeat the search: -Ddmacheck.seed=").append(search.seed()).append('\n');
        out.append("Shrinking: ").append(shrink.steps()).append(" steps, ").append(shrink.evaluations())
                .append(" evaluations, ").append(shrink.elapsed().toMillis()).append(" ms; ")
                .append(shrink.budgetExhausted()
                        ? "STOPPED EARLY: shrink budget exhausted (raise -Ddmacheck.shrinkBudget)"
                        : "stopped: no pass made progress")
                .append('\n');
        out.append("Search: ").append(search.tries()).append(search.tries() == 1 ? " try, " : " tries, ").append(search.discards())
                .append(" discarded, ").append(search.elapsed().toMillis()).append(" ms\n");
        out.append("Original counterexample (").append(failure.original().choices().length()).append(" choices):\n")
                .append(indent(truncate(failure.original().text())));
        return out.toString();
    }

    private static String describe(Throwable error) {
        if (error instanceof PropertyViolation violation) {
            return "Violation '" + violation.key() + "': " + indentedMessage(violation.report());
        }
        String message = error.getMessage();
        return "Failure: " + error.getClass().getName() + (message == null ? "" : ": " + indentedMessage(message));
    }

    private static String indentedMessage(String message) {
        String trimmed = message.strip();
        return trimmed.contains("\n") ? "\n" + indent(trimmed) : trimmed;
    }

    private static String truncate(String text) {
        return text.length() <= MAX_ORIGINAL_CHARS ? text
                : text.substring(0, MAX_ORIGINAL_CHARS) + " ... (" + (text.length() - MAX_ORIGINAL_CHARS)
                        + " more characters)";
    }

    private static String indent(String text) {
        return "  " + text.replace("\n", "\n  ");
    }
}
