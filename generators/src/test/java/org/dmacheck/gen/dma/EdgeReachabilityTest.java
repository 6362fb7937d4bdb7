package org.dmacheck.gen.dma;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.dmacheck.gen.ChoiceStream;
import org.dmacheck.spec.driver.Executed;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DomainConfig;
import org.dmacheck.spec.platform.MemoryRegion;
import org.dmacheck.spec.platform.PlatformConfig;
import org.dmacheck.spec.platform.RegionKind;
import org.dmacheck.spec.platform.Unsigned;
import org.junit.jupiter.api.Test;

/**
 * With a fixed set of seeds, every edge value {@code bug-classes.md} asks for appears: the knobs
 * reach them and no combination rule filters them out.
 */
class EdgeReachabilityTest {
    private static final long KIB = 1024;

    @Test
    void platformEdgesAppear() {
        Map<String, Predicate<PlatformConfig>> edges = new LinkedHashMap<>();
        edges.put("dma_mask 2^64-1", c -> anyDevice(c, d -> d.dmaMask() == Unsigned.MAX));
        edges.put("24-bit mask", c -> anyDevice(c, d -> d.dmaMask() == Unsigned.bitMask(24)));
        edges.put("bus_dma_limit near 2^64", c -> anyDevice(c, d -> d.busDmaLimit() == Unsigned.MAX - 1));
        edges.put("non-power-of-two bus limit", c -> anyDevice(c,
                d -> d.busDmaLimit() != 0 && !Unsigned.isPowerOfTwo(d.busDmaLimit() + 1)));
        edges.put("64 KiB granule", c -> c.domains().stream().anyMatch(d -> d.granule() == 64 * KIB));
        edges.put("16 KiB granule", c -> c.domains().stream().anyMatch(d -> d.granule() == 16 * KIB));
        edges.put("aperture ending at ~0UL", c -> c.domains().stream().anyMatch(d -> d.apertureEnd() == Unsigned.MAX));
        edges.put("10 MiB aperture at 0x1_F000_0000 (#25)",
                c -> c.domains().stream().anyMatch(d -> d.apertureStart() == 0x1_F000_0000L));
        edges.put("lazy domain", c -> c.domains().stream().anyMatch(DomainConfig::lazy));
        edges.put("min_align_mask 0xFFF", c -> anyDevice(c, d -> d.minAlignMask() == 0xFFF));
        edges.put("min_align_mask above granule - 1 with an IOMMU", c -> anyDevice(c,
                d -> d.iommuDomain() != null && granuleOf(c, d) > 0 && Unsigned.lt(granuleOf(c, d) - 1, d.minAlignMask())));
        edges.put("max_seg_size 0xFFFFFFFF", c -> anyDevice(c, d -> d.maxSegSize() == 0xFFFF_FFFFL));
        edges.put("seg boundary 64 KiB", c -> anyDevice(c, d -> d.segBoundaryMask() == 0xFFFF));
        edges.put("tiny swiotlb pool (one segment)", c -> c.swiotlbPool() != null && c.swiotlbPool().size() == 256 * KIB);
        edges.put("no swiotlb pool", c -> c.swiotlbPool() == null);
        edges.put("negative bus offset (bus below CPU)", c -> c.regions().stream().anyMatch(
                r -> r.kind() == RegionKind.P2P_BAR && Unsigned.lt(r.busStart(), r.start())));
        edges.put("positive bus offset", c -> c.regions().stream().anyMatch(
                r -> r.kind() == RegionKind.P2P_BAR && Unsigned.lt(r.start(), r.busStart())));
        edges.put("RPi4 dma_range_map (#31)", c -> anyDevice(c, d -> d.rangeMap().equals(DeviceGen.RPI4_RANGES)));
        edges.put("dma_range_map windows with a hole", c -> anyDevice(c, d -> d.rangeMap().size() > 1));
        edges.put("untrusted", c -> anyDevice(c, DeviceConfig::untrusted));
        edges.put("non-coherent", c -> anyDevice(c, d -> !d.coherent()));
        edges.put("swiotlb=force", c -> anyDevice(c, DeviceConfig::forceBounce));
        edges.put("three host bridges", c -> c.hostBridges().size() == 3);
        edges.put("switch with ACS redirect", c -> c.pciNodes().stream().anyMatch(n -> n.acsRedirect()));
        edges.put("MMIO resource", c -> c.regions().stream().anyMatch(r -> r.kind() == RegionKind.MMIO));
        edges.put("RAM at the top of the 64-bit space", c -> c.physAddressBits() == 64
                && c.regions().stream().anyMatch(r -> r.kind() == RegionKind.SYSTEM_RAM && r.last() == Unsigned.MAX));
        edges.put("64 KiB pages", c -> c.pageSize() == 64 * KIB);
        edges.put("no MSI window on x86", c -> !c.x86MsiWindow() && c.regions().stream().anyMatch(
                r -> r.kind() == RegionKind.SYSTEM_RAM && r.start() == Layout.X86.highRamStart()));

        List<String> missing = new ArrayList<>(edges.keySet());
        for (long seed = 0; seed < 400 && !missing.isEmpty(); seed++) {
            for (DmaProfile profile : DmaProfile.all()) {
                PlatformConfig c = DmaGens.platforms(profile).generate(ChoiceStream.searching(seed));
                missing.removeIf(name -> edges.get(name).test(c));
            }
        }
        assertThat(missing).as("edges never generated").isEmpty();
    }

    @Test
    void bufferEdgesAppear() {
        Map<String, Predicate<Step>> edges = new LinkedHashMap<>();
        edges.put("1 KiB buffer on a 64 KiB granule (class 4)", s -> s.map() != null && s.map().size() <= KIB
                && granuleOf(s.run().config(), s.dev()) == 64 * KIB);
        edges.put("one byte", s -> s.map() != null && s.map().size() == 1);
        edges.put("a full swiotlb segment", s -> s.map() != null && s.map().size() == 256 * KIB);
        edges.put("one byte over a segment", s -> s.map() != null && s.map().size() == 256 * KIB + 1);
        edges.put("offset 0x234 in its page", s -> s.map() != null && (s.map().phys() & 0xFFF) == 0x234);
        edges.put("last byte of a page", s -> s.map() != null
                && (s.map().phys() & (s.run().config().pageSize() - 1)) == s.run().config().pageSize() - 1);
        edges.put("ending at the device limit", s -> s.map() != null
                && s.map().phys() + s.map().size() - 1 == s.dev().streamingLimit());
        edges.put("crossing the device limit", s -> s.map() != null && Unsigned.le(s.map().phys(), s.dev().streamingLimit())
                && Unsigned.lt(s.dev().streamingLimit(), s.map().phys() + s.map().size() - 1));
        edges.put("above 4 GiB", s -> s.map() != null && Unsigned.lt(0xFFFF_FFFFL, s.map().phys()));
        edges.put("P2P BAR slice", s -> s.map() != null && s.run().platform().regionOf(s.map().phys()) != null
                && s.run().platform().regionOf(s.map().phys()).kind() == RegionKind.P2P_BAR);
        edges.put("sg of 17+ entries", s -> s.op() instanceof Op.MapSg m && m.entries().size() >= 17);
        edges.put("tick of 10 ms", s -> s.op() instanceof Op.Tick t && t.millis() == 10);

        List<String> missing = new ArrayList<>(edges.keySet());
        DmaProfile[] profiles = {DmaProfile.SINGLE_MAPS, DmaProfile.SWIOTLB_PRESSURE, DmaProfile.SG,
            DmaProfile.RESOURCE_P2P, DmaProfile.LAZY_FLUSH};
        for (long seed = 0; seed < 300 && !missing.isEmpty(); seed++) {
            for (DmaProfile profile : profiles) {
                Runs.Run run = Runs.search(profile, seed);
                for (Executed e : run.executed()) {
                    Step s = Step.of(run, e.op());
                    missing.removeIf(name -> edges.get(name).test(s));
                }
            }
        }
        assertThat(missing).as("buffer edges never generated").isEmpty();
    }

    record Step(Runs.Run run, Op op, Op.MapSingle map, DeviceConfig dev) {
        static Step of(Runs.Run run, Op op) {
            if (op instanceof Op.MapSingle m) {
                return new Step(run, op, m, run.platform().device(m.dev()));
            }
            return new Step(run, op, null, null);
        }
    }

    private static boolean anyDevice(PlatformConfig c, Predicate<DeviceConfig> p) {
        return c.devices().stream().anyMatch(p);
    }

    /** The granule of the device's dma-iommu domain, or 0. */
    private static long granuleOf(PlatformConfig c, DeviceConfig d) {
        for (DomainConfig dom : c.domains()) {
            if (dom.id().equals(d.iommuDomain()) && dom.type().usesDmaIommu()) {
                return dom.granule();
            }
        }
        return 0;
    }

    @SuppressWarnings("unused")
    private static MemoryRegion pool(PlatformConfig c) {
        return c.swiotlbPool();
    }
}
