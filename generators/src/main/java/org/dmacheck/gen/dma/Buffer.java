package org.dmacheck.gen.dma;

import org.dmacheck.spec.platform.RegionKind;
import org.dmacheck.spec.platform.Unsigned;

/**
 * A buffer an operation maps: {@code size} bytes at CPU physical address {@code phys}, in memory of
 * {@code kind} (RAM from the platform's {@code BufferAllocator}, or a slice of a BAR or MMIO resource).
 */
record Buffer(long phys, long size, RegionKind kind) {
    boolean ram() {
        return kind == RegionKind.SYSTEM_RAM;
    }

    @Override
    public String toString() {
        return kind + "[" + Unsigned.hex(phys) + "+" + Unsigned.hex(size) + "]";
    }
}
