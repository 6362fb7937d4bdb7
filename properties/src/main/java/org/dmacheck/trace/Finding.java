package org.dmacheck.trace;

/**
 * One thing the trace checker found.
 *
 * @param kind    whose problem it is
 * @param line    the trace line of the event that shows it
 * @param check   a short name of the rule, e.g. {@code double-unmap}, {@code iommu-correlation}
 * @param device  the device, or empty when the event has none
 * @param message what happened, dma-debug style with bracketed evidence
 */
public record Finding(Kind kind, int line, String check, String device, String message) {

    /** Who is to blame. */
    public enum Kind {
        /** The driver broke the DMA-API contract (what dma-debug would report). */
        DRIVER,
        /** The kernel's DMA layer contradicts itself (IOMMU, swiotlb or IOVA bookkeeping). */
        KERNEL,
        /** Not a bug: events are missing (ring buffer overwritten, missed probes, an excerpt, the end of the capture). */
        LOST
    }

    /** {@code line 12: DRIVER double-unmap: DMA-API: 0000:01:00.0: device driver ...}. */
    public String render() {
        return "line " + line + ": " + kind + " " + check + ": "
                + (device.isEmpty() ? "" : "DMA-API: " + device + ": ") + message;
    }
}
