package org.dmacheck.spec.violation;

import java.util.List;
import java.util.Objects;
import org.dmacheck.spec.platform.DeviceId;

/**
 * A broken rule, as plain data: which rule ({@code kind}: an invariant name such as
 * {@code NoIovaOverlap}, or a dma-debug check id such as {@code U3}), at which step, on which
 * device, what happened, and the exact evidence. Text is rendered from it by
 * {@link DmaDebugFormat}, never built into it.
 *
 * @param kind     the invariant's name or the contract check's id
 * @param step     the 1-based step number, or 0 when not tied to a step (teardown, a trace line)
 * @param device   the device concerned, or null
 * @param message  what happened, in dma-debug's words ("device driver frees DMA memory with
 *                 different size")
 * @param evidence the bracketed facts, in print order
 */
public record Violation(String kind, long step, DeviceId device, String message, List<Evidence> evidence) {
    public Violation {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
        evidence = List.copyOf(evidence);
    }

    /** The same violation pinned to {@code step}. */
    public Violation atStep(long n) {
        return new Violation(kind, n, device, message, evidence);
    }

    /** The value of the first evidence item named {@code key}, or null. */
    public String evidence(String key) {
        return evidence.stream().filter(e -> e.key().equals(key)).map(Evidence::value).findFirst().orElse(null);
    }

    /** The dma-debug-style line, see {@link DmaDebugFormat#line}. */
    @Override
    public String toString() {
        return DmaDebugFormat.line(this);
    }
}
