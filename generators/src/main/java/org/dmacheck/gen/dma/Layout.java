package org.dmacheck.gen.dma;

/**
 * The physical address plan of a generated platform. RAM, the swiotlb pool, BAR CPU ranges and
 * BAR bus windows are kept apart so that no DMA address of RAM is also a peer's bus address (real
 * host bridges are configured that way: their memory windows do not alias {@code dma-ranges}).
 *
 * <pre>
 *   x86: RAM [1 MiB, 3 GiB) less the pool | hole [3 GiB, 4 GiB): BARs, bus windows, MSI | RAM [4 GiB, 256 GiB)
 *   arm: RAM [1 MiB, 1.75 GiB) less the pool | hole [1.75 GiB, 2 GiB) | RAM [2 GiB, 256 GiB) (no MSI window)
 * </pre>
 *
 * Above RAM: BAR CPU ranges from 256 GiB, and bus windows of BARs with a positive bus offset from
 * 1.5 TiB. The arm layout has RAM across the 4 GiB line, so 32-bit masks can be ended at and crossed.
 */
public enum Layout {
    X86(0xC000_0000L, 0xE000_0000L, 0xFE00_0000L, 0x1_0000_0000L),
    ARM(0x7000_0000L, 0x7800_0000L, 0x8000_0000L, 0x8000_0000L);

    /** First RAM byte: 1 MiB (physical address 0 is never RAM). */
    public static final long RAM_START = 0x10_0000L;
    /** End of the top RAM range: 256 GiB. */
    public static final long RAM_END = 0x40_0000_0000L;
    /** BAR CPU ranges above RAM start here. */
    public static final long HIGH_BARS = RAM_END;
    /** Bus windows of BARs with a positive bus offset start here (1.5 TiB). */
    public static final long POSITIVE_BUS = 0x180_0000_0000L;
    /** Default swiotlb pool start ({@code PlatformBuilder}'s): 1 GiB. */
    public static final long POOL_AT_1G = 0x4000_0000L;
    /** A low swiotlb pool start, reachable by 24-bit devices when small: 4 MiB. */
    public static final long POOL_LOW = 0x40_0000L;
    /** Where RAM resumes after a pool at 1 GiB of at most 64 MiB ({@code PlatformBuilder}'s layout). */
    public static final long RAM_AFTER_POOL_AT_1G = 0x4400_0000L;

    private final long holeStart;
    private final long holeMid;
    private final long holeEnd;
    private final long highRamStart;

    Layout(long holeStart, long holeMid, long holeEnd, long highRamStart) {
        this.holeStart = holeStart;
        this.holeMid = holeMid;
        this.holeEnd = holeEnd;
        this.highRamStart = highRamStart;
    }

    /** End of low RAM, start of the hole for BAR CPU ranges. */
    public long holeStart() {
        return holeStart;
    }

    /** Bus windows of BARs with a negative bus offset start here, up to {@link #holeEnd()}. */
    public long holeMid() {
        return holeMid;
    }

    public long holeEnd() {
        return holeEnd;
    }

    /** Start of the high RAM range, which ends at {@link #RAM_END}. */
    public long highRamStart() {
        return highRamStart;
    }
}
