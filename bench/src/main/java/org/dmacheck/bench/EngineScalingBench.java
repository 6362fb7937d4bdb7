package org.dmacheck.bench;

import java.util.concurrent.TimeUnit;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.api.DmaIovaState;
import org.dmacheck.spec.api.ResourceUsage;
import org.dmacheck.spec.api.Scatterlist;
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
 * Does the reference engine keep its per-call cost O(log n) in the live state? Each benchmark first
 * maps {@code live} buffers on one path and keeps them mapped (N live IOVA ranges, PTEs, bounce
 * slots or direct mappings), then measures one call sequence that leaves the state where it found
 * it: a map and its unmap, and so on. Compare a path's time across {@code live}: O(log n) shows as
 * a near-flat line (log2 grows 2.5x from 100 to 100 000), a linear structure as a ~1000x rise.
 *
 * <p>Every measured call is checked (a refused map throws), and at the end of a trial the engine's
 * resource usage must equal what it was after the setup and the platform must have logged no
 * warning, so a figure is never the cost of an error path.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx6g")
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class EngineScalingBench {
    /** One page: one IOVA granule, one direct mapping. */
    static final long PAGE = 4096;
    /** A small bounce buffer: one 2 KiB swiotlb slot. */
    static final long SMALL = 256;
    /** The two-step API's range: four granules. */
    static final long TWO_STEP = 4 * PAGE;
    /** {@code IOVA_DEFAULT_FQ_TIMEOUT}: advancing the clock this far fires the flush-queue timer. */
    static final long FQ_TIMEOUT_MS = 10;

    private static final Direction DIR = Direction.BIDIRECTIONAL;

    /** A machine with {@code live} mappings held on one path; subclasses choose the path. */
    @State(Scope.Thread)
    public abstract static class Live {
        @Param({"100", "10000", "100000"})
        public int live;

        ScalingMachine machine;
        DmaEngine engine;
        private ResourceUsage afterSetup;

        @Setup(Level.Trial)
        public void setUp() {
            machine = ScalingMachine.build(live);
            engine = machine.engine;
            for (int i = 0; i < live; i++) {
                long buf = machine.buffer(liveSize());
                ScalingMachine.mapped(engine.mapPhys(liveDevice(), buf, liveSize(), DIR, 0), liveDevice());
            }
            prepare();
            machine.requireQuietSince(0);
            afterSetup = engine.usage();
        }

        @TearDown(Level.Trial)
        public void checkState() {
            machine.requireQuietSince(0);
            ResourceUsage now = engine.usage();
            if (!now.equals(afterSetup)) {
                throw new IllegalStateException("the measured calls changed the live state: after setup "
                        + afterSetup + ", at the end " + now);
            }
        }

        /** The device the {@code live} background mappings belong to. */
        abstract DeviceId liveDevice();

        /** Bytes of each background mapping. */
        long liveSize() {
            return PAGE;
        }

        /** Allocates what the measured calls use. */
        abstract void prepare();
    }

    /** dma-iommu, strict domain: N live single mappings. */
    public static class StrictSingle extends Live {
        long buf;

        @Override
        DeviceId liveDevice() {
            return ScalingMachine.STRICT;
        }

        @Override
        void prepare() {
            buf = machine.buffer(PAGE);
        }
    }

    /** dma-iommu, lazy (DMA_FQ) domain: N live single mappings, an empty flush queue. */
    public static class LazySingle extends Live {
        long buf;

        @Override
        DeviceId liveDevice() {
            return ScalingMachine.LAZY;
        }

        @Override
        void prepare() {
            buf = machine.buffer(PAGE);
        }
    }

    /** dma-direct with forced bounce: N live one-slot bounce buffers. */
    public static class BounceSingle extends Live {
        long buf;

        @Override
        DeviceId liveDevice() {
            return ScalingMachine.BOUNCE;
        }

        @Override
        long liveSize() {
            return SMALL;
        }

        @Override
        void prepare() {
            buf = machine.buffer(SMALL);
        }
    }

    /** dma-direct without bounce: N live direct mappings of distinct pages. */
    public static class DirectSingle extends Live {
        long buf;

        @Override
        DeviceId liveDevice() {
            return ScalingMachine.DIRECT;
        }

        @Override
        void prepare() {
            buf = machine.buffer(PAGE);
        }
    }

    /** dma-iommu strict: N live single mappings, and a list of four page-aligned pages. */
    public static class StrictSg extends Live {
        Scatterlist sgl;

        @Override
        DeviceId liveDevice() {
            return ScalingMachine.STRICT;
        }

        @Override
        void prepare() {
            sgl = Scatterlist.of(machine.buffer(PAGE), PAGE, machine.buffer(PAGE), PAGE,
                    machine.buffer(PAGE), PAGE, machine.buffer(PAGE), PAGE);
        }
    }

    /** dma-iommu strict: N live single mappings, and a four-granule buffer for the two-step API. */
    public static class StrictTwoStep extends Live {
        long buf;
        final DmaIovaState state = new DmaIovaState();

        @Override
        DeviceId liveDevice() {
            return ScalingMachine.STRICT;
        }

        @Override
        void prepare() {
            buf = machine.buffer(TWO_STEP);
        }
    }

    /** {@code dma_map_phys} + {@code dma_unmap_phys} of one page: IOVA alloc, PTE, IOTLB sync, IOVA free. */
    @Benchmark
    public long iommuStrict(StrictSingle s) {
        return mapUnmap(s.engine, ScalingMachine.STRICT, s.buf, PAGE);
    }

    /** The same on a lazy domain, then the flush-queue timer fires: a full IOTLB flush and the IOVA free. */
    @Benchmark
    public long iommuLazy(LazySingle s) {
        long dma = mapUnmap(s.engine, ScalingMachine.LAZY, s.buf, PAGE);
        s.engine.advanceClock(FQ_TIMEOUT_MS);
        return dma;
    }

    /** dma-direct with forced bounce: slot search, copy in, copy back, slot release. */
    @Benchmark
    public long directBounce(BounceSingle s) {
        return mapUnmap(s.engine, ScalingMachine.BOUNCE, s.buf, SMALL);
    }

    /** dma-direct without bounce: capability check and the live-mapping record. */
    @Benchmark
    public long direct(DirectSingle s) {
        return mapUnmap(s.engine, ScalingMachine.DIRECT, s.buf, PAGE);
    }

    /** {@code dma_map_sg} of four pages through the strict domain (one IOVA, merged), then {@code dma_unmap_sg}. */
    @Benchmark
    public int iommuMapSg(StrictSg s) {
        int count = s.engine.mapSg(ScalingMachine.STRICT, s.sgl, s.sgl.size(), DIR, 0);
        if (count <= 0) {
            throw new IllegalStateException("dma_map_sg returned " + count);
        }
        s.engine.unmapSg(ScalingMachine.STRICT, s.sgl, s.sgl.size(), DIR, 0);
        return count;
    }

    /** {@code dma_iova_try_alloc} + {@code link} + {@code sync} + {@code destroy} of four granules, strict. */
    @Benchmark
    public long iovaTwoStep(StrictTwoStep s) {
        DeviceId dev = ScalingMachine.STRICT;
        DmaIovaState st = s.state;
        if (!s.engine.iovaTryAlloc(dev, st, s.buf, TWO_STEP)) {
            throw new IllegalStateException("dma_iova_try_alloc failed");
        }
        int ret = s.engine.iovaLink(dev, st, s.buf, 0, TWO_STEP, DIR, 0);
        if (ret == 0) {
            ret = s.engine.iovaSync(dev, st, 0, TWO_STEP);
        }
        if (ret != 0) {
            throw new IllegalStateException("dma_iova_link/sync returned " + ret);
        }
        long addr = st.addr();
        s.engine.iovaDestroy(dev, st, TWO_STEP, DIR, 0);
        return addr;
    }

    private static long mapUnmap(DmaEngine engine, DeviceId dev, long buf, long size) {
        long dma = ScalingMachine.mapped(engine.mapPhys(dev, buf, size, DIR, 0), dev);
        engine.unmapPhys(dev, dma, size, DIR, 0);
        return dma;
    }
}
