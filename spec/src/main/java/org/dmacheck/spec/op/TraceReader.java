package org.dmacheck.spec.op;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.DmaRange;
import org.dmacheck.spec.platform.DomainConfig;
import org.dmacheck.spec.platform.HostBridge;
import org.dmacheck.spec.platform.IommuDomainType;
import org.dmacheck.spec.platform.IovaRange;
import org.dmacheck.spec.platform.MemoryRegion;
import org.dmacheck.spec.platform.PciNode;
import org.dmacheck.spec.platform.PlatformConfig;
import org.dmacheck.spec.platform.RegionKind;
import org.dmacheck.spec.platform.Unsigned;

/**
 * Reads the dmacheck trace text format ({@code docs/trace-format.md}). Anything wrong is a
 * {@link TraceFormatException} with a one-line {@code file:line: what is wrong} message.
 */
public final class TraceReader {
    private final String file;
    private final Map<String, String> meta = new LinkedHashMap<>();
    private final List<MemoryRegion> regions = new ArrayList<>();
    private final List<HostBridge> hostBridges = new ArrayList<>();
    private final List<PciNode> pciNodes = new ArrayList<>();
    private final Map<String, DomainConfig> domains = new LinkedHashMap<>();
    private final Map<String, DeviceConfig> devices = new LinkedHashMap<>();
    private final Set<String> handles = new HashSet<>();
    private final List<DmaTrace.Step> steps = new ArrayList<>();
    private TraceLine platformLine;

    private TraceReader(String file) {
        this.file = file;
    }

    /** Reads a trace file; the file name is used in error messages. */
    public static DmaTrace read(Path path) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read trace " + path + ": " + e.getMessage(), e);
        }
        return read(path.toString(), text);
    }

    /** Reads trace text; {@code file} names it in error messages. */
    public static DmaTrace read(String file, String text) {
        return new TraceReader(file).parse(text);
    }

    private DmaTrace parse(String text) {
        String[] lines = text.split("\r?\n", -1);
        boolean header = false;
        int last = 0;
        for (int i = 0; i < lines.length; i++) {
            String raw = lines[i];
            String stripped = raw.strip();
            if (stripped.isEmpty() || stripped.startsWith("#")) {
                continue;
            }
            last = i + 1;
            if (!header) {
                header(stripped, i + 1);
                header = true;
                continue;
            }
            if (stripped.startsWith("meta ") || stripped.equals("meta")) {
                meta(stripped, i + 1);
                continue;
            }
            line(new TraceLine(file, i + 1, raw));
        }
        if (!header) {
            throw new TraceFormatException(file, 1, "empty trace: expected the header '" + DmaTrace.HEADER + "'");
        }
        if (platformLine == null) {
            throw new TraceFormatException(file, last, "no 'platform' line");
        }
        return new DmaTrace(meta, platform(), steps);
    }

    private void header(String line, int number) {
        String[] parts = line.split("\\s+");
        if (parts.length != 2 || !parts[0].equals("dmacheck-trace")) {
            throw new TraceFormatException(file, number, "expected the header '" + DmaTrace.HEADER + "', got '" + line + "'");
        }
        if (!parts[1].equals(Integer.toString(DmaTrace.VERSION))) {
            throw new TraceFormatException(file, number, "trace format version " + parts[1]
                    + " is not supported (this dmacheck reads version " + DmaTrace.VERSION + ")");
        }
    }

    private void meta(String line, int number) {
        String rest = line.substring(4).strip();
        int space = rest.indexOf(' ');
        String key = space < 0 ? rest : rest.substring(0, space);
        String value = space < 0 ? "" : rest.substring(space + 1).strip();
        if (!key.matches("[A-Za-z0-9_.-]+")) {
            throw new TraceFormatException(file, number, "meta needs a key of letters, digits, '_', '.' or '-', got '" + key + "'");
        }
        if (meta.put(key, value) != null) {
            throw new TraceFormatException(file, number, "meta " + key + " given twice");
        }
    }

    private void line(TraceLine l) {
        String keyword = l.word(0, "a keyword");
        if (Character.isDigit(keyword.charAt(0))) {
            step(l, keyword);
            return;
        }
        if (!steps.isEmpty()) {
            throw l.fail("'" + keyword + "' after the first step: the platform comes before the operations");
        }
        switch (keyword) {
            case "platform" -> platformLine(l);
            case "region" -> region(l);
            case "host_bridge" -> hostBridge(l);
            case "pci_node" -> pciNode(l);
            case "domain" -> domain(l);
            case "reserved" -> reserved(l);
            case "device" -> device(l);
            default -> throw l.fail("unknown line kind '" + keyword + "' (expected meta, platform, region,"
                    + " host_bridge, pci_node, domain, reserved, device or a numbered step)");
        }
        if (l.result() != null) {
            throw l.fail("only steps carry a '=> result'");
        }
        l.finish();
    }

    private void platformLine(TraceLine l) {
        if (platformLine != null) {
            throw l.fail("second 'platform' line (first at line " + platformLine.number() + ")");
        }
        l.expectWords(1);
        platformLine = l;
        platform();
    }

    /** Defaults follow a typical x86-64 machine: 4 KiB pages, 64-byte lines, 52 physical address bits. */
    private PlatformConfig platform() {
        TraceLine l = platformLine;
        return new PlatformConfig(l.u64("page_size", 0x1000), l.int32("cache_line_size", 64),
                l.int32("phys_address_bits", 52), regions, hostBridges, pciNodes,
                new ArrayList<>(domains.values()), new ArrayList<>(devices.values()),
                l.bool("x86_msi_window", false), l.bool("cpu_supports_p2p", false), l.int32("swiotlb_areas", 1),
                l.bool("force_dac", false));
    }

    private void region(TraceLine l) {
        RegionKind kind = l.enumValue("region kind", l.word(1, "region kind"), RegionKind.class);
        l.expectWords(2);
        try {
            regions.add(new MemoryRegion(kind, l.u64("start"), l.u64("size"), l.optionalText("owner"),
                    l.u64("bus_offset", 0)));
        } catch (IllegalArgumentException e) {
            throw l.fail(e.getMessage());
        }
    }

    private void hostBridge(TraceLine l) {
        String id = l.word(1, "host bridge id");
        l.expectWords(2);
        hostBridges.add(new HostBridge(id, l.bool("p2p_allow_listed"), l.bool("require_same_host_bridge")));
    }

    private void pciNode(TraceLine l) {
        String bdf = l.word(1, "PCI node BDF");
        l.expectWords(2);
        pciNodes.add(new PciNode(bdf, l.enumField("kind", PciNode.Kind.class), l.text("parent"),
                l.bool("acs_redirect", false)));
    }

    private void domain(TraceLine l) {
        String id = l.word(1, "domain id");
        l.expectWords(2);
        if (domains.containsKey(id)) {
            throw l.fail("domain " + id + " defined twice");
        }
        try {
            domains.put(id, new DomainConfig(id, l.enumField("type", IommuDomainType.class), l.u64("granule"),
                    l.u64("aperture_start"), l.u64("aperture_end"), List.of()));
        } catch (IllegalArgumentException e) {
            throw l.fail(e.getMessage());
        }
    }

    private void reserved(TraceLine l) {
        String id = l.word(1, "domain id");
        l.expectWords(2);
        DomainConfig d = domains.get(id);
        if (d == null) {
            throw l.fail("reserved region of unknown domain '" + id + "' (define it with a 'domain' line first)");
        }
        List<IovaRange> reserved = new ArrayList<>(d.reserved());
        try {
            reserved.add(new IovaRange(l.u64("start"), l.u64("last"), l.text("why")));
        } catch (IllegalArgumentException e) {
            throw l.fail(e.getMessage());
        }
        domains.put(id, new DomainConfig(id, d.type(), d.granule(), d.apertureStart(), d.apertureEnd(), reserved));
    }

    /** Missing fields take Linux's defaults ({@link DeviceConfig.Builder}). */
    private void device(TraceLine l) {
        String name = l.word(1, "device name");
        l.expectWords(2);
        if (devices.containsKey(name)) {
            throw l.fail("device " + name + " defined twice");
        }
        DeviceConfig defaults = DeviceConfig.builder(name).build();
        String domain = l.optionalText("iommu_domain");
        if (domain != null && !domains.containsKey(domain)) {
            throw l.fail("device " + name + " is attached to unknown IOMMU domain '" + domain + "'");
        }
        try {
            devices.put(name, new DeviceConfig(defaults.id(), l.u64("dma_mask", defaults.dmaMask()),
                    l.u64("coherent_mask", defaults.coherentMask()), l.u64("bus_dma_limit", 0),
                    l.has("range_map") ? rangeMap(l) : List.of(),
                    l.u64("max_seg_size", defaults.maxSegSize()),
                    l.u64("seg_boundary_mask", defaults.segBoundaryMask()), l.u64("min_align_mask", 0),
                    l.bool("coherent", true), l.bool("untrusted", false), l.bool("force_bounce", false), domain));
        } catch (IllegalArgumentException e) {
            throw l.fail(e.getMessage());
        }
    }

    private List<DmaRange> rangeMap(TraceLine l) {
        String v = l.text("range_map");
        List<DmaRange> out = new ArrayList<>();
        if (v.isEmpty()) {
            return out;
        }
        for (String w : v.split(",", -1)) {
            String[] p = w.split(":", -1);
            if (p.length != 3) {
                throw l.fail("range_map window '" + w + "' is not CPU_START:DMA_START:SIZE");
            }
            out.add(new DmaRange(num(l, "range_map", p[0]), num(l, "range_map", p[1]), num(l, "range_map", p[2])));
        }
        return out;
    }

    private static long num(TraceLine l, String key, String v) {
        try {
            return v.startsWith("0x") ? Long.parseUnsignedLong(v.substring(2), 16) : Long.parseUnsignedLong(v);
        } catch (NumberFormatException e) {
            throw l.fail(key + ": '" + v + "' is not a number");
        }
    }

    private void step(TraceLine l, String number) {
        String expected = Integer.toString(steps.size() + 1);
        if (!number.equals(expected)) {
            throw l.fail("step number " + number + " out of order (expected " + expected + ")");
        }
        if (platformLine == null) {
            throw l.fail("step before the 'platform' line");
        }
        String name = l.word(1, "an operation after the step number");
        l.expectWords(2);
        Op op;
        try {
            op = OpSyntax.parse(name, l, this::knownDevice, this::boundHandle);
        } catch (IllegalArgumentException e) {
            throw l.fail(name + ": " + e.getMessage());
        }
        l.finish();
        String handle = OpSyntax.binds(op);
        if (handle != null) {
            handles.add(handle);
        }
        steps.add(new DmaTrace.Step(op, l.result()));
    }

    private DeviceId knownDevice(TraceLine l) {
        String name = l.text("dev");
        if (!devices.containsKey(name)) {
            throw l.fail("dev=" + name + " is not a device of the platform");
        }
        return DeviceId.of(name);
    }

    private String boundHandle(TraceLine l) {
        String h = l.text("handle");
        if (!handles.contains(h)) {
            throw l.fail("handle=" + h + " is not bound by an earlier step");
        }
        return h;
    }

    static List<Scatterlist.Chunk> entries(TraceLine l) {
        String v = l.text("entries");
        List<Scatterlist.Chunk> out = new ArrayList<>();
        for (String w : v.split(",", -1)) {
            int plus = w.indexOf('+');
            if (plus < 0) {
                throw l.fail("entries: '" + w + "' is not PHYS+LENGTH");
            }
            long phys = num(l, "entries", w.substring(0, plus));
            long length = num(l, "entries", w.substring(plus + 1));
            if (length <= 0 || length > 0xFFFF_FFFFL || !Unsigned.fits(phys, length)) {
                // struct scatterlist: length is an unsigned int and the entry may not wrap
                throw l.fail("entries: '" + w + "' needs a length in 0x1..0xffffffff that does not wrap");
            }
            out.add(new Scatterlist.Chunk(phys, length));
        }
        return out;
    }
}
