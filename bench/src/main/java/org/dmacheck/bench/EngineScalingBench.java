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

    /**
     * A machine with {@code live} mappings of {@code size} bytes held by one device, and one more
     * buffer of that size for the measured calls; subclasses choose the path.
     */
    @State(Scope.Thread)
    public abstract static class Live {
        @Param({"100", "10000", "100000"})
        public int live;

        final DeviceId device;
        final long size;
        ScalingMachine machine;
        DmaEngine engine;
        long buf;
        private ResourceUsage afterSetup;

        Live(DeviceId device, long size) {
            this.device = device;
            this.size = size;
        }

        @Setup(Level.Trial)
        public void setUp() {
            machine = ScalingMachine.build(live);
            engine = machine.engine;
            for (int i = 0; i < live; i++) {
                ScalingMachine.mapped(engine.mapPhys(device, machine.buffer(size), size, DIR, 0), device);
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

        /** Allocates what the measured calls use. */
        void prepare() {
            buf = machine.buffer(size);
        }
    }

    /** dma-iommu, strict domain: N live one-page mappings. */
    public static class StrictSingle extends Live {
        public StrictSingle() {
            super(ScalingMachine.STRICT, PAGE);
        }
    }

    /** dma-iommu, lazy (DMA_FQ) domain: N live one-page mappings, an empty flush queue. */
    public static class LazySingle extends Live {
        public LazySingle() {
            super(ScalingMachine.LAZY, PAGE);
        }
    }

    /** dma-direct with forced bounce: N live one-slot bounce buffers. */
    public static class BounceSingle extends Live {
        public BounceSingle() {
            super(ScalingMachine.BOUNCE, SMALL);
        }
    }

    /** dma-direct without bounce: N live direct mappings of distinct pages. */
    public static class DirectSingle extends Live {
        public DirectSingle() {
            super(ScalingMachine.DIRECT, PAGE);
        }
    }

    /** dma-iommu strict: N live one-page mappings, and a list of four page-aligned pages. */
    public static class StrictSg extends Live {
        Scatterlist sgl;

        public StrictSg() {
            super(ScalingMachine.STRICT, PAGE);
        }

        @Override
        void prepare() {
            sgl = Scatterlist.of(machine.buffer(PAGE), PAGE, machine.buffer(PAGE), PAGE,
                    machine.buffer(PAGE), PAGE, machine.buffer(PAGE), PAGE);
        }
    }

    /** dma-iommu strict: N live one-page mappings, and a four-granule buffer for the two-step API. */
    public static class StrictTwoStep extends Live {
        final DmaIovaState state = new DmaIovaState();

        public StrictTwoStep() {
            super(ScalingMachine.STRICT, PAGE);
        }

        @Override
        void prepare() {
            buf = machine.buffer(TWO_STEP);
        }
    }

    /** {@code dma_map_phys} + {@code dma_unmap_phys} of one page: IOVA alloc, PTE, IOTLB sync, IOVA free. */
    @Benchmark
    public long iommuStrict(StrictSingle s) {
        return mapUnmap(s);
    }

    /** The same on a lazy domain, then the flush-queue timer fires: a full IOTLB flush and the IOVA free. */
    @Benchmark
    public long iommuLazy(LazySingle s) {
        long dma = mapUnmap(s);
        s.engine.advanceClock(FQ_TIMEOUT_MS);
        return dma;
    }

    /** dma-direct with forced bounce: slot search, copy in, copy back, slot release. */
    @Benchmark
    public long directBounce(BounceSingle s) {
        return mapUnmap(s);
    }

    /** dma-direct without bounce: capability check and the live-mapping record. */
    @Benchmark
    public long direct(DirectSingle s) {
        return mapUnmap(s);
    }

    /** {@code dma_map_sg} of four pages through the strict domain (one IOVA, merged), then {@code dma_unmap_sg}. */
    @Benchmark
    public int iommuMapSg(StrictSg s) {
        int count = s.engine.mapSg(s.device, s.sgl, s.sgl.size(), DIR, 0);
        if (count <= 0) {
            throw new IllegalStateException("dma_map_sg returned " + count);
        }
        s.engine.unmapSg(s.device, s.sgl, s.sgl.size(), DIR, 0);
        return count;
    }

    /** {@code dma_iova_try_alloc} + {@code link} + {@code sync} + {@code destroy} of four granules, strict. */
    @Benchmark
    public long iovaTwoStep(StrictTwoStep s) {
        DeviceId dev = s.device;
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

    /** {@code dma_map_phys} then {@code dma_unmap_phys} of the state's spare buffer. */
    private static long mapUnmap(Live s) {
        long dma = ScalingMachine.mapped(s.engine.mapPhys(s.device, s.buf, s.size, DIR, 0), s.device);
        s.engine.unmapPhys(s.device, dma, s.size, DIR, 0);
        return dma;
    }
}
