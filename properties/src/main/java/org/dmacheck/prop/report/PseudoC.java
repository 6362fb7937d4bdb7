package org.dmacheck.prop.report;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.op.DmaTrace;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.DmaAttrs;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.Unsigned;

/**
 * Renders a counterexample as the driver code a kernel developer would write: the DMA-API calls
 * with their arguments, one per line, each followed by what it returned. Devices become
 * {@code dev0, dev1, ...}; handles keep their names (made C identifiers).
 */
public final class PseudoC {
    private final long pageSize;
    private final Map<DeviceId, String> devices = new LinkedHashMap<>();
    private final Map<String, DeviceId> owner = new HashMap<>();
    private final Map<String, HandleKind> kinds = new HashMap<>();
    private final Map<String, Long> coherentSize = new HashMap<>();

    private enum HandleKind { SINGLE, SG, IOVA, COHERENT }

    private PseudoC(long pageSize) {
        this.pageSize = pageSize;
    }

    /** The whole counterexample as a C function body with a header naming the devices. */
    public static String render(List<DmaTrace.Step> steps, long pageSize) {
        PseudoC c = new PseudoC(pageSize);
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < steps.size(); i++) {
            DmaTrace.Step s = steps.get(i);
            String line = c.statement(s.op());
            String outcome = s.result() == null ? "" : "  /* -> " + s.result() + " */";
            body.append("\t").append(line.replace("\n", "\n\t")).append(outcome)
                    .append("  /* step ").append(i + 1).append(" */\n");
        }
        StringBuilder out = new StringBuilder();
        out.append("/* Reproducer: the calls of the counterexample, in order. */\n");
        for (Map.Entry<DeviceId, String> d : c.devices.entrySet()) {
            out.append("struct device *").append(d.getValue()).append(";\t/* ").append(d.getKey()).append(" */\n");
        }
        out.append("\nstatic void reproduce(void)\n{\n").append(body).append("}\n");
        return out.toString();
    }

    private String statement(Op op) {
        if (op instanceof Op.MapSingle m) {
            return mapSingle(m);
        } else if (op instanceof Op.UnmapSingle u) {
            return unmapName(u.kind()) + "(" + devOf(u.handle()) + ", "
                    + plus(id(u.handle()), u.addrDelta()) + ", " + u.size() + ", " + dir(u.dir()) + ", "
                    + attrs(u.attrs()) + ");";
        } else if (op instanceof Op.UnmapUnknown u) {
            return unmapName(u.kind()) + "(" + dev(u.dev()) + ", " + hex(u.dmaAddr()) + ", "
                    + u.size() + ", " + dir(u.dir()) + ", " + attrs(u.attrs()) + ");\t/* an address no map returned */";
        } else if (op instanceof Op.MapSg m) {
            return mapSg(m);
        } else if (op instanceof Op.UnmapSg u) {
            return "dma_unmap_sg_attrs(" + devOf(u.handle()) + ", " + id(u.handle()) + ", "
                    + u.nents() + ", " + dir(u.dir()) + ", " + attrs(u.attrs()) + ");";
        } else if (op instanceof Op.SyncSingle s) {
            return syncSingle(s);
        } else if (op instanceof Op.SyncSg s) {
            return "dma_sync_sg_for_" + (s.forDevice() ? "device" : "cpu") + "(" + devOf(s.handle())
                    + ", " + id(s.handle()) + ", " + s.nents() + ", " + dir(s.dir()) + ");";
        } else if (op instanceof Op.IovaTryAlloc a) {
            return iovaTryAlloc(a);
        } else if (op instanceof Op.IovaLink l) {
            return "ret = dma_iova_link(" + devOf(l.handle()) + ", &" + id(l.handle()) + ", "
                    + hex(l.phys()) + ", " + hex(l.offset()) + ", " + l.size() + ", " + dir(l.dir()) + ", "
                    + attrs(l.attrs()) + ");";
        } else if (op instanceof Op.IovaSync s) {
            return "ret = dma_iova_sync(" + devOf(s.handle()) + ", &" + id(s.handle()) + ", "
                    + hex(s.offset()) + ", " + s.size() + ");";
        } else if (op instanceof Op.IovaUnlink u) {
            return "dma_iova_unlink(" + devOf(u.handle()) + ", &" + id(u.handle()) + ", "
                    + hex(u.offset()) + ", " + u.size() + ", " + dir(u.dir()) + ", " + attrs(u.attrs()) + ");";
        } else if (op instanceof Op.IovaFree f) {
            return "dma_iova_free(" + devOf(f.handle()) + ", &" + id(f.handle()) + ");";
        } else if (op instanceof Op.IovaDestroy d) {
            return "dma_iova_destroy(" + devOf(d.handle()) + ", &" + id(d.handle()) + ", "
                    + d.mappedLen() + ", " + dir(d.dir()) + ", " + attrs(d.attrs()) + ");";
        } else if (op instanceof Op.AllocCoherent a) {
            return allocCoherent(a);
        } else if (op instanceof Op.FreeCoherent f) {
            return "dma_free_attrs(" + devOf(f.handle()) + ", " + coherentSize.getOrDefault(f.handle(), 0L)
                    + ", " + id(f.handle()) + ", " + id(f.handle()) + "_dma, " + attrs(f.attrs()) + ");";
        } else if (op instanceof Op.CpuWrite w) {
            return "memcpy(phys_to_virt(" + hex(w.phys()) + "), pattern(" + w.pattern() + "), "
                    + w.len() + ");\t/* CPU write */";
        } else if (op instanceof Op.CpuRead r) {
            return "memcpy(buf, phys_to_virt(" + hex(r.phys()) + "), " + r.len() + ");\t/* CPU read */";
        } else if (op instanceof Op.DeviceWrite w) {
            return "/* device " + devOf(w.handle()) + " writes " + w.len() + " bytes of pattern("
                    + w.pattern() + ") at " + plus(segment(w.handle(), w.segment()), w.offset()) + " */";
        } else if (op instanceof Op.DeviceRead r) {
            return "/* device " + devOf(r.handle()) + " reads " + r.len() + " bytes at "
                    + plus(segment(r.handle(), r.segment()), r.offset()) + " */";
        } else if (op instanceof Op.Tick t) {
            return "msleep(" + t.millis() + ");\t/* flush-queue timer (IOVA_FQ_TIMEOUT) may fire */";
        }
        throw new IllegalArgumentException("unknown operation " + op);
    }

    private String mapSingle(Op.MapSingle m) {
        bind(m.handle(), m.dev(), HandleKind.SINGLE);
        String call = switch (m.kind()) {
            case PHYS -> "dma_map_phys(" + dev(m.dev()) + ", " + hex(m.phys()) + ", ";
            case PAGE -> "dma_map_page_attrs(" + dev(m.dev()) + ", phys_to_page(" + hex(Unsigned.alignDown(m.phys(), pageSize))
                    + "), " + hex(m.phys() & (pageSize - 1)) + ", ";
            case RESOURCE -> "dma_map_resource(" + dev(m.dev()) + ", " + hex(m.phys()) + ", ";
        };
        return "dma_addr_t " + id(m.handle()) + " = " + call + m.size() + ", " + dir(m.dir()) + ", " + attrs(m.attrs()) + ");";
    }

    private String mapSg(Op.MapSg m) {
        bind(m.handle(), m.dev(), HandleKind.SG);
        String sg = id(m.handle());
        StringBuilder b = new StringBuilder();
        b.append("struct scatterlist ").append(sg).append("[").append(m.entries().size()).append("];\n");
        b.append("sg_init_table(").append(sg).append(", ").append(m.entries().size()).append(");\n");
        for (int i = 0; i < m.entries().size(); i++) {
            Scatterlist.Chunk c = m.entries().get(i);
            b.append("sg_set_page(&").append(sg).append("[").append(i).append("], phys_to_page(")
                    .append(hex(Unsigned.alignDown(c.phys(), pageSize))).append("), ").append(c.length()).append(", ")
                    .append(hex(c.phys() & (pageSize - 1))).append(");\n");
        }
        b.append("int ").append(sg).append("_ents = dma_map_sg_attrs(").append(dev(m.dev())).append(", ").append(sg)
                .append(", ").append(m.entries().size()).append(", ").append(dir(m.dir())).append(", ")
                .append(attrs(m.attrs())).append(");");
        return b.toString();
    }

    private String syncSingle(Op.SyncSingle s) {
        String way = s.forDevice() ? "device" : "cpu";
        if (s.offset() == 0) {
            return "dma_sync_single_for_" + way + "(" + devOf(s.handle()) + ", " + id(s.handle()) + ", " + s.size()
                    + ", " + dir(s.dir()) + ");";
        }
        return "dma_sync_single_range_for_" + way + "(" + devOf(s.handle()) + ", " + id(s.handle()) + ", "
                + hex(s.offset()) + ", " + s.size() + ", " + dir(s.dir()) + ");";
    }

    private String iovaTryAlloc(Op.IovaTryAlloc a) {
        bind(a.handle(), a.dev(), HandleKind.IOVA);
        String st = id(a.handle());
        return "struct dma_iova_state " + st + " = {};\n"
                + "bool " + st + "_ok = dma_iova_try_alloc(" + dev(a.dev()) + ", &" + st + ", " + hex(a.phys()) + ", "
                + a.size() + ");";
    }

    private String allocCoherent(Op.AllocCoherent a) {
        bind(a.handle(), a.dev(), HandleKind.COHERENT);
        coherentSize.put(a.handle(), a.size());
        String h = id(a.handle());
        return "dma_addr_t " + h + "_dma;\nvoid *" + h + " = dma_alloc_attrs(" + dev(a.dev()) + ", " + a.size()
                + ", &" + h + "_dma, GFP_KERNEL, " + attrs(a.attrs()) + ");";
    }

    /** The device-visible address of segment {@code segment} of a handle, as C. */
    private String segment(String handle, int segment) {
        return switch (kinds.getOrDefault(handle, HandleKind.SINGLE)) {
            case SINGLE -> id(handle);
            case SG -> "sg_dma_address(&" + id(handle) + "[" + segment + "])";
            case IOVA -> id(handle) + ".addr";
            case COHERENT -> id(handle) + "_dma";
        };
    }

    private void bind(String handle, DeviceId dev, HandleKind kind) {
        owner.put(handle, dev);
        kinds.put(handle, kind);
        dev(dev);
    }

    private String devOf(String handle) {
        DeviceId d = owner.get(handle);
        return d == null ? "dev_of_" + id(handle) : dev(d);
    }

    private String dev(DeviceId d) {
        return devices.computeIfAbsent(d, k -> "dev" + devices.size());
    }

    private static String unmapName(Op.MapKind kind) {
        return switch (kind) {
            case PHYS -> "dma_unmap_phys";
            case PAGE -> "dma_unmap_page_attrs";
            case RESOURCE -> "dma_unmap_resource";
        };
    }

    /** A C identifier for a handle: letters, digits and underscores, not starting with a digit. */
    static String id(String handle) {
        String s = handle.replaceAll("[^A-Za-z0-9_]", "_");
        return s.isEmpty() || Character.isDigit(s.charAt(0)) ? "h" + s : s;
    }

    private static String plus(String base, long delta) {
        if (delta == 0) {
            return base;
        }
        return delta < 0 ? base + " - " + hex(-delta) : base + " + " + hex(delta);
    }

    private static String dir(Direction d) {
        return "DMA_" + d.name();
    }

    private static String attrs(long attrs) {
        if (attrs == 0) {
            return "0";
        }
        return "DMA_ATTR_" + DmaAttrs.describe(attrs).replace("|", " | DMA_ATTR_");
    }

    private static String hex(long x) {
        return Unsigned.hex(x);
    }
}
