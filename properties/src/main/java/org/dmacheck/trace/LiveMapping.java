package org.dmacheck.trace;

import java.util.List;
import java.util.OptionalLong;
import org.dmacheck.spec.contract.EntryType;
import org.dmacheck.spec.platform.Direction;

/**
 * A mapping or sg list the trace shows as live, with what only the trace checker needs: where it
 * was made, its IOMMU range and bounce slot for correlation, how to recognise its scatterlist
 * again, whether events went missing while it was live. dma-debug's own books (and every check on
 * them) live in {@link org.dmacheck.spec.contract.DmaDebug}.
 */
final class LiveMapping {
    final int line;
    final long seq;
    final String dev;
    final EntryType type;
    final long dma;
    final long size;
    final Direction dir;
    final OptionalLong phys;
    /** For sg: the CPU entries' phys and the list pointer; the returned DMA segments. */
    List<Long> sgPhys = List.of();
    OptionalLong sgl = OptionalLong.empty();
    int nents;
    List<Long> dmaAddrs = List.of();
    List<Long> sizes = List.of();
    boolean bounced;
    /** The IOMMU range {@code [iommuIova, iommuIova + iommuSize)} programmed for it, when correlated. */
    boolean viaIommu;
    long iommuIova;
    long iommuSize;
    /** Events went missing while it was live: its release may be among them. */
    boolean crossedGap;

    LiveMapping(int line, long seq, String dev, EntryType type, long dma, long size, Direction dir, OptionalLong phys) {
        this.line = line;
        this.seq = seq;
        this.dev = dev;
        this.type = type;
        this.dma = dma;
        this.size = size;
        this.dir = dir;
        this.phys = phys;
    }

    long last() {
        return dma + Math.max(size, 1) - 1;
    }

    String describe() {
        return "[device address=0x" + Long.toHexString(dma) + "] [size=" + size + " bytes] [mapped as "
                + type.printed() + "] [mapped with " + dir.traceName() + "] [line " + line + "]";
    }

    /** The same scatterlist: the same list pointer (kprobes) or the same phys list (tracepoints). */
    boolean sameList(OptionalLong otherSgl, List<Long> otherPhys) {
        if (otherSgl.isPresent() && sgl.isPresent()) {
            return otherSgl.getAsLong() == sgl.getAsLong();
        }
        return !otherPhys.isEmpty() && otherPhys.equals(sgPhys);
    }

    /** A list that starts like this one: an unmap or sync passing another entry count. */
    boolean sameHead(OptionalLong otherSgl, List<Long> otherPhys) {
        if (otherSgl.isPresent() && sgl.isPresent()) {
            return otherSgl.getAsLong() == sgl.getAsLong();
        }
        return !otherPhys.isEmpty() && !sgPhys.isEmpty() && otherPhys.get(0).equals(sgPhys.get(0));
    }
}
