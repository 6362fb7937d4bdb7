package org.dmacheck.spec.op;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DmaRange;
import org.dmacheck.spec.platform.DomainConfig;
import org.dmacheck.spec.platform.HostBridge;
import org.dmacheck.spec.platform.IovaRange;
import org.dmacheck.spec.platform.MemoryRegion;
import org.dmacheck.spec.platform.PciNode;
import org.dmacheck.spec.platform.PlatformConfig;

/**
 * Writes a {@link DmaTrace} in the dmacheck trace text format, version {@value DmaTrace#VERSION}
 * ({@code docs/trace-format.md}). Every field is written, so a trace read back with
 * {@link TraceReader} is equal to the one written.
 */
public final class TraceWriter {
    private TraceWriter() {
    }

    /** The whole trace as text. */
    public static String write(DmaTrace trace) {
        StringBuilder out = new StringBuilder();
        out.append(DmaTrace.HEADER).append('\n');
        for (Map.Entry<String, String> e : trace.meta().entrySet()) {
            out.append("meta ").append(e.getKey());
            if (!e.getValue().isEmpty()) {
                out.append(' ').append(e.getValue());
            }
            out.append('\n');
        }
        platform(out, trace.platform());
        List<DmaTrace.Step> steps = trace.steps();
        for (int i = 0; i < steps.size(); i++) {
            out.append(i + 1).append(' ').append(op(steps.get(i).op()));
            if (steps.get(i).result() != null) {
                out.append(" => ").append(steps.get(i).result().strip());
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** Writes {@code trace} to {@code file} atomically (a temporary file renamed into place). */
    public static void write(DmaTrace trace, Path file) {
        Path dir = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            Files.writeString(tmp, write(trace), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write trace " + file + ": " + e.getMessage(), e);
        }
    }

    private static void platform(StringBuilder out, PlatformConfig p) {
        out.append("platform page_size=").append(TraceSyntax.hex(p.pageSize()))
                .append(" cache_line_size=").append(p.cacheLineSize())
                .append(" phys_address_bits=").append(p.physAddressBits())
                .append(" x86_msi_window=").append(p.x86MsiWindow())
                .append(" cpu_supports_p2p=").append(p.cpuSupportsP2p())
                .append(" swiotlb_areas=").append(p.swiotlbAreas())
                .append(" force_dac=").append(p.forceDac()).append('\n');
        for (MemoryRegion r : p.regions()) {
            out.append("region ").append(r.kind()).append(" start=").append(TraceSyntax.hex(r.start()))
                    .append(" size=").append(TraceSyntax.hex(r.size()));
            if (r.owner() != null) {
                out.append(" owner=").append(TraceSyntax.quote(r.owner()));
            }
            out.append(" bus_offset=").append(TraceSyntax.hex(r.busOffset())).append('\n');
        }
        for (HostBridge h : p.hostBridges()) {
            out.append("host_bridge ").append(TraceSyntax.quote(h.id()))
                    .append(" p2p_allow_listed=").append(h.p2pAllowListed())
                    .append(" require_same_host_bridge=").append(h.requireSameHostBridge()).append('\n');
        }
        for (PciNode n : p.pciNodes()) {
            out.append("pci_node ").append(TraceSyntax.quote(n.bdf())).append(" kind=").append(n.kind())
                    .append(" parent=").append(TraceSyntax.quote(n.parent()))
                    .append(" acs_redirect=").append(n.acsRedirect()).append('\n');
        }
        for (DomainConfig d : p.domains()) {
            out.append("domain ").append(TraceSyntax.quote(d.id())).append(" type=").append(d.type())
                    .append(" granule=").append(TraceSyntax.hex(d.granule()))
                    .append(" aperture_start=").append(TraceSyntax.hex(d.apertureStart()))
                    .append(" aperture_end=").append(TraceSyntax.hex(d.apertureEnd())).append('\n');
            for (IovaRange r : d.reserved()) {
                out.append("reserved ").append(TraceSyntax.quote(d.id()))
                        .append(" start=").append(TraceSyntax.hex(r.start()))
                        .append(" last=").append(TraceSyntax.hex(r.last()))
                        .append(" why=").append(TraceSyntax.quote(r.why() == null ? "" : r.why())).append('\n');
            }
        }
        for (DeviceConfig d : p.devices()) {
            out.append("device ").append(TraceSyntax.quote(d.id().name()))
                    .append(" dma_mask=").append(TraceSyntax.hex(d.dmaMask()))
                    .append(" coherent_mask=").append(TraceSyntax.hex(d.coherentMask()))
                    .append(" bus_dma_limit=").append(TraceSyntax.hex(d.busDmaLimit()))
                    .append(" range_map=").append(rangeMap(d.rangeMap()))
                    .append(" max_seg_size=").append(TraceSyntax.hex(d.maxSegSize()))
                    .append(" seg_boundary_mask=").append(TraceSyntax.hex(d.segBoundaryMask()))
                    .append(" min_align_mask=").append(TraceSyntax.hex(d.minAlignMask()))
                    .append(" coherent=").append(d.coherent())
                    .append(" untrusted=").append(d.untrusted())
                    .append(" force_bounce=").append(d.forceBounce());
            if (d.iommuDomain() != null) {
                out.append(" iommu_domain=").append(TraceSyntax.quote(d.iommuDomain()));
            }
            out.append('\n');
        }
    }

    private static String rangeMap(List<DmaRange> ranges) {
        return ranges.stream()
                .map(r -> TraceSyntax.hex(r.cpuStart()) + ":" + TraceSyntax.hex(r.dmaStart()) + ":" + TraceSyntax.hex(r.size()))
                .collect(Collectors.joining(","));
    }

    private static String entries(List<Scatterlist.Chunk> chunks) {
        return chunks.stream().map(c -> TraceSyntax.hex(c.phys()) + "+" + TraceSyntax.hex(c.length()))
                .collect(Collectors.joining(","));
    }

    /** One operation as it appears after its step number, e.g. {@code map_single handle=m1 dev=...}. */
    public static String op(Op op) {
        if (op instanceof Op.MapSingle o) {
            return "map_single handle=" + q(o.handle()) + " dev=" + q(o.dev().name()) + " kind=" + o.kind()
                    + " phys=" + h(o.phys()) + " size=" + h(o.size()) + " dir=" + o.dir().traceName() + attrs(o.attrs());
        }
        if (op instanceof Op.UnmapSingle o) {
            return "unmap_single handle=" + q(o.handle()) + " kind=" + o.kind()
                    + " addr_delta=" + TraceSyntax.signedHex(o.addrDelta()) + " size=" + h(o.size())
                    + " dir=" + o.dir().traceName() + attrs(o.attrs());
        }
        if (op instanceof Op.UnmapUnknown o) {
            return "unmap_unknown dev=" + q(o.dev().name()) + " kind=" + o.kind() + " dma_addr=" + h(o.dmaAddr())
                    + " size=" + h(o.size()) + " dir=" + o.dir().traceName() + attrs(o.attrs());
        }
        if (op instanceof Op.MapSg o) {
            return "map_sg handle=" + q(o.handle()) + " dev=" + q(o.dev().name()) + " entries=" + entries(o.entries())
                    + " dir=" + o.dir().traceName() + attrs(o.attrs());
        }
        if (op instanceof Op.UnmapSg o) {
            return "unmap_sg handle=" + q(o.handle()) + " nents=" + o.nents() + " dir=" + o.dir().traceName()
                    + attrs(o.attrs());
        }
        if (op instanceof Op.SyncSingle o) {
            return "sync_single handle=" + q(o.handle()) + " for=" + forWhom(o.forDevice())
                    + " offset=" + h(o.offset()) + " size=" + h(o.size()) + " dir=" + o.dir().traceName();
        }
        if (op instanceof Op.SyncSg o) {
            return "sync_sg handle=" + q(o.handle()) + " for=" + forWhom(o.forDevice()) + " nents=" + o.nents()
                    + " dir=" + o.dir().traceName();
        }
        return twoStepOrOther(op);
    }

    private static String twoStepOrOther(Op op) {
        if (op instanceof Op.IovaTryAlloc o) {
            return "iova_try_alloc handle=" + q(o.handle()) + " dev=" + q(o.dev().name()) + " phys=" + h(o.phys())
                    + " size=" + h(o.size());
        }
        if (op instanceof Op.IovaLink o) {
            return "iova_link handle=" + q(o.handle()) + " phys=" + h(o.phys()) + " offset=" + h(o.offset())
                    + " size=" + h(o.size()) + " dir=" + o.dir().traceName() + attrs(o.attrs());
        }
        if (op instanceof Op.IovaSync o) {
            return "iova_sync handle=" + q(o.handle()) + " offset=" + h(o.offset()) + " size=" + h(o.size());
        }
        if (op instanceof Op.IovaUnlink o) {
            return "iova_unlink handle=" + q(o.handle()) + " offset=" + h(o.offset()) + " size=" + h(o.size())
                    + " dir=" + o.dir().traceName() + attrs(o.attrs());
        }
        if (op instanceof Op.IovaFree o) {
            return "iova_free handle=" + q(o.handle());
        }
        if (op instanceof Op.IovaDestroy o) {
            return "iova_destroy handle=" + q(o.handle()) + " mapped_len=" + h(o.mappedLen())
                    + " dir=" + o.dir().traceName() + attrs(o.attrs());
        }
        if (op instanceof Op.AllocCoherent o) {
            return "alloc_coherent handle=" + q(o.handle()) + " dev=" + q(o.dev().name()) + " size=" + h(o.size())
                    + attrs(o.attrs());
        }
        if (op instanceof Op.FreeCoherent o) {
            return "free_coherent handle=" + q(o.handle()) + attrs(o.attrs());
        }
        return accessOrTime(op);
    }

    private static String accessOrTime(Op op) {
        if (op instanceof Op.CpuWrite o) {
            return "cpu_write phys=" + h(o.phys()) + " len=" + h(o.len()) + " pattern=" + o.pattern();
        }
        if (op instanceof Op.CpuRead o) {
            return "cpu_read phys=" + h(o.phys()) + " len=" + h(o.len());
        }
        if (op instanceof Op.DeviceWrite o) {
            return "device_write handle=" + q(o.handle()) + " segment=" + o.segment() + " offset=" + h(o.offset())
                    + " len=" + h(o.len()) + " pattern=" + o.pattern();
        }
        if (op instanceof Op.DeviceRead o) {
            return "device_read handle=" + q(o.handle()) + " segment=" + o.segment() + " offset=" + h(o.offset())
                    + " len=" + h(o.len());
        }
        if (op instanceof Op.Tick o) {
            return "tick millis=" + o.millis();
        }
        throw new IllegalArgumentException("no trace syntax for operation " + op);
    }

    private static String forWhom(boolean forDevice) {
        return forDevice ? "device" : "cpu";
    }

    private static String attrs(long attrs) {
        return " attrs=" + TraceSyntax.attrs(attrs);
    }

    private static String q(String s) {
        return TraceSyntax.quote(s);
    }

    private static String h(long v) {
        return TraceSyntax.hex(v);
    }
}
