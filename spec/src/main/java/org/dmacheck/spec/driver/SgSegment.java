package org.dmacheck.spec.driver;

import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.platform.Unsigned;

/** The DMA side of one scatterlist entry after {@code map_sg}: address, length and flags. */
public record SgSegment(long dmaAddr, long length, int flags) {
    public static SgSegment of(Scatterlist.Entry e) {
        return new SgSegment(e.dmaAddress(), e.dmaLength(), e.dmaFlags());
    }

    /** {@code sg_dma_is_bus_address()}. */
    public boolean busAddress() {
        return (flags & Scatterlist.SG_DMA_BUS_ADDRESS) != 0;
    }

    @Override
    public String toString() {
        return Unsigned.hex(dmaAddr) + "+" + Unsigned.hex(length) + (busAddress() ? " bus" : "");
    }
}
