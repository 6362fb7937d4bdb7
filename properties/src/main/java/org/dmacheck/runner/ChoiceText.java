package org.dmacheck.runner;

import java.util.Arrays;
import org.dmacheck.gen.ChoiceSequence;

/**
 * The compact text form of a choice list: the <em>replay key</em> printed in failure reports.
 *
 * <p>Choices are unsigned base-36 numbers separated by single spaces; a run of {@code n > 2}
 * equal choices is written {@code value*n} (in decimal for {@code n}). The empty list is
 * {@code "-"}. For example {@code [1, 0, 0, 0, 0, 35, 36]} is {@code "1 0*4 z 10"}.
 */
public final class ChoiceText {

    private static final int RADIX = 36;
    private static final String EMPTY = "-";

    private ChoiceText() {
    }

    /** The text form of {@code choices}. */
    public static String format(ChoiceSequence choices) {
        if (choices.length() == 0) {
            return EMPTY;
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < choices.length()) {
            long value = choices.get(i);
            int run = 1;
            while (i + run < choices.length() && choices.get(i + run) == value) {
                run++;
            }
            if (out.length() > 0) {
                out.append(' ');
            }
            String digits = Long.toUnsignedString(value, RADIX);
            if (run > 2) {
                out.append(digits).append('*').append(run);
                i += run;
            } else {
                out.append(digits);
                i++;
            }
        }
        return out.toString();
    }

    /**
     * Parses the text form (whitespace between tokens may be any amount).
     *
     * @throws IllegalArgumentException if {@code text} is not a valid choice text
     */
    public static ChoiceSequence parse(String text) {
        String trimmed = text.strip();
        if (trimmed.equals(EMPTY) || trimmed.isEmpty()) {
            return ChoiceSequence.empty();
        }
        long[] values = new long[16];
        int length = 0;
        for (String token : trimmed.split("\\s+")) {
            int star = token.indexOf('*');
            long value = parseValue(star < 0 ? token : token.substring(0, star), text);
            int run = star < 0 ? 1 : parseRun(token.substring(star + 1), text);
            if (length + run > values.length) {
                values = Arrays.copyOf(values, Math.max(values.length * 2, length + run));
            }
            Arrays.fill(values, length, length + run, value);
            length += run;
        }
        return ChoiceSequence.of(values, length);
    }

    private static long parseValue(String digits, String text) {
        try {
            return Long.parseUnsignedLong(digits, RADIX);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a choice text (bad value '" + digits + "'): " + text, e);
        }
    }

    private static int parseRun(String digits, String text) {
        try {
            int run = Integer.parseInt(digits);
            if (run < 1) {
                throw new NumberFormatException("run must be positive");
            }
            return run;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a choice text (bad run '" + digits + "'): " + text, e);
        }
    }
}
