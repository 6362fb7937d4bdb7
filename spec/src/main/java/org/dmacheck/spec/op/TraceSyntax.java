package org.dmacheck.spec.op;

import org.dmacheck.spec.platform.DmaAttrs;
import org.dmacheck.spec.platform.Unsigned;

/** Lexical rules of the dmacheck trace format shared by {@link TraceWriter} and {@link TraceReader}. */
final class TraceSyntax {
    private TraceSyntax() {
    }

    /** A string value as a token: bare when it is safe, else double-quoted with {@code \"} and {@code \\}. */
    static String quote(String s) {
        if (!s.isEmpty() && s.chars().noneMatch(c -> Character.isWhitespace(c) || c == '"' || c == '\\'
                || c == '=' || c == '#' || c == ',') && !s.startsWith("=>")) {
            return s;
        }
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.append('"').toString();
    }

    /** An unsigned 64-bit value in kernel-style hex ({@code 0x...}). */
    static String hex(long v) {
        return Unsigned.hex(v);
    }

    /** A signed delta in hex: {@code 0x10} or {@code -0x10}. */
    static String signedHex(long v) {
        return v < 0 && v != Long.MIN_VALUE ? "-" + Unsigned.hex(-v) : Unsigned.hex(v);
    }

    /** Attributes by kernel name, {@code |}-joined; the empty string for none (as ftrace prints them). */
    static String attrs(long attrs) {
        return DmaAttrs.describe(attrs);
    }
}
