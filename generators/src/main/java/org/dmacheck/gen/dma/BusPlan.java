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

    /**
     * A P2P BAR of {@code provider}, with the size and bus offset the knobs pick. Unless
     * {@link PlatformGen#BAR_BEYOND_REACH} says otherwise, a placement whose bus window would end
     * above {@code reach} (the lowest limit of the PCI clients) is replaced by one that does not
     * (bus == CPU in the hole, else a negative offset into the hole) when there is one, so that
     * bus-address P2P stays usable with narrow masks.
     */
    MemoryRegion bar(ChoiceStream in, DmaProfile p, String provider, long reach) {
        long size = PlatformGen.BAR_SIZE.draw(in, p);
        PlatformGen.BusOffset sign = PlatformGen.BAR_OFFSET.draw(in, p);
        boolean high = sign == PlatformGen.BusOffset.ZERO && PlatformGen.BAR_HIGH.draw(in, p);
        if (!PlatformGen.BAR_BEYOND_REACH.draw(in, p) && !busFits(sign, high, size, reach)) {
            if (busFits(PlatformGen.BusOffset.ZERO, false, size, reach)) {
                sign = PlatformGen.BusOffset.ZERO;
                high = false;
            } else if (busFits(PlatformGen.BusOffset.NEGATIVE, false, size, reach)) {
                sign = PlatformGen.BusOffset.NEGATIVE;
            }
        }
        return switch (sign) {
            case ZERO -> MemoryRegion.p2pBar(provider, high ? highCpu.take(size) : low(size), size, 0);
            case NEGATIVE -> translated(provider, highCpu.take(size), negativeBus, size);
            case POSITIVE -> translated(provider, low(size), positiveBus, size);
        };
    }

    /** Whether the placement would put the BAR's last bus address at or below {@code reach}. */
    private boolean busFits(PlatformGen.BusOffset sign, boolean high, long size, long reach) {
        long bus = switch (sign) {
            case ZERO -> high ? highCpu.peek(size) : lowPeek(size);
            case NEGATIVE -> negativeBus.peek(size) != -1 ? negativeBus.peek(size) : highCpu.peek(size);
            case POSITIVE -> positiveBus.peek(size) != -1 ? positiveBus.peek(size) : lowPeek(size);
        };
        return bus != -1 && Unsigned.rangeAtOrBelow(bus, size, reach);
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

    private long lowPeek(long size) {
        long cpu = lowCpu.peek(size);
        return cpu != -1 ? cpu : highCpu.peek(size);
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
            long start = peek(size);
            if (start != -1) {
                next = start + size;
            }
            return start;
        }

        /** What {@link #take} would hand out, without taking it. */
        long peek(long size) {
            long start = Unsigned.alignUp(next, size);
            return Unsigned.lt(end - size, start) ? -1 : start;
        }
    }
}
