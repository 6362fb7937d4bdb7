package org.dmacheck.prop.report;

import java.util.Objects;
import org.dmacheck.spec.op.Op;

/**
 * One numbered step of a counterexample: the operation and what came back, as text
 * ({@code 0xfffff000}, {@code -EREMOTEIO}, {@code 2 segments}, or empty when the call returns
 * nothing).
 */
public record ReportStep(int number, Op op, String outcome) {
    public ReportStep {
        Objects.requireNonNull(op, "op");
        outcome = outcome == null ? "" : outcome;
    }
}
