package org.dmacheck.spec.model;

import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.Unsigned;

/**
 * A contiguous stretch of a live mapping: {@code length} bytes the device reaches at
 * {@code dmaAddr} that stand for the CPU bytes at {@code phys}. A single mapping is one piece; a
 * scatterlist has one piece per (output segment, input entry) overlap; a two-step state one per
 * link.
 *
 * @param segment       which segment of the handle it belongs to (the index device accesses use)
 * @param segmentOffset where it starts inside that segment
 * @param busAddress    a P2P bus address ({@code SG_DMA_BUS_ADDRESS}): no IOMMU behind it
 */
public record Piece(long dmaAddr, long phys, long length, Direction dir, boolean busAddress, int segment,
                    long segmentOffset) {

    public long dmaLast() {
        return dmaAddr + length - 1;
    }

    public long physLast() {
        return phys + length - 1;
    }

    /** The part of this piece at segment offsets {@code [from, from+len)}, or null when they do not meet. */
    public Piece slice(long from, long len) {
        long s = Math.max(from, segmentOffset);
        long e = Math.min(from + len, segmentOffset + length);
        if (e <= s) {
            return null;
        }
        long d = s - segmentOffset;
        return new Piece(dmaAddr + d, phys + d, e - s, dir, busAddress, segment, s);
    }

    @Override
    public String toString() {
        return "dma " + Unsigned.hex(dmaAddr) + " -> phys " + Unsigned.hex(phys) + " +" + Unsigned.hex(length)
                + (busAddress ? " (bus)" : "");
    }
}
