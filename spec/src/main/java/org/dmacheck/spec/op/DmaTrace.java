package org.dmacheck.spec.op;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.dmacheck.spec.platform.PlatformConfig;

/**
 * A replayable run: the platform, numbered operations and free-form metadata (seed, choices,
 * property, engine, the failing invariant). Stored as text by {@link TraceWriter} and read back by
 * {@link TraceReader}; the format is documented in {@code docs/trace-format.md}.
 *
 * @param meta     ordered metadata; keys are identifiers such as {@code seed} or
 *                 {@code failure.invariant}, values are single lines of free text
 * @param platform the machine the operations ran on
 * @param steps    the operations in order; step {@code i} is numbered {@code i + 1}
 */
public record DmaTrace(Map<String, String> meta, PlatformConfig platform, List<Step> steps) {

    /** The format version this code writes and the only one it reads. */
    public static final int VERSION = 1;

    /** The header line that opens every trace file. */
    public static final String HEADER = "dmacheck-trace " + VERSION;

    /**
     * One numbered operation.
     *
     * @param op     the operation
     * @param result what the step returned or is expected to return, as free text (e.g. a DMA
     *               address or {@code -ENOMEM}); null when not recorded
     */
    public record Step(Op op, String result) {
        public Step {
            Objects.requireNonNull(op, "op");
            if (result != null && (result.isBlank() || result.contains("\n"))) {
                throw new IllegalArgumentException("step result must be one non-blank line, got '" + result + "'");
            }
        }
    }

    public DmaTrace {
        Objects.requireNonNull(platform, "platform");
        meta = Collections.unmodifiableMap(new LinkedHashMap<>(meta));
        steps = List.copyOf(steps);
        for (Map.Entry<String, String> e : meta.entrySet()) {
            if (!e.getKey().matches("[A-Za-z0-9_.-]+")) {
                throw new IllegalArgumentException("trace meta key '" + e.getKey() + "' is not an identifier");
            }
            if (e.getValue().contains("\n")) {
                throw new IllegalArgumentException("trace meta '" + e.getKey() + "' spans several lines");
            }
        }
    }

    /** A trace of operations without results or metadata. */
    public static DmaTrace of(PlatformConfig platform, List<Op> ops) {
        return new DmaTrace(Map.of(), platform, ops.stream().map(op -> new Step(op, null)).toList());
    }

    /** The operations alone, in order. */
    public List<Op> ops() {
        return steps.stream().map(Step::op).toList();
    }
}
