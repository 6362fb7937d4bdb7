package org.dmacheck.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.dmacheck.spec.op.DmaTrace;
import org.dmacheck.spec.op.TraceFormatException;
import org.dmacheck.spec.op.TraceWriter;
import org.dmacheck.trace.FtraceReader;
import org.dmacheck.trace.KernelTrace;
import org.dmacheck.trace.TraceCheck;
import org.dmacheck.trace.TraceReplay;
import org.dmacheck.trace.TraceToOps;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code dmacheck trace FILE}: judges a recorded Linux DMA trace (docs/trace-capture.md). */
@Command(name = "trace", description = {
    "Check a recorded Linux DMA trace (ftrace text: dma:*, iommu:map/unmap, swiotlb:swiotlb_bounced,",
    "the dmacheck_* kprobes of tools/dmacheck-capture.sh) against the DMA-API contract.",
    "Exit 0 when clean (lost events alone are not bugs), 1 with driver bugs or kernel inconsistencies."})
final class TraceCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The trace file.")
    private Path file;

    @Option(names = "--granule", paramLabel = "BYTES", defaultValue = "4096",
            description = "IOMMU granule for the iommu:map correlation (default: ${DEFAULT-VALUE}).")
    private long granule;

    @Option(names = "--to-test", paramLabel = "OUT",
            description = "Also write the trace's calls as a dmacheck trace (docs/trace-format.md) for `dmacheck replay`.")
    private Path toTest;

    @Option(names = "--engine", paramLabel = "NAME", defaultValue = "reference",
            description = "With --to-test: replay the calls on this engine with every invariant checked (default: ${DEFAULT-VALUE}).")
    private String engine;

    @Override
    public Integer call() {
        if (!Files.isReadable(file)) {
            throw new UsageException("cannot read trace " + file);
        }
        PrintWriter out = spec.commandLine().getOut();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code;
        try {
            code = TraceCheck.run(file, granule, new PrintStream(bytes, true, StandardCharsets.UTF_8));
            if (toTest != null) {
                KernelTrace kernel = FtraceReader.read(file);
                DmaTrace ops = TraceToOps.convert(kernel);
                TraceWriter.write(ops, toTest);
                TraceReplay.Outcome replay = TraceReplay.run(ops, engine);
                bytes.writeBytes(("wrote " + ops.steps().size() + " steps on " + ops.platform().devices().size()
                        + " device(s) to " + toTest + "\n" + engine + ": " + replay.render() + "\n")
                        .getBytes(StandardCharsets.UTF_8));
                if (!replay.violations().isEmpty()) {
                    code = 1;
                }
            }
        } catch (TraceFormatException e) {
            throw new UsageException(e.getMessage());
        }
        out.print(bytes.toString(StandardCharsets.UTF_8));
        out.flush();
        return code;
    }
}
