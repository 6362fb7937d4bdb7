package org.dmacheck.spec.op;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dmacheck.spec.platform.DmaAttrs;
import org.dmacheck.spec.platform.Direction;

/**
 * One tokenised line of a dmacheck trace: positional words, {@code key=value} fields and an optional
 * {@code => result}. Typed getters turn a bad value into a {@link TraceFormatException} naming the
 * field; {@link #finish()} rejects fields nobody asked for.
 */
final class TraceLine {
    private final String file;
    private final int number;
    private final List<String> words = new ArrayList<>();
    private final Map<String, String> fields = new LinkedHashMap<>();
    private final Set<String> used = new HashSet<>();
    private String result;

    TraceLine(String file, int number, String text) {
        this.file = file;
        this.number = number;
        tokenize(text);
    }

    private void tokenize(String text) {
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            if (c == '#') {
                return;
            }
            if (text.startsWith("=>", i)) {
                result = text.substring(i + 2).strip();
                if (result.isEmpty()) {
                    throw fail("'=>' must be followed by the step's result");
                }
                return;
            }
            StringBuilder key = new StringBuilder();
            while (i < n && !Character.isWhitespace(text.charAt(i)) && text.charAt(i) != '=' && text.charAt(i) != '"') {
                key.append(text.charAt(i++));
            }
            if (i < n && text.charAt(i) == '=') {
                i++;
                StringBuilder value = new StringBuilder();
                i = value(text, i, value);
                if (key.length() == 0) {
                    throw fail("'=' without a field name");
                }
                if (fields.put(key.toString(), value.toString()) != null) {
                    throw fail("field '" + key + "' given twice");
                }
            } else if (key.length() == 0) {
                StringBuilder value = new StringBuilder();
                i = value(text, i, value);
                words.add(value.toString());
            } else {
                words.add(key.toString());
            }
        }
    }

    private int value(String text, int i, StringBuilder out) {
        int n = text.length();
        if (i < n && text.charAt(i) == '"') {
            i++;
            while (i < n && text.charAt(i) != '"') {
                if (text.charAt(i) == '\\' && i + 1 < n) {
                    i++;
                }
                out.append(text.charAt(i++));
            }
            if (i >= n) {
                throw fail("unterminated quoted string");
            }
            i++;
            if (i < n && !Character.isWhitespace(text.charAt(i))) {
                throw fail("text after a closing quote: '" + text.substring(i) + "'");
            }
            return i;
        }
        while (i < n && !Character.isWhitespace(text.charAt(i))) {
            out.append(text.charAt(i++));
        }
        return i;
    }

    TraceFormatException fail(String what) {
        return new TraceFormatException(file, number, what);
    }

    int number() {
        return number;
    }

    List<String> words() {
        return words;
    }

    String result() {
        return result;
    }

    /** Positional word {@code i}, or an error saying what was expected there. */
    String word(int i, String what) {
        if (i >= words.size()) {
            throw fail("missing " + what);
        }
        return words.get(i);
    }

    void expectWords(int count) {
        if (words.size() > count) {
            throw fail("unexpected '" + words.get(count) + "'");
        }
    }

    boolean has(String key) {
        return fields.containsKey(key);
    }

    String text(String key) {
        used.add(key);
        String v = fields.get(key);
        if (v == null) {
            throw fail("missing field " + key + "=");
        }
        return v;
    }

    /** A nullable string field: absent means null. */
    String optionalText(String key) {
        used.add(key);
        return fields.get(key);
    }

    /** An unsigned 64-bit number, hex with {@code 0x} or decimal. */
    long u64(String key) {
        return number(key, text(key), false);
    }

    /** Like {@link #u64} but {@code dflt} when absent. */
    long u64(String key, long dflt) {
        return has(key) ? u64(key) : dflt;
    }

    /** A signed number, hex or decimal, with an optional leading minus. */
    long s64(String key) {
        return number(key, text(key), true);
    }

    int int32(String key) {
        long v = number(key, text(key), true);
        if (v != (int) v) {
            throw fail(key + "=" + text(key) + " does not fit in 32 bits");
        }
        return (int) v;
    }

    int int32(String key, int dflt) {
        return has(key) ? int32(key) : dflt;
    }

    private long number(String key, String v, boolean signed) {
        String digits = v;
        boolean negative = signed && digits.startsWith("-");
        if (negative) {
            digits = digits.substring(1);
        }
        try {
            long x = digits.startsWith("0x") || digits.startsWith("0X")
                    ? Long.parseUnsignedLong(digits.substring(2), 16)
                    : Long.parseUnsignedLong(digits);
            return negative ? -x : x;
        } catch (NumberFormatException e) {
            throw fail(key + "=" + v + " is not a number");
        }
    }

    boolean bool(String key) {
        String v = text(key);
        if (v.equals("true")) {
            return true;
        }
        if (v.equals("false")) {
            return false;
        }
        throw fail(key + "=" + v + " is not true or false");
    }

    boolean bool(String key, boolean dflt) {
        return has(key) ? bool(key) : dflt;
    }

    Direction dir(String key) {
        String v = text(key);
        try {
            return Direction.parse(v);
        } catch (IllegalArgumentException e) {
            throw fail(key + "=" + v + " is not a DMA direction (BIDIRECTIONAL, TO_DEVICE, FROM_DEVICE, NONE)");
        }
    }

    /** {@code DMA_ATTR_*} names joined by {@code |}, empty for none, or a number. */
    long attrs(String key) {
        String v = text(key);
        if (v.isEmpty() || Character.isDigit(v.charAt(0))) {
            return v.isEmpty() ? 0 : u64(key);
        }
        try {
            return DmaAttrs.parse(v);
        } catch (IllegalArgumentException e) {
            throw fail(key + "=" + v + ": " + e.getMessage());
        }
    }

    <E extends Enum<E>> E enumValue(String key, String v, Class<E> type) {
        try {
            return Enum.valueOf(type, v);
        } catch (IllegalArgumentException e) {
            StringBuilder names = new StringBuilder();
            for (E c : type.getEnumConstants()) {
                names.append(names.length() == 0 ? "" : ", ").append(c.name());
            }
            throw fail(key + "=" + v + " is not one of " + names);
        }
    }

    <E extends Enum<E>> E enumField(String key, Class<E> type) {
        return enumValue(key, text(key), type);
    }

    /** Rejects any field that was never read: a misspelt or foreign key. */
    void finish() {
        for (String k : fields.keySet()) {
            if (!used.contains(k)) {
                throw fail("unknown field " + k + "=");
            }
        }
    }
}
