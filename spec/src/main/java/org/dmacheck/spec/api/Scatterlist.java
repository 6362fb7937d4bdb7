package org.dmacheck.spec.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.dmacheck.spec.platform.Unsigned;

/**
 * A scatterlist ({@code struct scatterlist[]}, {@code include/linux/scatterlist.h}). The CPU side
 * ({@link Entry#phys()} = {@code sg_phys(sg)}, {@link Entry#length()}) is set by the driver; the
 * DMA side ({@code sg_dma_address}, {@code sg_dma_len}, {@code dma_flags}) is written by the
 * engine's {@code map_sg}, which packs its output segments at the head of the list. Mutable, like
 * the kernel's: the engine writes into it.
 */
public final class Scatterlist {
    /** {@code SG_DMA_BUS_ADDRESS}: the entry holds a PCI bus address (P2P, no IOVA behind it). */
    public static final int SG_DMA_BUS_ADDRESS = 1;
    /** {@code SG_DMA_SWIOTLB}: set on the first entry when dma-iommu bounced the list entry by entry. */
    public static final int SG_DMA_SWIOTLB = 1 << 1;

    /** One entry; CPU fields are fixed, DMA fields are the engine's. */
    public static final class Entry {
        private final long phys;
        private final long length;
        private long dmaAddress;
        private long dmaLength;
        private int dmaFlags;

        Entry(long phys, long length) {
            if (length <= 0 || length > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("sg entry length " + length + " is outside 1..0xffffffff");
            }
            if (!Unsigned.fits(phys, length)) {
                throw new IllegalArgumentException("sg entry at " + Unsigned.hex(phys) + " + " + length + " wraps");
            }
            this.phys = phys;
            this.length = length;
            this.dmaAddress = DmaEngine.DMA_MAPPING_ERROR;
        }

        /** {@code sg_phys(sg)}: page physical address plus offset. */
        public long phys() {
            return phys;
        }

        /** {@code sg->length} (an unsigned 32-bit quantity). */
        public long length() {
            return length;
        }

        public long dmaAddress() {
            return dmaAddress;
        }

        public long dmaLength() {
            return dmaLength;
        }

        public int dmaFlags() {
            return dmaFlags;
        }

        public void setDma(long address, long len) {
            this.dmaAddress = address;
            this.dmaLength = len;
        }

        public void setDmaFlags(int flags) {
            this.dmaFlags = flags;
        }

        public boolean isBusAddress() {
            return (dmaFlags & SG_DMA_BUS_ADDRESS) != 0;
        }

        @Override
        public String toString() {
            return "{phys=" + Unsigned.hex(phys) + " len=" + Unsigned.hex(length)
                    + " dma=" + Unsigned.hex(dmaAddress) + " dma_len=" + Unsigned.hex(dmaLength)
                    + (dmaFlags == 0 ? "" : " flags=" + dmaFlags) + "}";
        }
    }

    /** A CPU-side description of one entry. */
    public record Chunk(long phys, long length) {
    }

    private final Entry[] entries;

    public Scatterlist(List<Chunk> chunks) {
        if (chunks.isEmpty()) {
            throw new IllegalArgumentException("a scatterlist needs at least one entry");
        }
        entries = new Entry[chunks.size()];
        for (int i = 0; i < entries.length; i++) {
            entries[i] = new Entry(chunks.get(i).phys(), chunks.get(i).length());
        }
    }

    public static Scatterlist of(long... physLenPairs) {
        if (physLenPairs.length % 2 != 0) {
            throw new IllegalArgumentException("expected (phys, length) pairs");
        }
        List<Chunk> chunks = new ArrayList<>();
        for (int i = 0; i < physLenPairs.length; i += 2) {
            chunks.add(new Chunk(physLenPairs[i], physLenPairs[i + 1]));
        }
        return new Scatterlist(chunks);
    }

    /** {@code orig_nents}. */
    public int size() {
        return entries.length;
    }

    public Entry get(int i) {
        return entries[i];
    }

    public List<Entry> entries() {
        return List.of(entries);
    }

    public List<Chunk> chunks() {
        return Arrays.stream(entries).map(e -> new Chunk(e.phys, e.length)).toList();
    }

    /** The sum of CPU-side lengths of the first {@code nents} entries. */
    public long totalLength(int nents) {
        long total = 0;
        for (int i = 0; i < nents; i++) {
            total += entries[i].length;
        }
        return total;
    }

    @Override
    public String toString() {
        return Arrays.toString(entries);
    }
}
