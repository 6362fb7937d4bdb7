package org.dmacheck.trace;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.dmacheck.spec.op.TraceFormatException;
import org.dmacheck.spec.platform.Direction;

/**
 * The {@code key=value} part of one event line, with the kernel's printing conventions: {@code %llx}
 * hex without {@code 0x}, {@code %zu} decimal, {@code __print_array} as {@code {0x..,0x..}},
 * {@code __print_symbolic} directions and {@code __print_flags} attributes. Positional words (a
 * device name, {@code FORCE}, {@code [TRUNCATED]}) are kept in order. Any value that does not
 * parse is a {@link TraceFormatException} naming the file, the line, the event and the field.
 */
final class Payload {
    private final String file;
    private final int line;
    private final String event;
    private final List<String> words = new ArrayList<>();
    private final Map<String, String> fields = new HashMap<>();

    Payload(String file, int line, String event, String text) {
        this.file = file;
        this.line = line;
        this.event = event;
        for (String token : text.strip().split("\\s+")) {
            if (token.isEmpty()) {
                continue;
            }
            int eq = token.indexOf('=');
            if (eq > 0) {
                fields.put(token.substring(0, eq), token.substring(eq + 1));
            } else {
                words.add(token);
            }
        }
    }

    TraceFormatException fail(String what) {
        return new TraceFormatException(file, line, event + ": " + what);
    }

    List<String> words() {
        return words;
    }

    /** The first positional word: the device name of a {@code dma:*} event. */
    String device() {
        if (words.isEmpty()) {
            throw fail("missing device name");
        }
        return words.get(0);
    }

    boolean has(String key) {
        return fields.containsKey(key);
    }

    String text(String key) {
        String v = fields.get(key);
        if (v == null) {
            throw fail("missing " + key + "=");
        }
        return v;
    }

    /** A {@code %llx} value; a {@code 0x} prefix is accepted too (kprobe {@code x64} arguments). */
    long hex(String key) {
        return parseHex(key, text(key));
    }

    /** A {@code %zu}/{@code %d}/{@code u64} value in decimal, or hex with {@code 0x}. */
    long dec(String key) {
        String v = text(key);
        try {
            if (v.startsWith("0x")) {
                return Long.parseUnsignedLong(v.substring(2), 16);
            }
            return v.startsWith("-") ? Long.parseLong(v) : Long.parseUnsignedLong(v);
        } catch (NumberFormatException e) {
            throw fail(key + "=" + v + " is not a number");
        }
    }

    int int32(String key) {
        long v = dec(key);
        if (v != (int) v) {
            throw fail(key + "=" + text(key) + " does not fit in 32 bits");
        }
        return (int) v;
    }

    private long parseHex(String key, String v) {
        String digits = v.startsWith("0x") ? v.substring(2) : v;
        try {
            return Long.parseUnsignedLong(digits, 16);
        } catch (NumberFormatException e) {
            throw fail(key + "=" + v + " is not a hex number");
        }
    }

    /** A direction by name, or by number (kprobe {@code s32} arguments print 0, 1, 2). */
    Direction dir(String key) {
        String v = text(key);
        for (Direction d : Direction.values()) {
            if (d.traceName().equals(v) || Integer.toString(d.value()).equals(v)) {
                return d;
            }
        }
        throw fail(key + "=" + v + " is not a DMA direction");
    }

    long attrs(String key) {
        String v = text(key);
        try {
            return KernelAttrs.parse(v);
        } catch (IllegalArgumentException e) {
            throw fail(key + "=" + v + ": " + e.getMessage());
        }
    }

    /** An {@code __print_array}: {@code {0x1000,0x2000}}, {@code {}} when empty. */
    List<Long> array(String key) {
        String v = text(key);
        if (!v.startsWith("{") || !v.endsWith("}")) {
            throw fail(key + "=" + v + " is not an array {0x..,0x..}");
        }
        List<Long> out = new ArrayList<>();
        String body = v.substring(1, v.length() - 1);
        if (body.isEmpty()) {
            return out;
        }
        for (String item : body.split(",", -1)) {
            out.add(parseHex(key, item));
        }
        return out;
    }

    /** {@code SHOWN/FULL} of the newest {@code dma_map_sg}: the full count. */
    int fullCount(String key) {
        String v = text(key);
        int slash = v.indexOf('/');
        try {
            return Integer.parseInt(slash < 0 ? v : v.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw fail(key + "=" + v + " is not SHOWN/FULL");
        }
    }
}
