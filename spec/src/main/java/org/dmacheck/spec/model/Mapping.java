package org.dmacheck.spec.model;

import java.util.ArrayList;
import java.util.List;
import org.dmacheck.spec.api.CoherentBuffer;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.driver.SgSegment;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.Unsigned;

/**
 * A live mapping as the driver believes it: what was asked, what the engine returned, and the
 * {@link Piece}s that say which device address stands for which CPU byte. Immutable; the ledger
 * replaces a two-step state when its links change.
 */
public sealed interface Mapping {
    String handle();

    DeviceId dev();

    /** The step that created it. */
    long step();

    /** Every device-visible stretch, in segment order. */
    List<Piece> pieces();

    /**
     * The granule-rounded IOVA ranges the mapping holds in an IOMMU domain of granule {@code g}, as
     * inclusive {@code {start, last}} pairs (bus-address segments hold none).
     */
    List<long[]> iovaSpans(long g);

    /** The pieces of segment {@code segment} at offsets {@code [offset, offset+len)}. */
    default List<Piece> piecesAt(int segment, long offset, long len) {
        List<Piece> out = new ArrayList<>();
        for (Piece p : pieces()) {
            if (p.segment() == segment) {
                Piece s = p.slice(offset, len);
                if (s != null) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    private static long[] span(long addr, long len, long g) {
        return new long[] {Unsigned.alignDown(addr, g), Unsigned.alignUp(addr + len, g) - 1};
    }

    /** {@code dma_map_phys}/{@code _page}/{@code _resource}. */
    record Single(String handle, DeviceId dev, long step, Op.MapKind kind, long phys, long size, Direction dir,
                  long attrs, long dmaAddr) implements Mapping {
        @Override
        public List<Piece> pieces() {
            return List.of(new Piece(dmaAddr, phys, size, dir, false, 0, 0));
        }

        @Override
        public List<long[]> iovaSpans(long g) {
            return List.of(span(dmaAddr, size, g));
        }
    }

    /**
     * A mapped scatterlist: the CPU entries passed ({@code nents} of them) and the DMA segments the
     * engine returned. Pieces pair the i-th byte of the concatenated segments with the i-th byte of
     * the concatenated entries, which is what a correct {@code map_sg} must produce.
     */
    record Sg(String handle, DeviceId dev, long step, List<Scatterlist.Chunk> entries, Direction dir, long attrs,
              List<SgSegment> segments, List<Piece> pieces) implements Mapping {
        public Sg {
            entries = List.copyOf(entries);
            segments = List.copyOf(segments);
            pieces = List.copyOf(pieces);
        }

        public static Sg of(String handle, DeviceId dev, long step, List<Scatterlist.Chunk> entries, Direction dir,
                            long attrs, List<SgSegment> segments) {
            List<Piece> pieces = new ArrayList<>();
            int e = 0;
            long inEntry = 0;
            for (int j = 0; j < segments.size(); j++) {
                SgSegment s = segments.get(j);
                long segOff = 0;
                while (segOff < s.length() && e < entries.size()) {
                    Scatterlist.Chunk c = entries.get(e);
                    long n = Math.min(s.length() - segOff, c.length() - inEntry);
                    pieces.add(new Piece(s.dmaAddr() + segOff, c.phys() + inEntry, n, dir, s.busAddress(), j, segOff));
                    segOff += n;
                    inEntry += n;
                    if (inEntry == c.length()) {
                        e++;
                        inEntry = 0;
                    }
                }
            }
            return new Sg(handle, dev, step, entries, dir, attrs, segments, pieces);
        }

        public int nents() {
            return entries.size();
        }

        /** The pieces carrying bytes of input entry {@code i}, in order. */
        public List<Piece> piecesOfEntry(int i) {
            List<Piece> out = new ArrayList<>();
            int e = 0;
            long consumed = 0;
            for (Piece p : pieces) {
                while (e < entries.size() && consumed == entries.get(e).length()) {
                    e++;
                    consumed = 0;
                }
                if (e == i) {
                    out.add(p);
                }
                consumed += p.length();
            }
            return out;
        }

        @Override
        public List<long[]> iovaSpans(long g) {
            List<long[]> out = new ArrayList<>();
            for (SgSegment s : segments) {
                if (!s.busAddress() && s.length() > 0) {
                    out.add(span(s.dmaAddr(), s.length(), g));
                }
            }
            return out;
        }
    }

    /** One successful {@code dma_iova_link}, and whether a {@code dma_iova_sync} has covered it since. */
    record Link(long offset, long phys, long size, Direction dir, long attrs, long step, boolean synced) {
        public Link withSynced() {
            return new Link(offset, phys, size, dir, attrs, step, true);
        }
    }

    /**
     * A two-step state from a successful {@code dma_iova_try_alloc(dev, state, phys, size)}: the
     * reservation at {@code addr} (which keeps {@code phys}'s in-granule offset) and its links, in
     * link order (segment i of the handle is link i).
     */
    record Iova(String handle, DeviceId dev, long step, long phys, long size, long addr, long rawSize,
                List<Link> links) implements Mapping {
        public Iova {
            links = List.copyOf(links);
        }

        public Iova withLinks(List<Link> newLinks) {
            return new Iova(handle, dev, step, phys, size, addr, rawSize, newLinks);
        }

        @Override
        public List<Piece> pieces() {
            List<Piece> out = new ArrayList<>();
            for (int i = 0; i < links.size(); i++) {
                Link l = links.get(i);
                out.add(new Piece(addr + l.offset(), l.phys(), l.size(), l.dir(), false, i, 0));
            }
            return out;
        }

        @Override
        public List<long[]> iovaSpans(long g) {
            return List.of(span(addr, size, g));
        }
    }

    /** {@code dma_alloc_attrs}: coherent memory both sides see at once (on a coherent device). */
    record Coherent(String handle, DeviceId dev, long step, CoherentBuffer buffer, long attrs) implements Mapping {
        @Override
        public List<Piece> pieces() {
            return List.of(new Piece(buffer.dmaAddr(), buffer.cpuPhys(), buffer.size(), Direction.BIDIRECTIONAL,
                    false, 0, 0));
        }

        @Override
        public List<long[]> iovaSpans(long g) {
            return List.of(span(buffer.dmaAddr(), buffer.size(), g));
        }
    }
}
