package org.dmacheck.spec.op;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.DmaAttrs;
import org.dmacheck.spec.platform.DmaRange;
import org.dmacheck.spec.platform.DomainConfig;
import org.dmacheck.spec.platform.HostBridge;
import org.dmacheck.spec.platform.IommuDomainType;
import org.dmacheck.spec.platform.IovaRange;
import org.dmacheck.spec.platform.MemoryRegion;
import org.dmacheck.spec.platform.PciNode;
import org.dmacheck.spec.platform.PlatformConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceFormatTest {
    private static final DeviceId NVME = DeviceId.of("0000:01:00.0");
    private static final DeviceId GPU = DeviceId.of("0000:02:00.0");
    private static final DeviceId ODD = DeviceId.of("platform dev \"x\"=1");

    /** A platform in which every field differs from its default. */
    static PlatformConfig everyField() {
        return new PlatformConfig(0x4000, 128, 48,
                List.of(MemoryRegion.ram(0x100000, 0x3ff00000), MemoryRegion.swiotlb(0x40000000, 0x4000000),
                        MemoryRegion.p2pBar("0000:02:00.0", 0x8000000000L, 0x10000000, 0x1000000000L),
                        MemoryRegion.mmio("0000:01:00.0", 0xfe000000L, 0x4000, -0x1000),
                        MemoryRegion.mmio(null, 0xfed00000L, 0x1000, 0)),
                List.of(new HostBridge("hb0", true, false), new HostBridge("hb1", false, true)),
                List.of(new PciNode("0000:00:01.0", PciNode.Kind.ROOT_PORT, "hb0", true),
                        new PciNode("0000:03:00.0", PciNode.Kind.SWITCH_UPSTREAM, "0000:00:01.0", false),
                        new PciNode("0000:04:01.0", PciNode.Kind.SWITCH_DOWNSTREAM, "0000:03:00.0", true),
                        new PciNode("0000:01:00.0", PciNode.Kind.ENDPOINT, "0000:04:01.0", false),
                        new PciNode("0000:02:00.0", PciNode.Kind.ENDPOINT, "hb1", false)),
                List.of(new DomainConfig("dom lazy", IommuDomainType.DMA_FQ, 0x1000, 0x1000, 0xffffffffffL,
                                List.of(new IovaRange(0xfee00000L, 0xfeefffffL, "MSI window"),
                                        new IovaRange(0x0, 0xfff, "odd \"why\" \\ here"))),
                        new DomainConfig("strict", IommuDomainType.DMA, 0x4000, 0, -1L, List.of()),
                        DomainConfig.of("id", IommuDomainType.IDENTITY, 0x1000),
                        DomainConfig.of("blk", IommuDomainType.BLOCKED, 0x1000)),
                List.of(new DeviceConfig(NVME, 0xffffffffL, 0xffffffffffL, 0xfffffffffL,
                                List.of(new DmaRange(0, 0x80000000L, 0x40000000), new DmaRange(0x100000000L, 0, 0x1000)),
                                0x20000, 0xffffffffL, 0xfff, false, true, true, "dom lazy"),
                        DeviceConfig.builder(GPU.name()).masks(0xffffffffffffL).iommuDomain("strict").build(),
                        DeviceConfig.builder(ODD.name()).build()),
                true, true, 4, true);
    }

    /** One operation of every kind, with values that exercise signs, attribute names and quoting. */
    static List<Op> everyOp() {
        long attrs = DmaAttrs.SKIP_CPU_SYNC | DmaAttrs.MMIO | (1L << 12);
        return List.of(
                new Op.MapSingle("m1", NVME, Op.MapKind.PHYS, 0x12345678L, 0x1001, Direction.TO_DEVICE, 0),
                new Op.MapSingle("m2", GPU, Op.MapKind.PAGE, 0x7000, 0x10, Direction.FROM_DEVICE, DmaAttrs.NO_WARN),
                new Op.MapSingle("r 1", ODD, Op.MapKind.RESOURCE, 0xfe000000L, 0x100, Direction.BIDIRECTIONAL, attrs),
                new Op.UnmapSingle("m1", Op.MapKind.PHYS, 0, 0x1001, Direction.TO_DEVICE, 0),
                new Op.UnmapSingle("m2", Op.MapKind.RESOURCE, -0x10, 0x20, Direction.NONE, DmaAttrs.PRIVILEGED),
                new Op.UnmapUnknown(NVME, Op.MapKind.PAGE, 0xffffffffffffffffL, 0x1, Direction.FROM_DEVICE, 0),
                new Op.MapSg("s1", NVME, List.of(new Scatterlist.Chunk(0x1000, 0x200), new Scatterlist.Chunk(0x8000000000L, 0x1000)),
                        Direction.FROM_DEVICE, DmaAttrs.WEAK_ORDERING),
                new Op.SyncSg("s1", false, 2, Direction.FROM_DEVICE),
                new Op.SyncSg("s1", true, 1, Direction.TO_DEVICE),
                new Op.UnmapSg("s1", 2, Direction.FROM_DEVICE, 0),
                new Op.SyncSingle("r 1", true, 0x40, 0x20, Direction.BIDIRECTIONAL),
                new Op.SyncSingle("r 1", false, 0, 0x100, Direction.TO_DEVICE),
                new Op.IovaTryAlloc("st", NVME, 0x200400, 0x3000),
                new Op.IovaLink("st", 0x200400, 0x0, 0x1c00, Direction.TO_DEVICE, DmaAttrs.MMIO),
                new Op.IovaSync("st", 0, 0x1c00),
                new Op.IovaUnlink("st", 0x0, 0x1c00, Direction.TO_DEVICE, 0),
                new Op.IovaDestroy("st", 0x3000, Direction.TO_DEVICE, DmaAttrs.SKIP_CPU_SYNC),
                new Op.IovaFree("st"),
                new Op.AllocCoherent("c", GPU, 0x1a46, DmaAttrs.NO_WARN | DmaAttrs.FORCE_CONTIGUOUS),
                new Op.FreeCoherent("c", 0),
                new Op.CpuWrite(0x100000, 0x40, -7),
                new Op.CpuRead(0x100000, 0x40),
                new Op.DeviceWrite("m2", 1, 0x8, 0x8, 42),
                new Op.DeviceRead("r 1", 0, 0x0, 0x100),
                new Op.Tick(10));
    }

    @Test
    void everyOpKindAndEveryConfigFieldRoundTrips() {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("seed", "0x5eed");
        meta.put("choices", "3 0 17 255");
        meta.put("property", "singleMaps");
        meta.put("engine", "reference");
        meta.put("failure.invariant", "NoIovaOverlap");
        meta.put("failure.evidence", "[device address=0x1000] [step 7] # not a comment");
        meta.put("empty", "");
        List<Op> ops = everyOp();
        List<DmaTrace.Step> steps = ops.stream()
                .map(op -> new DmaTrace.Step(op, op instanceof Op.MapSingle ? "0xfffff000" : null)).toList();
        DmaTrace trace = new DmaTrace(meta, everyField(), steps);

        String text = TraceWriter.write(trace);
        DmaTrace back = TraceReader.read("rt.trace", text);

        assertThat(back).isEqualTo(trace);
        assertThat(back.meta().keySet()).containsExactlyElementsOf(meta.keySet());
        assertThat(TraceWriter.write(back)).isEqualTo(text);
    }

    @Test
    void everyOpVariantIsCoveredByTheRoundTrip() {
        Set<Class<?>> covered = everyOp().stream().map(Object::getClass).collect(Collectors.toSet());
        assertThat(covered).containsExactlyInAnyOrder(Op.class.getPermittedSubclasses());
    }

    @Test
    void writesKernelNamesAndHexAddresses() {
        DmaTrace trace = DmaTrace.of(everyField(), List.of(
                new Op.MapSingle("m1", NVME, Op.MapKind.PHYS, 0x12345678L, 0x1001, Direction.TO_DEVICE,
                        DmaAttrs.SKIP_CPU_SYNC | DmaAttrs.MMIO),
                new Op.UnmapSingle("m1", Op.MapKind.PHYS, -0x10, 0x1001, Direction.TO_DEVICE, 0)));
        String text = TraceWriter.write(trace);
        assertThat(text).startsWith("dmacheck-trace 1\n");
        assertThat(text).contains("\n1 map_single handle=m1 dev=0000:01:00.0 kind=PHYS phys=0x12345678 size=0x1001"
                + " dir=TO_DEVICE attrs=SKIP_CPU_SYNC|MMIO\n");
        assertThat(text).contains("\n2 unmap_single handle=m1 kind=PHYS addr_delta=-0x10 size=0x1001 dir=TO_DEVICE attrs=\n");
        assertThat(text).contains("device \"platform dev \\\"x\\\"=1\"");
        assertThat(text).contains("reserved \"dom lazy\" start=0xfee00000 last=0xfeefffff why=\"MSI window\"");
    }

    @Test
    void handWrittenTraceTakesLinuxDefaults() {
        String text = """
                # a worked example
                dmacheck-trace 1
                meta property hand written
                platform
                region SYSTEM_RAM start=0x100000 size=0x100000
                device nic dma_mask=0xffffffff   # a 32-bit device
                1 map_single handle=a dev=nic kind=PHYS phys=0x100200 size=512 dir=FROM_DEVICE attrs= => 0x100200
                2 unmap_single handle=a kind=PHYS addr_delta=0 size=0x200 dir=FROM_DEVICE attrs=0
                """;
        DmaTrace t = TraceReader.read("hand.trace", text);
        assertThat(t.meta()).containsEntry("property", "hand written");
        PlatformConfig p = t.platform();
        assertThat(p.pageSize()).isEqualTo(0x1000);
        assertThat(p.cacheLineSize()).isEqualTo(64);
        assertThat(p.swiotlbAreas()).isEqualTo(1);
        DeviceConfig nic = p.devices().get(0);
        assertThat(nic.dmaMask()).isEqualTo(0xffffffffL);
        // DeviceConfig.Builder defaults: 64-bit coherent mask, SZ_64K segments, no boundary.
        assertThat(nic.coherentMask()).isEqualTo(-1L);
        assertThat(nic.maxSegSize()).isEqualTo(0x10000);
        assertThat(nic.segBoundaryMask()).isEqualTo(-1L);
        assertThat(nic.coherent()).isTrue();
        assertThat(nic.iommuDomain()).isNull();
        assertThat(t.steps().get(0).result()).isEqualTo("0x100200");
        assertThat(t.ops().get(1)).isEqualTo(new Op.UnmapSingle("a", Op.MapKind.PHYS, 0, 0x200, Direction.FROM_DEVICE, 0));
    }

    @Test
    void readsAFileAndNamesItInErrors(@TempDir Path dir) throws Exception {
        DmaTrace trace = DmaTrace.of(everyField(), everyOp());
        Path f = dir.resolve("run.trace");
        TraceWriter.write(trace, f);
        assertThat(TraceReader.read(f)).isEqualTo(trace);

        Files.writeString(f, "dmacheck-trace 1\nplatform\n1 tick millis=soon\n");
        assertThatThrownBy(() -> TraceReader.read(f)).isInstanceOf(TraceFormatException.class)
                .hasMessage(f + ":3: millis=soon is not a number");
    }

    @Test
    void theExampleOfTheFormatDocumentReads() throws Exception {
        // docs/trace-format.md's example, copied verbatim into the test resources.
        Path example = Path.of(getClass().getResource("/traces/doc-example.trace").toURI());
        DmaTrace t = TraceReader.read(example);
        assertThat(t.meta()).containsEntry("failure.step", "2").containsEntry("choices", "3 0 17 255");
        assertThat(t.platform().domains().get(0).reserved())
                .containsExactly(new IovaRange(0xfee00000L, 0xfeefffffL, "MSI window"));
        assertThat(t.platform().regions().get(2).busOffset()).isEqualTo(0x1000000000L);
        assertThat(t.platform().devices().get(0).minAlignMask()).isEqualTo(0xfff);
        assertThat(t.ops().get(1)).isEqualTo(new Op.MapSg("s1", NVME,
                List.of(new Scatterlist.Chunk(0x300000, 0x200), new Scatterlist.Chunk(0x301000, 0x1000)),
                Direction.FROM_DEVICE, DmaAttrs.SKIP_CPU_SYNC));
        assertThat(t.steps().get(1).result()).isEqualTo("1");
        assertThat(t.steps().get(2).result()).isNull();
    }

    private static final String HEAD = "dmacheck-trace 1\nplatform\nregion SYSTEM_RAM start=0x1000 size=0x1000\n"
            + "device d\n";

    private static void assertMalformed(String text, String message) {
        assertThatThrownBy(() -> TraceReader.read("bad.trace", text))
                .isInstanceOf(TraceFormatException.class)
                .hasMessage(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void malformedTracesGetOneLineErrorsWithFileAndLine() {
        assertMalformed("", "bad.trace:1: empty trace: expected the header 'dmacheck-trace 1'");
        assertMalformed("dmacheck-trace 2\n", "bad.trace:1: trace format version 2 is not supported (this dmacheck reads version 1)");
        assertMalformed("# c\ndmacheck trace 1\n", "bad.trace:2: expected the header 'dmacheck-trace 1', got 'dmacheck trace 1'");
        assertMalformed("dmacheck-trace 1\nregion SYSTEM_RAM start=0 size=1\n", "bad.trace:2: no 'platform' line");
        assertMalformed(HEAD + "1 map_single handle=a dev=d kind=PHYS phys=0x1000 size=8 dir=UP attrs=",
                "bad.trace:5: dir=UP is not a DMA direction (BIDIRECTIONAL, TO_DEVICE, FROM_DEVICE, NONE)");
        assertMalformed(HEAD + "1 map_single handle=a dev=e kind=PHYS phys=0x1000 size=8 dir=TO_DEVICE attrs=",
                "bad.trace:5: dev=e is not a device of the platform");
        assertMalformed(HEAD + "1 map_single handle=a dev=d kind=PHYS phys=0x1000 size=8 dir=TO_DEVICE attrs=FAST",
                "bad.trace:5: attrs=FAST: unknown DMA attribute 'FAST'");
        assertMalformed(HEAD + "1 map_single handle=a dev=d kind=PHYS phys=0x1000 dir=TO_DEVICE attrs=",
                "bad.trace:5: missing field size=");
        assertMalformed(HEAD + "1 map_single handle=a dev=d kind=SG phys=0x1000 size=8 dir=TO_DEVICE attrs=",
                "bad.trace:5: kind=SG is not one of PHYS, PAGE, RESOURCE");
        assertMalformed(HEAD + "1 map_single handle=a dev=d kind=PHYS phys=0x1000 size=8 dir=TO_DEVICE attrs= colour=red",
                "bad.trace:5: unknown field colour=");
        assertMalformed(HEAD + "2 tick millis=1", "bad.trace:5: step number 2 out of order (expected 1)");
        assertMalformed(HEAD + "1 iova_free handle=st", "bad.trace:5: handle=st is not bound by an earlier step");
        assertMalformed(HEAD + "1 teleport", "bad.trace:5: unknown operation 'teleport'");
        assertMalformed(HEAD + "1 tick millis=1\ndevice e", "bad.trace:6: 'device' after the first step: the platform comes before the operations");
        assertMalformed(HEAD + "device x iommu_domain=nope", "bad.trace:5: device x is attached to unknown IOMMU domain 'nope'");
        assertMalformed(HEAD + "device x seg_boundary_mask=0x1000",
                "bad.trace:5: device x: seg_boundary_mask 0x1000 is not of the form 2^n-1");
        assertMalformed(HEAD + "reserved dom start=0 last=1 why=x",
                "bad.trace:5: reserved region of unknown domain 'dom' (define it with a 'domain' line first)");
        assertMalformed(HEAD + "domain q type=DMA granule=0x3000 aperture_start=0 aperture_end=0xffff",
                "bad.trace:5: IOMMU domain q: granule 0x3000 is not a power of two");
        assertMalformed(HEAD + "device y range_map=0x0:0x1000", "bad.trace:5: range_map window '0x0:0x1000' is not CPU_START:DMA_START:SIZE");
        assertMalformed(HEAD + "1 map_sg handle=s dev=d entries=0x1000 dir=TO_DEVICE attrs=",
                "bad.trace:5: entries: '0x1000' is not PHYS+LENGTH");
        assertMalformed(HEAD + "1 map_sg handle=s dev=d entries=0x1000+0 dir=TO_DEVICE attrs=",
                "bad.trace:5: entries: '0x1000+0' needs a length in 0x1..0xffffffff that does not wrap");
        assertMalformed(HEAD + "device \"unterminated", "bad.trace:5: unterminated quoted string");
        assertMalformed(HEAD + "1 tick millis=1 =>", "bad.trace:5: '=>' must be followed by the step's result");
        assertMalformed(HEAD + "bogus x=1", "bad.trace:5: unknown line kind 'bogus' (expected meta, platform, region,"
                + " host_bridge, pci_node, domain, reserved, device or a numbered step)");
        assertMalformed(HEAD + "platform", "bad.trace:5: second 'platform' line (first at line 2)");
        assertMalformed(HEAD + "1 tick millis=1 millis=2", "bad.trace:5: field 'millis' given twice");
    }
}
