package org.dmacheck.gen.dma;

import org.dmacheck.gen.ChoiceStream;
import org.dmacheck.spec.platform.MemoryRegion;
import org.dmacheck.spec.platform.Unsigned;

/**
 * Places P2P BARs and MMIO resources by the {@link Layout}'s plan: CPU ranges in the hole below
 * 4 GiB or above RAM, bus windows equal to the CPU range (offset 0), in the upper part of the hole
 * (a negative offset: bus below CPU, as on arm64 host bridges) or above 1.5 TiB (positive). Every
 * range is aligned to its size, and when a part of the hole is full the range goes above RAM
 * instead, so any number of BARs fits.
 */
final class BusPlan {
    private static final long HIGH_SPAN = 0x100_0000_0000L;

    private final Cursor lowCpu;
    private final Cursor negativeBus;
    private final Cursor highCpu;
    private final Cursor positiveBus;

    BusPlan(Layout layout) {
        lowCpu = new Cursor(layout.holeStart(), layout.holeMid());
        negativeBus = new Cursor(layout.holeMid(), layout.holeEnd());
        highCpu = new Cursor(Layout.HIGH_BARS, Layout.HIGH_BARS + HIGH_SPAN);
        positiveBus = new Cursor(Layout.POSITIVE_BUS, Layout.POSITIVE_BUS + HIGH_SPAN);
    }

    /** A P2P BAR of {@code provider}, with the size and bus offset the knobs pick. */
    MemoryRegion bar(ChoiceStream in, DmaProfile p, String provider) {
        long size = PlatformGen.BAR_SIZE.draw(in, p);
        PlatformGen.BusOffset sign = PlatformGen.BAR_OFFSET.draw(in, p);
        return switch (sign) {
            case ZERO -> MemoryRegion.p2pBar(provider,
                    PlatformGen.BAR_HIGH.draw(in, p) ? highCpu.take(size) : low(size), size, 0);
            case NEGATIVE -> translated(provider, highCpu.take(size), negativeBus, size);
            case POSITIVE -> translated(provider, low(size), positiveBus, size);
        };
    }

    /** An MMIO resource (owner null for a non-PCI one) in the hole, bus address = CPU address. */
    MemoryRegion mmio(String owner) {
        long size = PlatformGen.MMIO_SIZE;
        return MemoryRegion.mmio(owner, low(size), size, 0);
    }

    private MemoryRegion translated(String provider, long cpu, Cursor busSide, long size) {
        long bus = busSide.take(size);
        // no room left on the bus side: the BAR keeps bus == CPU
        long offset = bus == -1 ? 0 : bus - cpu;
        return MemoryRegion.p2pBar(provider, cpu, size, offset);
    }

    private long low(long size) {
        long cpu = lowCpu.take(size);
        return cpu != -1 ? cpu : highCpu.take(size);
    }

    /** Hands out size-aligned ranges of {@code [next, end)}; -1 when full. */
    private static final class Cursor {
        private long next;
        private final long end;

        Cursor(long start, long end) {
            this.next = start;
            this.end = end;
        }

        long take(long size) {
            long start = Unsigned.alignUp(next, size);
            if (Unsigned.lt(end - size, start)) {
                return -1;
            }
            next = start + size;
            return start;
        }
    }
}
