package org.dmacheck.spec.violation;

/**
 * Renders a {@link Violation} the way {@code kernel/dma/debug.c}'s {@code err_printk} prints, with
 * the step appended:
 * {@code DMA-API: 0000:01:00.0: device driver maps memory beyond dma_mask [device address=0x...]
 * [map size=4096 bytes] [dma_mask=0xffffffff] [step 7]}.
 */
public final class DmaDebugFormat {
    private DmaDebugFormat() {
    }

    /** One line: prefix, message, evidence, step. */
    public static String line(Violation v) {
        StringBuilder sb = new StringBuilder("DMA-API: ");
        if (v.device() != null) {
            sb.append(v.device().name()).append(": ");
        }
        sb.append(v.message());
        for (Evidence e : v.evidence()) {
            sb.append(' ').append(e);
        }
        if (v.step() > 0) {
            sb.append(" [step ").append(v.step()).append(']');
        }
        return sb.toString();
    }

    /** The line preceded by the rule that fired: {@code NoIovaOverlap: DMA-API: ...}. */
    public static String withKind(Violation v) {
        return v.kind() + ": " + line(v);
    }
}
