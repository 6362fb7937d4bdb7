package org.dmacheck.prop.canary;

import java.util.Set;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.Hardware;
import org.dmacheck.spec.platform.Unsigned;

/**
 * A seg-boundary check on the segment start only (bug-classes.md, sg merging): after the
 * reference engine lays out the list, DMA-contiguous segments are merged again whenever the next
 * one does not itself start on a boundary — so a merged segment may run across
 * {@code seg_boundary_mask + 1}. The correct test (iommu_dma_map_sg's {@code (seg_mask & ...)},
 * dma_direct's per-entry layout) is on the merged segment's whole range.
 */
public final class SegBoundaryStartOnly extends CanaryProvider {
    public SegBoundaryStartOnly() {
        super("canary-seg-boundary-start-only", "sg",
                "reference engine that re-merges contiguous sg segments checking seg_boundary_mask on the next start only",
                Set.of("SegmentRules"));
    }

    @Override
    DmaEngine wrapEngine(DmaEngine reference, Hardware real) {
        return new ForwardingEngine(reference) {
            @Override
            public int mapSg(DeviceId dev, Scatterlist sgl, int nents, Direction dir, long attrs) {
                int ents = inner.mapSg(dev, sgl, nents, dir, attrs);
                return ents > 1 ? remerge(sgl, ents, real.device(dev)) : ents;
            }
        };
    }

    /**
     * Merges segment i+1 into the open one when DMA-contiguous and within max_seg_size, where the
     * merged segment crosses a boundary but i+1 does not start on one.
     */
    private static int remerge(Scatterlist sgl, int ents, DeviceConfig d) {
        int out = 0;
        long addr = sgl.get(0).dmaAddress();
        long len = sgl.get(0).dmaLength();
        int flags = sgl.get(0).dmaFlags();
        for (int i = 1; i < ents; i++) {
            Scatterlist.Entry next = sgl.get(i);
            boolean contiguous = addr + len == next.dmaAddress() && next.dmaFlags() == flags;
            long mask = d.segBoundaryMask();
            boolean startsOnBoundary = (next.dmaAddress() & mask) == 0; // the bug: the start only
            boolean crosses = (addr | mask) != ((addr + len + next.dmaLength() - 1) | mask); // what it should test
            // merged only where the two tests disagree: elsewhere the buggy engine lays out what the reference does
            if (contiguous && crosses && !startsOnBoundary && !Unsigned.lt(d.maxSegSize(), len + next.dmaLength())) {
                len += next.dmaLength();
                continue;
            }
            set(sgl.get(out++), addr, len, flags);
            addr = next.dmaAddress();
            len = next.dmaLength();
            flags = next.dmaFlags();
        }
        set(sgl.get(out++), addr, len, flags);
        for (int i = out; i < ents; i++) {
            set(sgl.get(i), -1L, 0, 0); // unused entries as __finalise_sg leaves them
        }
        return out;
    }

    private static void set(Scatterlist.Entry e, long addr, long len, int flags) {
        e.setDma(addr, len);
        e.setDmaFlags(flags);
    }
}
