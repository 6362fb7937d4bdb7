package org.dmacheck.gen.dma;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.dmacheck.gen.ChoiceStream;
import org.dmacheck.gen.Gen;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.DomainConfig;
import org.dmacheck.spec.platform.HostBridge;
import org.dmacheck.spec.platform.MemoryRegion;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.platform.PlatformBuilder;
import org.dmacheck.spec.platform.PlatformConfig;
import org.dmacheck.spec.platform.RegionKind;
import org.dmacheck.spec.platform.Unsigned;

/**
 * Generates whole platforms ({@link PlatformConfig}) for a {@link DmaProfile}, in this order: page
 * size and address layout ({@link Layout}), the swiotlb pool, the PCI tree (1–3 host bridges,
 * allow-listed or not; root ports; switches whose downstream ports may redirect with ACS), the role
 * of each endpoint (DMA client, P2P provider, or both), platform (non-PCI) devices, the devices' DMA
 * parameters and IOMMU domains ({@link DeviceGen}), P2P BARs with zero, positive and negative bus
 * offsets, MMIO resources, and finally RAM windows around device limits that RAM does not reach
 * (so buffers can end at a mask and cross it).
 *
 * <p>The all-zero choice list gives the simplest platform: 4 KiB pages, the x86 layout with a
 * 64 MiB swiotlb pool at 1 GiB, one host bridge (not allow-listed) with one root port and one
 * endpoint below it, which is a coherent 64-bit DMA client without IOMMU. Every choice list gives a
 * platform that {@link Platform#build} accepts.
 */
public final class PlatformGen implements Gen<PlatformConfig> {
    /** What a PCI endpoint is used for. */
    public enum Role { CLIENT, PROVIDER, BOTH }

    /** Sign of a BAR's bus offset (PCI bus address minus CPU address). */
    public enum BusOffset { ZERO, NEGATIVE, POSITIVE }

    private static final long KIB = 1024;
    private static final long MIB = KIB * KIB;
    /** {@code IO_TLB_SEGSIZE * IO_TLB_SIZE}: 128 slots of 2 KiB. */
    public static final long SWIOTLB_SEGMENT = 128 * 2048;
    /** Half the size of a RAM window put around a device limit. */
    private static final long LIMIT_WINDOW = 4 * MIB;
    private static final int DEFAULT_PHYS_BITS = 52;

    public static final Knob<Long> PAGE_SIZE = Knob.of("PAGE_SIZE", List.of(4 * KIB, 16 * KIB, 64 * KIB), 8, 1, 1);
    public static final Knob<Layout> LAYOUT = Knob.of("layout", List.of(Layout.values()), 1, 1);
    public static final Knob<Integer> CACHE_LINE = Knob.of("cache line", List.of(64, 128), 3, 1);
    /** swiotlb pool size in segments: 256 (64 MiB, the default) first, 0 = no pool. */
    public static final Knob<Integer> SWIOTLB_SEGMENTS = Knob.of("swiotlb segments",
            List.of(256, 1, 2, 4, 16, 32, 0), 6, 1, 1, 1, 1, 1, 0.3);
    public static final Knob<Boolean> POOL_LOW = Knob.flag("swiotlb pool at 4 MiB", 3, 1);
    public static final Knob<Integer> SWIOTLB_AREAS = Knob.of("swiotlb areas", List.of(1, 2, 4), 4, 1, 1);
    public static final Knob<Boolean> NO_MSI_WINDOW = Knob.flag("x86 without MSI window", 4, 1);
    public static final Knob<Boolean> CPU_P2P = Knob.flag("cpu_supports_p2pdma", 4, 1);
    public static final Knob<Boolean> FORCE_DAC = Knob.flag("iommu.forcedac", 4, 1);
    /** RAM at the top of the 64-bit space (physAddressBits 64), for limits near 2^64. */
    public static final Knob<Boolean> TOP_RAM = Knob.flag("RAM ending at 2^64-1", 3, 1);

    public static final Knob<Integer> HOST_BRIDGES = Knob.of("host bridges", List.of(1, 2, 3), 6, 3, 1);
    public static final Knob<Boolean> ALLOW_LISTED = Knob.flag("host bridge allow-listed", 1, 1);
    public static final Knob<Boolean> SAME_HOST_BRIDGE_ONLY = Knob.flag("REQ_SAME_HOST_BRIDGE", 9, 1);
    public static final Knob<Integer> ROOT_PORTS = Knob.of("root ports", List.of(1, 2), 2, 1);
    public static final Knob<Boolean> SWITCH = Knob.flag("switch below the root port", 1, 1);
    public static final Knob<Integer> DOWNSTREAM_PORTS = Knob.of("downstream ports", List.of(1, 2, 3), 1, 2, 1);
    public static final Knob<Boolean> ACS_REDIRECT = Knob.flag("ACS redirect", 3, 1);
    public static final Knob<Role> ROLE = Knob.of("endpoint role", List.of(Role.values()), 3, 1, 1);
    public static final Knob<Integer> PLATFORM_DEVICES = Knob.of("platform devices", List.of(0, 1, 2), 4, 1, 0.5);
    public static final Knob<BusOffset> BAR_OFFSET = Knob.of("BAR bus offset", List.of(BusOffset.values()), 2, 1, 1);
    public static final Knob<Boolean> BAR_HIGH = Knob.flag("BAR above RAM", 1, 1);
    /**
     * Whether a BAR's bus window may end above the lowest limit of the PCI clients. Mostly not: Linux
     * does not check a bus address against the client's mask, the reference engine refuses it
     * ({@code -EREMOTEIO}), so an unreachable window only exercises the refusal.
     */
    public static final Knob<Boolean> BAR_BEYOND_REACH = Knob.flag("BAR bus window beyond a client's limit", 4, 1);
    public static final Knob<Long> BAR_SIZE = Knob.of("BAR size", List.of(16 * MIB, MIB), 1, 1);
    public static final Knob<Integer> MMIO_RESOURCES = Knob.of("MMIO resources", List.of(0, 1, 2), 2, 1, 1);
    /** Size of an MMIO resource (a register block or doorbell). */
    public static final long MMIO_SIZE = 64 * KIB;

    private final DmaProfile profile;

    PlatformGen(DmaProfile profile) {
        this.profile = Objects.requireNonNull(profile, "profile");
    }

    @Override
    public PlatformConfig generate(ChoiceStream in) {
        DmaProfile p = profile;
        long pageSize = PAGE_SIZE.draw(in, p);
        Layout layout = LAYOUT.draw(in, p);
        PlatformBuilder b = Platform.builder().noDefaultRam().pageSize(pageSize).cacheLineSize(CACHE_LINE.draw(in, p));
        List<MemoryRegion> regions = new ArrayList<>();
        memory(in, p, layout, b, regions);
        b.x86MsiWindow(layout == Layout.X86 && !NO_MSI_WINDOW.draw(in, p));
        b.cpuSupportsP2p(CPU_P2P.draw(in, p));
        b.forceDac(FORCE_DAC.draw(in, p));

        PciTree tree = PciTree.generate(in, p, b);
        List<DomainConfig> domains = new ArrayList<>();
        List<DeviceConfig> devices = new ArrayList<>();
        for (String bdf : tree.clients()) {
            devices.add(DeviceGen.generate(in, p, DeviceId.of(bdf), true, pageSize, domains));
        }
        int platformDevices = PLATFORM_DEVICES.draw(in, p);
        for (int i = 0; i < platformDevices; i++) {
            devices.add(DeviceGen.generate(in, p, DeviceId.of("platform" + i), false, pageSize, domains));
        }
        domains.forEach(b::domain);
        devices.forEach(b::device);

        BusPlan bus = new BusPlan(layout);
        long reach = Unsigned.MAX;
        for (DeviceConfig d : devices.subList(0, tree.clients().size())) {
            reach = Unsigned.min(reach, d.streamingLimit());
        }
        for (String provider : tree.providers()) {
            MemoryRegion bar = bus.bar(in, p, provider, reach);
            regions.add(bar);
            b.region(bar);
        }
        int mmio = MMIO_RESOURCES.draw(in, p);
        for (int i = 0; i < mmio; i++) {
            // owner 0 = a non-PCI resource; otherwise an endpoint's register block
            int owner = in.drawIndex(tree.endpoints().size() + 1);
            MemoryRegion r = bus.mmio(owner == 0 ? null : tree.endpoints().get(owner - 1));
            regions.add(r);
            b.region(r);
        }
        boolean topRam = limitWindows(in, p, devices, regions, b);
        b.physAddressBits(topRam ? 64 : DEFAULT_PHYS_BITS);
        return b.config();
    }

    /** RAM ranges and the swiotlb pool, carved out of low RAM. */
    private static void memory(ChoiceStream in, DmaProfile p, Layout layout, PlatformBuilder b,
                               List<MemoryRegion> regions) {
        int segments = SWIOTLB_SEGMENTS.draw(in, p);
        long lowEnd = layout.holeStart();
        if (segments == 0) {
            b.noSwiotlb();
            addRam(b, regions, Layout.RAM_START, lowEnd);
        } else {
            long size = segments * SWIOTLB_SEGMENT;
            long start = POOL_LOW.draw(in, p) ? Layout.POOL_LOW : Layout.POOL_AT_1G;
            int areas = SWIOTLB_AREAS.draw(in, p);
            // swiotlb_adjust_nareas(): every area keeps at least one segment
            b.swiotlbAreas(Math.min(areas, Integer.highestOneBit(segments)));
            b.swiotlbPool(start, size);
            regions.add(MemoryRegion.swiotlb(start, size));
            long resume = start == Layout.POOL_AT_1G ? Layout.RAM_AFTER_POOL_AT_1G : Unsigned.alignUp(start + size, MIB);
            addRam(b, regions, Layout.RAM_START, start);
            addRam(b, regions, resume, lowEnd);
        }
        addRam(b, regions, layout.highRamStart(), Layout.RAM_END);
    }

    private static void addRam(PlatformBuilder b, List<MemoryRegion> regions, long start, long end) {
        if (Unsigned.lt(start, end)) {
            b.ram(start, end - start);
            regions.add(MemoryRegion.ram(start, end - start));
        }
    }

    /**
     * Adds RAM around each device limit (streaming and coherent) that RAM does not already straddle:
     * the MiB holding the limit's last byte, 4 MiB below it and 4 MiB above (clipped at 2^64),
     * minus what is already RAM; pieces that would touch the pool, a BAR, an MMIO resource or a bus
     * window are left out. Limits above the 52-bit space get RAM only when {@link #TOP_RAM} says so.
     *
     * @return whether RAM above the 52-bit space was added (the platform then has 64 physical bits)
     */
    private static boolean limitWindows(ChoiceStream in, DmaProfile p, List<DeviceConfig> devices,
                                        List<MemoryRegion> regions, PlatformBuilder b) {
        Boolean topRam = null;
        List<Long> limits = new ArrayList<>();
        for (DeviceConfig d : devices) {
            limits.add(d.streamingLimit());
            limits.add(d.coherentLimit());
        }
        long top52 = Unsigned.bitMask(DEFAULT_PHYS_BITS);
        for (long limit : limits) {
            long mib = Unsigned.alignDown(limit, MIB);
            long first = Unsigned.lt(mib, LIMIT_WINDOW) ? MIB : mib - LIMIT_WINDOW;
            long last = Unsigned.lt(Unsigned.MAX - mib, LIMIT_WINDOW + MIB) ? Unsigned.MAX : mib + LIMIT_WINDOW + MIB - 1;
            if (Unsigned.lt(top52, last)) {
                if (topRam == null) {
                    topRam = TOP_RAM.draw(in, p);
                }
                if (!topRam) {
                    continue;
                }
            }
            for (long[] piece : uncovered(first, last, regions)) {
                if (clear(piece[0], piece[1], regions)) {
                    long size = piece[1] - piece[0] + 1;
                    b.ram(piece[0], size);
                    regions.add(MemoryRegion.ram(piece[0], size));
                }
            }
        }
        return topRam != null && topRam;
    }

    /** The parts of {@code [first, last]} not covered by RAM, as inclusive {start, last} pairs. */
    private static List<long[]> uncovered(long first, long last, List<MemoryRegion> regions) {
        List<long[]> pieces = new ArrayList<>();
        pieces.add(new long[] {first, last});
        for (MemoryRegion r : regions) {
            if (r.kind() != RegionKind.SYSTEM_RAM) {
                continue;
            }
            List<long[]> next = new ArrayList<>();
            for (long[] piece : pieces) {
                if (!Unsigned.overlaps(piece[0], piece[1], r.start(), r.last())) {
                    next.add(piece);
                    continue;
                }
                if (Unsigned.lt(piece[0], r.start())) {
                    next.add(new long[] {piece[0], r.start() - 1});
                }
                if (Unsigned.lt(r.last(), piece[1])) {
                    next.add(new long[] {r.last() + 1, piece[1]});
                }
            }
            pieces = next;
        }
        return pieces;
    }

    /** Whether {@code [first, last]} touches no non-RAM region, CPU side or bus side. */
    private static boolean clear(long first, long last, List<MemoryRegion> regions) {
        for (MemoryRegion r : regions) {
            if (r.kind() == RegionKind.SYSTEM_RAM) {
                continue;
            }
            if (Unsigned.overlaps(first, last, r.start(), r.last())) {
                return false;
            }
            if (r.kind() != RegionKind.SWIOTLB
                    && Unsigned.overlaps(first, last, r.busStart(), r.busStart() + r.size() - 1)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String describe() {
        return "platforms(" + profile.name() + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
