package org.dmacheck.trace;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.dmacheck.trace.Finding.Kind;

/**
 * What {@link TraceChecker} concluded about one kernel trace: the findings by kind, the events per
 * kind and per device, what is live at the end and how DMA addresses were reused.
 */
public final class TraceVerdict {
    private final KernelTrace trace;
    private final List<Finding> findings;
    private final Map<String, TraceChecker.DeviceState> devices;
    private final Map<String, Integer> liveAtEnd;
    private final ReuseStats reuse;
    private final int liveIovaStates;

    TraceVerdict(KernelTrace trace, List<Finding> findings, Map<String, TraceChecker.DeviceState> devices,
                 Map<String, Integer> liveAtEnd, ReuseStats reuse, int liveIovaStates) {
        this.trace = trace;
        this.findings = findings.stream().sorted(java.util.Comparator.comparingInt(Finding::line)).toList();
        this.devices = devices;
        this.liveAtEnd = new TreeMap<>(liveAtEnd);
        this.reuse = reuse;
        this.liveIovaStates = liveIovaStates;
    }

    public List<Finding> findings() {
        return findings;
    }

    public List<Finding> findings(Kind kind) {
        return findings.stream().filter(f -> f.kind() == kind).toList();
    }

    /** No driver bug and no kernel inconsistency; lost events alone keep a trace clean. */
    public boolean clean() {
        return findings(Kind.DRIVER).isEmpty() && findings(Kind.KERNEL).isEmpty();
    }

    /** Mappings, sg lists and allocations live at the end of the trace. */
    public int liveAtEnd() {
        return liveAtEnd.values().stream().mapToInt(Integer::intValue).sum() + liveIovaStates;
    }

    public int distinctDmaAddresses() {
        return reuse.distinct();
    }

    public int reuses() {
        return reuse.reuses();
    }

    /** Prints the summary, then the findings grouped by kind, then the verdict line. */
    public void print(PrintStream out) {
        out.println("dmacheck trace " + trace.source());
        out.println("buffer: " + (trace.entriesWritten() < 0 ? "no entries-in-buffer/entries-written header"
                : trace.entriesInBuffer() + "/" + trace.entriesWritten() + " entries in buffer/written")
                + (trace.kprobeMisses().isEmpty() ? "" : ", kprobe misses " + trace.missedProbes()));
        out.println("events by kind:");
        new TreeMap<>(trace.eventCounts()).forEach((k, v) -> out.printf("  %-28s %d%n", k, v));
        out.println("events by device:");
        devices.forEach((name, d) -> {
            StringBuilder b = new StringBuilder();
            d.events.forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
            out.println("  " + name + (d.iommuPath ? " [iommu]" : "") + (d.forcedBounce ? " [swiotlb force]" : "") + ":" + b);
        });
        out.println("live at end: " + liveAtEnd() + describeLive());
        out.println("dma address reuse: " + reuse.render());
        for (Kind kind : Kind.values()) {
            List<Finding> of = findings(kind);
            out.println(title(kind) + " (" + of.size() + ")" + (of.isEmpty() ? "" : ":"));
            of.forEach(f -> out.println("  " + f.render()));
        }
        out.println(clean()
                ? "verdict: clean" + (findings(Kind.LOST).isEmpty() ? "" : " (" + findings(Kind.LOST).size()
                        + " lost-event findings are not bugs)")
                : "verdict: " + findings(Kind.DRIVER).size() + " driver bug(s), " + findings(Kind.KERNEL).size()
                        + " kernel inconsistenc(ies)");
    }

    private String describeLive() {
        Map<String, Integer> byType = new TreeMap<>(liveAtEnd);
        if (liveIovaStates > 0) {
            byType.put("iova", liveIovaStates);
        }
        return byType.isEmpty() ? "" : " " + byType;
    }

    private static String title(Kind kind) {
        return switch (kind) {
            case DRIVER -> "DRIVER BUGS (DMA-API contract, dma-debug checks)";
            case KERNEL -> "KERNEL INCONSISTENCIES (iommu/swiotlb/IOVA correlation)";
            case LOST -> "LOST EVENTS (incomplete trace, not bugs)";
        };
    }
}
