package org.dmacheck.bench;

import java.util.concurrent.TimeUnit;
import org.dmacheck.spec.invariant.Checker;
import org.dmacheck.spec.invariant.InvariantSet;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Are the spec's invariants incremental? A {@link Checker} with every invariant
 * ({@link InvariantSet#all()}), driven exactly as the harness's {@code CaseRun} drives it (one
 * {@link Checker#step} per operation, on the reference engine), first holds {@code live} single
 * mappings on one path, then measures judged steps that leave that state as it was. The engine's
 * own share is {@link EngineScalingBench}; what a step costs beyond it is the driver, the ledger
 * and the invariants. Unlike {@code CaseRun} no per-call timer wraps the engine (it would add a
 * thread hand-off to every call).
 *
 * <p>A step that breaks an invariant or is skipped fails the benchmark.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx6g")
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class InvariantScalingBench {
    private static final Direction DIR = Direction.BIDIRECTIONAL;
    private static final String PROBE = "probe";
    /** The background mapping the device-access benchmarks use. */
    private static final String FIRST = "live0";

    /** A checked run holding {@code live} mappings of {@code path}. */
    @State(Scope.Thread)
    public static class CheckedRun {
        @Param({"100", "10000", "100000"})
        public int live;

        /** {@code iommu-strict}, {@code direct} or {@code swiotlb} (forced bounce). */
        @Param({"iommu-strict", "direct", "swiotlb"})
        public String path;

        Checker checker;
        DeviceId dev;
        long size;
        Op.MapSingle map;
        Op.UnmapSingle unmap;
        Op.DeviceWrite deviceWrite;
        Op.DeviceRead deviceRead;
        Op.UnmapUnknown unmapUnknown;
        /** Whether the measured steps make the engine warn (misuse does). */
        boolean warns;
        private ScalingMachine machine;

        @Setup(Level.Trial)
        public void setUp() {
            switch (path) {
                case "iommu-strict" -> {
                    dev = ScalingMachine.STRICT;
                    size = EngineScalingBench.PAGE;
                }
                case "direct" -> {
                    dev = ScalingMachine.DIRECT;
                    size = EngineScalingBench.PAGE;
                }
                case "swiotlb" -> {
                    dev = ScalingMachine.BOUNCE;
                    size = EngineScalingBench.SMALL;
                }
                default -> throw new IllegalArgumentException("path " + path
                        + " is not one of iommu-strict, direct, swiotlb");
            }
            machine = ScalingMachine.build(live);
            checker = new Checker(machine.platform, machine.engine, InvariantSet.all());
            for (int i = 0; i < live; i++) {
                judged(checker.step(new Op.MapSingle("live" + i, dev, Op.MapKind.PHYS, machine.buffer(size), size,
                        DIR, 0)));
            }
            map = new Op.MapSingle(PROBE, dev, Op.MapKind.PHYS, machine.buffer(size), size, DIR, 0);
            unmap = new Op.UnmapSingle(PROBE, Op.MapKind.PHYS, 0, size, DIR, 0);
            deviceWrite = new Op.DeviceWrite(FIRST, 0, 0, 64, 0x5a);
            deviceRead = new Op.DeviceRead(FIRST, 0, 0, 64);
            // a buffer's CPU address is no live DMA address on any of the paths: not an IOVA (those
            // are handed out top-down from 2^48), not mapped directly, not in the swiotlb pool
            unmapUnknown = new Op.UnmapUnknown(dev, Op.MapKind.PHYS, machine.buffer(size), size, DIR, 0);
        }

        @TearDown(Level.Trial)
        public void checkQuiet() {
            if (!warns) {
                machine.requireQuietSince(0);
            }
            if (checker.ledger().live().size() != live) {
                throw new IllegalStateException("the ledger holds " + checker.ledger().live().size()
                        + " mappings, not " + live);
            }
        }
    }

    /** A checked run whose measured step is a misused call, which the engine refuses with a warning. */
    public static class MisusedRun extends CheckedRun {
        public MisusedRun() {
            warns = true;
        }
    }

    /** Fails unless the step ran and held every invariant. */
    static Checker.Checked judged(Checker.Checked c) {
        if (!c.ok() || c.executed().skipped() || c.executed().threw()) {
            throw new IllegalStateException("step " + c.executed().step() + " " + c.executed().op() + " -> "
                    + c.executed().result().describe() + " broke " + c.violations());
        }
        return c;
    }

    /** Two judged steps: map one more buffer, unmap it. */
    @Benchmark
    public Checker.Checked mapUnmap(CheckedRun r) {
        judged(r.checker.step(r.map));
        return judged(r.checker.step(r.unmap));
    }

    /** One judged step: the device writes 64 bytes through a live mapping. */
    @Benchmark
    public Checker.Checked deviceWrite(CheckedRun r) {
        return judged(r.checker.step(r.deviceWrite));
    }

    /** One judged step: the device reads 64 bytes through a live mapping (data checked against the model). */
    @Benchmark
    public Checker.Checked deviceRead(CheckedRun r) {
        return judged(r.checker.step(r.deviceRead));
    }

    /**
     * One judged misused step: {@code dma_unmap_phys} of an address the device never mapped. The
     * engine warns and changes nothing; the spec must notice the misuse and check that no other live
     * mapping was disturbed (invariant 12, containment).
     */
    @Benchmark
    public Checker.Checked misusedUnmap(MisusedRun r) {
        Checker.Checked c = r.checker.step(r.unmapUnknown);
        if (!c.ok() || !c.executed().isMisuse()) {
            throw new IllegalStateException("unmap of an unknown address: misuse " + c.executed().misuse()
                    + ", violations " + c.violations());
        }
        return c;
    }
}
