package org.dmacheck.spec.driver;

import java.util.List;
import java.util.Objects;
import org.dmacheck.spec.op.Op;

/**
 * One executed step: the operation, what it returned, and what it did to the driver's handles.
 *
 * @param step     1-based step number
 * @param op       the operation
 * @param result   what came back
 * @param misuse   null for a correct call; otherwise why the call breaks the driver contract (wrong
 *                 size, direction, kind or entry count, an unknown address, DMA_NONE, a link outside
 *                 its allocation ...). Misuse mode judges such steps by containment.
 * @param released handles whose binding ended with this step (a correct release)
 * @param misused  handles this step misused: the engine may or may not still hold them
 */
public record Executed(long step, Op op, OpResult result, String misuse, List<String> released,
                       List<String> misused) {
    public Executed {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(result, "result");
        released = List.copyOf(released);
        misused = List.copyOf(misused);
    }

    public boolean isMisuse() {
        return misuse != null;
    }

    public boolean skipped() {
        return result instanceof OpResult.Skipped;
    }

    public boolean threw() {
        return result instanceof OpResult.Threw;
    }
}
