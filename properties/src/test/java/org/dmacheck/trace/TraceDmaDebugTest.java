package org.dmacheck.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import org.dmacheck.trace.Finding.Kind;
import org.junit.jupiter.api.Test;

/**
 * The trace checker's dma-debug findings come from the one mirror ({@code spec.contract}): each
 * kind of traced call reaches its debug.c check. Line 1 is the header; events start at line 2.
 */
class TraceDmaDebugTest {
    private static final String DEV = "0000:01:00.0";

    private static TraceVerdict check(String... events) {
        StringBuilder text = new StringBuilder("# tracer: nop\n");
        for (String e : events) {
            text.append("      fio-200     [000] .....   100.000100: ").append(e).append('\n');
        }
        return TraceChecker.check(FtraceReader.read("inline", text.toString()), 4096);
    }

    @Test
    void anSgListUnmappedWithFewerEntriesIsU6() {
        TraceVerdict v = check(
                "dma_map_sg: " + DEV + " dir=TO_DEVICE nents=2/2 ents=1/1 dma_addrs={0x80000000} sizes={0x2000}"
                        + " phys_addrs={0x3000000,0x3001000} attrs=",
                "dma_unmap_sg: " + DEV + " dir=TO_DEVICE phys_addrs={0x3000000} attrs=");
        assertThat(v.findings(Kind.DRIVER)).extracting(Finding::line, Finding::check)
                .containsExactly(tuple(3, "sg-count-mismatch"));
        assertThat(v.findings(Kind.DRIVER).get(0).message()).isEqualTo("device driver frees DMA sg list with different"
                + " entry count [map count=2] [unmap count=1] (mapped at line 2)");
        assertThat(v.liveAtEnd()).isZero();
    }

    @Test
    void anSgListUnmappedWithAnotherDirectionIsU7ForEachSegment() {
        // no IOMMU: two entries, two segments; debug.c checks (and would print) each segment's entry
        TraceVerdict v = check(
                "dma_map_sg: " + DEV + " dir=FROM_DEVICE nents=2/2 ents=2/2 dma_addrs={0x3000000,0x3008000}"
                        + " sizes={0x1000,0x1000} phys_addrs={0x3000000,0x3008000} attrs=",
                "dma_unmap_sg: " + DEV + " dir=TO_DEVICE phys_addrs={0x3000000,0x3008000} attrs=");
        String u7 = "device driver frees DMA memory with different direction [device address=";
        assertThat(v.findings(Kind.DRIVER)).extracting(Finding::check, Finding::message).containsExactly(
                tuple("direction-mismatch", u7 + "0x0000000003000000] [size=4096 bytes] [mapped with DMA_FROM_DEVICE]"
                        + " [unmapped with DMA_TO_DEVICE] (mapped at line 2)"),
                tuple("direction-mismatch", u7 + "0x0000000003008000] [size=4096 bytes] [mapped with DMA_FROM_DEVICE]"
                        + " [unmapped with DMA_TO_DEVICE] (mapped at line 2)"));
    }

    @Test
    void aSyncForDeviceOfAFromDeviceMappingIsS3AndS5() {
        TraceVerdict v = check(
                "dma_map_phys: " + DEV + " dir=FROM_DEVICE dma_addr=fff00000 size=4096 phys_addr=2000000 attrs=",
                "dma_sync_single_for_device: " + DEV + " dir=TO_DEVICE dma_addr=fff00100 size=256",
                "dma_unmap_phys: " + DEV + " dir=FROM_DEVICE dma_addr=fff00000 size=4096 attrs=");
        assertThat(v.findings(Kind.DRIVER)).extracting(Finding::line, Finding::check)
                .containsExactly(tuple(3, "sync-direction"), tuple(3, "sync-write-only-to-device"));
        assertThat(v.findings(Kind.DRIVER).get(1).message()).isEqualTo("device driver syncs device write-only DMA"
                + " memory to device [device address=0x00000000fff00100] [size=4096 bytes]"
                + " [mapped with DMA_FROM_DEVICE] [synced with DMA_TO_DEVICE] (mapped at line 2)");
    }

    @Test
    void anSgSyncWithAnotherEntryCountIsS6() {
        TraceVerdict v = check(
                "dma_map_sg: " + DEV + " dir=TO_DEVICE nents=2/2 ents=1/1 dma_addrs={0x80000000} sizes={0x2000}"
                        + " phys_addrs={0x3000000,0x3001000} attrs=",
                "dma_sync_sg_for_device: " + DEV + " dir=TO_DEVICE dma_addrs={0x80000000} sizes={0x2000}");
        assertThat(v.findings(Kind.DRIVER)).extracting(Finding::line, Finding::check)
                .containsExactly(tuple(3, "sync-sg-count-mismatch"));
    }

    @Test
    void aSyncOfNothingMappedIsADriverBugUnlessEventsAreMissing() {
        String sync = "dma_sync_single_for_cpu: " + DEV + " dir=FROM_DEVICE dma_addr=fff00000 size=256";
        assertThat(check(sync).findings(Kind.DRIVER)).extracting(Finding::check).containsExactly("sync-unknown");
        TraceVerdict lossy = TraceChecker.check(FtraceReader.read("inline", "# tracer: nop\nCPU:0 [LOST 12 EVENTS]\n"
                + "      fio-200     [000] .....   100.000100: " + sync + "\n"), 4096);
        assertThat(lossy.findings(Kind.DRIVER)).isEmpty();
        assertThat(lossy.findings(Kind.LOST)).extracting(Finding::check).containsExactly("gap", "sync-unknown");
    }

    @Test
    void aCoherentBufferFreedWithAnotherCpuAddressIsU5() {
        TraceVerdict v = check(
                "dma_alloc: " + DEV + " dir=BIDIRECTIONAL dma_addr=1000000 size=4096 virt_addr=00000000c7abf7f7"
                        + " flags=GFP_KERNEL attrs=",
                "dma_free: " + DEV + " dir=BIDIRECTIONAL dma_addr=1000000 size=4096 virt_addr=000000007908988f attrs=");
        assertThat(v.findings(Kind.DRIVER)).extracting(Finding::line, Finding::check)
                .containsExactly(tuple(3, "cpu-address-mismatch"));
        // the hashed pointers stand for the CPU addresses debug.c compares
        assertThat(v.findings(Kind.DRIVER).get(0).message()).isEqualTo("device driver frees DMA memory with different"
                + " CPU address [device address=0x0000000001000000] [size=4096 bytes]"
                + " [cpu alloc address=0x00000000c7abf7f7] [cpu free address=0x000000007908988f] (mapped at line 2)");
    }

    @Test
    void aCoherentBufferFreedTwiceIsADoubleFree() {
        String free = "dma_free: " + DEV + " dir=BIDIRECTIONAL dma_addr=1000000 size=4096 virt_addr=00000000c7abf7f7"
                + " attrs=";
        TraceVerdict v = check("dma_alloc: " + DEV + " dir=BIDIRECTIONAL dma_addr=1000000 size=4096"
                + " virt_addr=00000000c7abf7f7 flags=GFP_KERNEL attrs=", free, free);
        assertThat(v.findings(Kind.DRIVER)).extracting(Finding::line, Finding::check)
                .containsExactly(tuple(4, "double-free"));
    }

    @Test
    void anUncheckedMapResultIsNotJudgedFromATrace() {
        // dma_mapping_error() leaves no trace event: U8 would fire on every unmap
        TraceVerdict v = check(
                "dma_map_phys: " + DEV + " dir=TO_DEVICE dma_addr=fff00000 size=4096 phys_addr=2000000 attrs=",
                "dma_unmap_phys: " + DEV + " dir=TO_DEVICE dma_addr=fff00000 size=4096 attrs=");
        assertThat(v.findings()).isEmpty();
    }

    @Test
    void anMmioMappingUnmappedWithoutTheAttributeIsU9() {
        TraceVerdict v = check(
                "dma_map_phys: " + DEV + " dir=TO_DEVICE dma_addr=fe000000 size=4096 phys_addr=fe000000 attrs=MMIO",
                "dma_unmap_phys: " + DEV + " dir=TO_DEVICE dma_addr=fe000000 size=4096 attrs=");
        assertThat(v.findings(Kind.DRIVER)).extracting(Finding::check).containsExactly("attrs-mismatch");
        assertThat(v.findings(Kind.DRIVER).get(0).message()).contains("[mapped with 0x400] [unmapped with 0x0]");
    }
}
