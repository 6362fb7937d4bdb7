package org.dmacheck.trace;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code dmacheck trace FILE}: reads a recorded kernel DMA trace, checks it and prints the summary
 * and the findings. Exit 0 when clean (lost events alone are not bugs), 1 with driver bugs or
 * kernel inconsistencies. A malformed trace throws
 * {@link org.dmacheck.spec.op.TraceFormatException} ({@code file:line: ...}); an unreadable file an
 * {@link java.io.UncheckedIOException}.
 */
public final class TraceCheck {
    /** The IOMMU granule assumed when none is given: 4 KiB (x86 VT-d/AMD-Vi, most arm64 SMMU setups). */
    public static final long DEFAULT_GRANULE = 4096;

    private TraceCheck() {
    }

    /** Checks {@code file} with the default granule, printing to {@code out}; returns the exit code. */
    public static int run(Path file, PrintStream out) {
        return run(file, DEFAULT_GRANULE, out);
    }

    public static int run(Path file, long granule, PrintStream out) {
        TraceVerdict verdict = check(file, granule);
        verdict.print(out);
        return verdict.clean() ? 0 : 1;
    }

    /** Reads and checks {@code file}. */
    public static TraceVerdict check(Path file, long granule) {
        return TraceChecker.check(FtraceReader.read(file), granule);
    }
}
