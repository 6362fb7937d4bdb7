package org.dmacheck.trace;

import java.util.List;
import java.util.OptionalLong;
import org.dmacheck.spec.platform.Direction;

/**
 * A mapping, allocation or sg list the trace shows as live, as dma-debug's {@code dma_debug_entry}
 * keeps it: where it was made, its device, address, size, direction and how it was made.
 */
final class LiveMapping {
    /** dma-debug's entry types, by the names its messages print. */
    enum Type {
        SINGLE("single"), RESOURCE("resource"), SG("scatter-gather"), COHERENT("coherent"), PAGES("pages"),
        SGT("noncontiguous"), IOVA("iova");

        final String printed;

        Type(String printed) {
            this.printed = printed;
        }
    }

    final int line;
    final long seq;
    final String dev;
    final Type type;
    final long dma;
    final long size;
    final Direction dir;
    final long attrs;
    final OptionalLong phys;
    /** For sg: the CPU entries' phys and the list pointer; the returned DMA segments. */
    List<Long> sgPhys = List.of();
    OptionalLong sgl = OptionalLong.empty();
    int nents;
    List<Long> dmaAddrs = List.of();
    List<Long> sizes = List.of();
    /** For allocations: the hashed CPU address. */
    String virt;
    boolean bounced;
    /** The IOMMU range {@code [iommuIova, iommuIova + iommuSize)} programmed for it, when correlated. */
    boolean viaIommu;
    long iommuIova;
    long iommuSize;
    /** Events went missing while it was live: its release may be among them. */
    boolean crossedGap;

    LiveMapping(int line, long seq, String dev, Type type, long dma, long size, Direction dir, long attrs,
                OptionalLong phys) {
        this.line = line;
        this.seq = seq;
        this.dev = dev;
        this.type = type;
        this.dma = dma;
        this.size = size;
        this.dir = dir;
        this.attrs = attrs;
        this.phys = phys;
    }

    long last() {
        return dma + Math.max(size, 1) - 1;
    }

    String describe() {
        return "[device address=0x" + Long.toHexString(dma) + "] [size=" + size + " bytes] [mapped as "
                + type.printed + "] [mapped with " + dir.traceName() + "] [line " + line + "]";
    }
}
