package org.dmacheck.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.dmacheck.trace.Finding.Kind;
import org.junit.jupiter.api.Test;

/** The checker on the real Linux 7.3 sample and on synthetic traces with one planted violation each. */
class TraceCheckTest {
    static Path fixture(String name) {
        try {
            return Path.of(TraceCheckTest.class.getResource("/traces/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static TraceVerdict check(String name) {
        return TraceCheck.check(fixture(name), 4096);
    }

    private static String output(Path file) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TraceCheck.run(file, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** A verbatim copy of shared/data/linux-7.3-dma-trace-sample.txt. */
    static Path sample() {
        return fixture("linux-7.3-dma-trace-sample.txt");
    }

    @Test
    void theRealLinux73SampleIsClean() {
        TraceVerdict v = TraceCheck.check(sample(), 4096);
        assertThat(v.findings(Kind.DRIVER)).isEmpty();
        assertThat(v.findings(Kind.KERNEL)).isEmpty();
        assertThat(v.clean()).isTrue();
        // Slice 2 opens with the unmap of 0x3c818480, mapped in the cut-off part of slice 1; slice 4's
        // frees of 15 coherent buffers allocated in cut-off parts; 12 nvme and 1 virtio mapping live across
        // a slice boundary: all lost to the excerpt, none a driver bug.
        assertThat(v.findings(Kind.LOST)).extracting(Finding::check)
                .containsOnly("gap", "unmatched-release", "unmap-not-seen");
        assertThat(v.findings(Kind.LOST).stream().filter(f -> f.check().equals("gap"))).hasSize(3);
        assertThat(v.findings(Kind.LOST).stream().filter(f -> f.check().equals("unmatched-release"))).hasSize(16);
        assertThat(v.findings(Kind.LOST).stream().filter(f -> f.check().equals("unmap-not-seen"))).hasSize(13);
        assertThat(v.liveAtEnd()).isEqualTo(13);
        // swiotlb=force: every one of the 85 maps got a fresh bounce slot in these excerpts
        assertThat(v.distinctDmaAddresses()).isEqualTo(85);
    }

    @Test
    void theSampleSummaryCountsEventsPerKindAndDeviceAndExitsZero() {
        String out = output(sample());
        assertThat(out).contains("56044/56044 entries in buffer/written");
        assertThat(out).containsPattern("dma_map_phys +85");
        assertThat(out).containsPattern("swiotlb_bounced +85");
        assertThat(out).contains("0000:00:02.0 [swiotlb force]: alloc_coherent=9 free_coherent=25 map_phys=53 unmap_phys=42");
        assertThat(out).contains("verdict: clean");
        assertThat(TraceCheck.run(sample(), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))
                .isZero();
    }

    @Test
    void doubleUnmapIsADriverBug() {
        TraceVerdict v = check("double-unmap.txt");
        assertThat(v.findings(Kind.DRIVER)).extracting(Finding::line, Finding::check)
                .containsExactly(tuple(10, "double-unmap"));
        assertThat(v.findings(Kind.DRIVER).get(0).render()).isEqualTo("line 10: DRIVER double-unmap: DMA-API: 0000:01:00.0:"
                + " device driver tries to free DMA memory it has not allocated [device address=0x00000000fff00000]"
                + " [size=4096 bytes] (already released at line 9)");
        assertThat(v.clean()).isFalse();
    }

    @Test
    void sizeMismatchIsADriverBug() {
        TraceVerdict v = check("size-mismatch.txt");
        assertThat(v.findings(Kind.DRIVER)).extracting(Finding::check).containsExactly("size-mismatch");
        assertThat(v.findings(Kind.DRIVER).get(0).message()).isEqualTo("device driver frees DMA memory with different"
                + " size [device address=0x00000000fff00000] [map size=4096 bytes] [unmap size=512 bytes]"
                + " (mapped at line 7)");
    }

    @Test
    void directionMismatchIsADriverBug() {
        TraceVerdict v = check("direction-mismatch.txt");
        assertThat(v.findings(Kind.DRIVER)).extracting(Finding::line, Finding::check)
                .containsExactly(tuple(8, "direction-mismatch"));
        assertThat(v.findings(Kind.DRIVER).get(0).message()).contains("[mapped with DMA_FROM_DEVICE] [unmapped with DMA_TO_DEVICE]");
    }

    @Test
    void overlappingLiveIovasAreAKernelInconsistency() {
        TraceVerdict v = check("overlapping-iova.txt");
        // both maps correlate with their task's iommu:map of granule 0xfffff000: the second is handed
        // out while the first (0xfffff200 + 512, rounded to [0xfffff000-0xffffffff]) is live
        assertThat(v.findings(Kind.KERNEL)).extracting(Finding::line, Finding::check)
                .containsExactly(tuple(10, "iova-aliasing"));
        assertThat(v.findings(Kind.KERNEL).get(0).message()).startsWith("IOVA range [0xfffff000-0xffffffff] handed out"
                + " while still mapped by [device address=0xfffff200] [size=512 bytes]");
        assertThat(v.findings(Kind.DRIVER)).isEmpty();
    }

    @Test
    void aLinkOutsideItsAllocationIsADriverBug() {
        TraceVerdict v = check("link-outside-allocation.txt");
        // try_alloc of 8192 bytes; offset 4096 + size 8192 = 12288 > 8192
        assertThat(v.findings(Kind.DRIVER)).extracting(Finding::line, Finding::check)
                .containsExactly(tuple(12, "link-outside-allocation"));
        assertThat(v.findings(Kind.DRIVER).get(0).message()).isEqualTo("dma_iova_link of [offset=0x1000] [size=8192 bytes]"
                + " outside its allocation [state=0xffff888101234560] [allocation size=8192 bytes] (try_alloc at line 7)");
        assertThat(v.findings(Kind.LOST)).isEmpty();
    }

    @Test
    void aMissingUnmapAtReleaseIsADriverLeak() {
        TraceVerdict v = check("missing-unmap.txt");
        assertThat(v.findings(Kind.DRIVER)).extracting(Finding::line, Finding::check).containsExactly(tuple(8, "leak"));
        assertThat(v.findings(Kind.DRIVER).get(0).message()).isEqualTo("device driver has pending DMA allocations while"
                + " released from device [count=1] One of leaked entries details: [device address=0x0000000002000000]"
                + " [size=4096 bytes] [mapped with DMA_FROM_DEVICE] [mapped as phy] (mapped at line 8)");
    }

    @Test
    void aTruncatedBufferGivesLostEventsNotDriverBugs() {
        TraceVerdict v = check("truncated-buffer.txt");
        assertThat(v.findings(Kind.DRIVER)).isEmpty();
        assertThat(v.findings(Kind.KERNEL)).isEmpty();
        assertThat(v.findings(Kind.LOST)).extracting(Finding::line, Finding::check).containsExactly(
                tuple(0, "ring-buffer-overrun"), tuple(5, "unmatched-release"), tuple(6, "unmap-not-seen"),
                tuple(7, "gap"), tuple(8, "unmap-not-seen"));
        assertThat(v.findings(Kind.LOST).get(0).message()).startsWith("the ring buffer overwrote 1200 of 1203 events");
        assertThat(v.clean()).isTrue();
    }

    @Test
    void missedKprobesMakeAnUnknownStateLost() {
        TraceVerdict v = check("missed-probes.txt");
        assertThat(v.findings(Kind.DRIVER)).isEmpty();
        assertThat(v.findings(Kind.LOST)).extracting(Finding::check)
                .containsExactly("kprobe-missed", "unmatched-iova");
    }

    @Test
    void aCleanIommuTraceWithSgSyncsAndTwoStepHasNoFindings() {
        TraceVerdict v = check("clean-iommu.txt");
        assertThat(v.findings()).isEmpty();
        assertThat(v.liveAtEnd()).isZero();
        // 0xfffff200, the sg segment 0xffffd000 and 0xfffff000: three addresses, none returned twice
        assertThat(v.distinctDmaAddresses()).isEqualTo(3);
    }

    @Test
    void aDriverBugExitsOne() {
        assertThat(TraceCheck.run(fixture("double-unmap.txt"),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))).isEqualTo(1);
        String out = output(fixture("double-unmap.txt"));
        assertThat(out).contains("DRIVER BUGS (DMA-API contract, dma-debug checks) (1):");
        assertThat(out).contains("verdict: 1 driver bug(s), 0 kernel inconsistenc(ies)");
    }
}
