package org.dmacheck.impl.direct;

import java.util.IdentityHashMap;
import java.util.Map;
import org.dmacheck.spec.model.IntervalIndex;
import org.dmacheck.spec.platform.Unsigned;

/**
 * The live streaming mappings of one device on the direct path, like dma-debug's hash: dma-direct
 * itself keeps no state, but the reference engine must tell a genuine unmap or sync from one of an
 * address that was never mapped (which it refuses, so misuse cannot touch other memory).
 *
 * <p>Mappings may overlap (the same buffer mapped twice), so they sit in an interval index by DMA
 * range: a lookup costs O(log n + the mappings overlapping the looked-up range).
 */
final class LiveMappings {
    /** One live mapping: {@code [dma, dma+size)} reaches {@code phys} (the bounce slot if bounced). */
    record Mapping(long dma, long size, long phys, boolean mmio, boolean bounced) {
        long last() {
            return dma + size - 1;
        }

        boolean covers(long addr, long len) {
            return Unsigned.fits(addr, len) && Unsigned.within(addr, dma, last())
                    && Unsigned.le(addr + len - 1, last());
        }
    }

    private final IntervalIndex<Mapping> index = new IntervalIndex<>();
    private final Map<Mapping, IntervalIndex.Entry<Mapping>> entries = new IdentityHashMap<>();

    int size() {
        return index.size();
    }

    void add(Mapping m) {
        entries.put(m, index.add(m.dma(), m.last(), m));
    }

    /**
     * The live mapping starting at {@code dma}, preferring one of exactly {@code size} bytes; null
     * when none starts there.
     */
    Mapping findStart(long dma, long size) {
        Mapping any = null;
        for (IntervalIndex.Entry<Mapping> e : index.overlapping(dma, dma)) {
            Mapping m = e.value();
            if (m.dma() == dma) {
                if (m.size() == size) {
                    return m;
                }
                any = any == null ? m : any;
            }
        }
        return any;
    }

    /** A live mapping holding every byte of {@code [addr, addr+len)}, or null. */
    Mapping covering(long addr, long len) {
        if (!Unsigned.fits(addr, len)) {
            return null;
        }
        for (IntervalIndex.Entry<Mapping> e : index.overlapping(addr, addr + len - 1)) {
            if (e.value().covers(addr, len)) {
                return e.value();
            }
        }
        return null;
    }

    /** Removes exactly this mapping (one instance of it). */
    void remove(Mapping m) {
        IntervalIndex.Entry<Mapping> e = entries.remove(m);
        if (e != null) {
            index.remove(e);
        }
    }
}
