package org.dmacheck.spec.platform;

import java.util.Objects;

/**
 * A physical address range of one kind.
 *
 * @param kind      what the range is
 * @param start     first CPU physical address
 * @param size      length in bytes
 * @param owner     for {@link RegionKind#P2P_BAR} and {@link RegionKind#MMIO}: the BDF of the PCI
 *                  function whose BAR this is (may be null for a non-PCI MMIO resource); null otherwise
 * @param busOffset PCI bus address minus CPU address of the BAR ({@code p2pdma_provider.bus_offset});
 *                  0 for RAM
 */
public record MemoryRegion(RegionKind kind, long start, long size, String owner, long busOffset) {
    public MemoryRegion {
        Objects.requireNonNull(kind, "kind");
        if (!Unsigned.fits(start, size)) {
            throw new IllegalArgumentException(kind + " region at " + Unsigned.hex(start) + " size "
                    + Unsigned.hex(size) + " is empty or wraps");
        }
        if (kind == RegionKind.P2P_BAR && owner == null) {
            throw new IllegalArgumentException("P2P BAR at " + Unsigned.hex(start) + " has no provider");
        }
    }

    public static MemoryRegion ram(long start, long size) {
        return new MemoryRegion(RegionKind.SYSTEM_RAM, start, size, null, 0);
    }

    public static MemoryRegion swiotlb(long start, long size) {
        return new MemoryRegion(RegionKind.SWIOTLB, start, size, null, 0);
    }

    public static MemoryRegion p2pBar(String provider, long start, long size, long busOffset) {
        return new MemoryRegion(RegionKind.P2P_BAR, start, size, provider, busOffset);
    }

    public static MemoryRegion mmio(String owner, long start, long size, long busOffset) {
        return new MemoryRegion(RegionKind.MMIO, start, size, owner, busOffset);
    }

    public long last() {
        return start + size - 1;
    }

    public boolean contains(long phys) {
        return Unsigned.within(phys, start, last());
    }

    public boolean containsRange(long phys, long len) {
        return Unsigned.fits(phys, len) && contains(phys) && contains(phys + len - 1);
    }

    /** First bus address of the range: {@code start + busOffset}. */
    public long busStart() {
        return start + busOffset;
    }

    public boolean containsBus(long bus) {
        return Unsigned.within(bus, busStart(), busStart() + size - 1);
    }

    @Override
    public String toString() {
        return kind + "[" + Unsigned.hex(start) + "-" + Unsigned.hex(last()) + "]"
                + (owner == null ? "" : " of " + owner)
                + (busOffset == 0 ? "" : " bus_offset=" + Unsigned.hex(busOffset));
    }
}
