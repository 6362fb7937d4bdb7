package org.dmacheck.prop;

import java.util.Objects;

/**
 * Why a run failed, as plain data.
 *
 * @param kind the invariant or contract check that broke ({@code NoIovaOverlap}, {@code U3}), or
 *             {@link #ENGINE_HANG} / {@link #ENGINE_EXCEPTION}
 * @param step the 1-based step after which it was seen (teardown steps continue the numbering)
 * @param text the failure in dma-debug style: a summary line, then evidence lines
 */
public record Finding(String kind, int step, String text) {
    /** An engine call did not return within the per-call limit. */
    public static final String ENGINE_HANG = "engine-hang";
    /** An engine call threw where the kernel would not have crashed. */
    public static final String ENGINE_EXCEPTION = "engine-exception";

    public Finding {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(text, "text");
    }

    /** The first line. */
    public String summary() {
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }
}
