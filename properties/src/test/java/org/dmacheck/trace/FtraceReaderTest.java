package org.dmacheck.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.dmacheck.spec.op.TraceFormatException;
import org.dmacheck.spec.platform.DmaAttrs;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.trace.KernelEvent.At;
import org.junit.jupiter.api.Test;

class FtraceReaderTest {
    private static KernelTrace read(String... lines) {
        return FtraceReader.read("t.txt", String.join("\n", lines) + "\n");
    }

    @Test
    void readsTheHeaderInterleavedCpusAndSkipsUnrelatedEvents() {
        KernelTrace t = read(
                "# tracer: nop",
                "# entries-in-buffer/entries-written: 3/5   #P:2",
                "            init-1       [000] ...1.     8.933426: tracing_mark_write: KTRACE_PHASE begin",
                " kworker/u8:1-29      [001] .....     9.117430: dma_map_phys: 0000:00:02.0 dir=FROM_DEVICE dma_addr=3a800000 size=4096 phys_addr=12e95000 attrs=SKIP_CPU_SYNC|MMIO",
                "          <idle>-0       [000] d.h1.   9.118670: dma_unmap_phys: 0000:00:02.0 dir=FROM_DEVICE dma_addr=3a800000 size=4096 attrs=",
                "      sh-5 ( 5) [000] ....  1.000000: sched_switch: prev_comm=sh");
        assertThat(t.entriesInBuffer()).isEqualTo(3);
        assertThat(t.overwritten()).isEqualTo(2);
        assertThat(t.eventCounts()).containsEntry("tracing_mark_write", 1).containsEntry("dma_map_phys", 1)
                .containsEntry("sched_switch", 1);
        assertThat(t.events()).containsExactly(
                new KernelEvent.SingleMap(new At(4, "kworker/u8:1", 29, 1), "0000:00:02.0", KernelEvent.SingleApi.PHYS,
                        Direction.FROM_DEVICE, 0x3a800000L, 4096, OptionalLong.of(0x12e95000L),
                        DmaAttrs.SKIP_CPU_SYNC | DmaAttrs.MMIO),
                new KernelEvent.SingleUnmap(new At(5, "<idle>", 0, 0), "0000:00:02.0", KernelEvent.SingleApi.PHYS,
                        Direction.FROM_DEVICE, 0x3a800000L, 4096, 0));
    }

    @Test
    void readsV612NamesNewestSgTruncationIommuAndSwiotlbEvents() {
        KernelTrace t = read(
                "a-1 [000] ..... 1.0: dma_map_page: nic dir=TO_DEVICE dma_addr=ffffffffffffffff size=64 phys_addr=1000 attrs=",
                "a-1 [000] ..... 1.1: dma_map_sg: nic dir=BIDIRECTIONAL nents=128/130 ents=1/1 [TRUNCATED] dma_addrs={0xfff00000} sizes={0x82000} phys_addrs={0x1000,0x2000} attrs=",
                "a-1 [000] ..... 1.2: map: IOMMU: iova=0x00000000fff00000 - 0x00000000fff82000 paddr=0x0000000000001000 size=532480",
                "a-1 [000] ..... 1.3: unmap: IOMMU: iova=0x00000000fff00000 - 0x00000000fff82000 size=532480 unmapped_size=532480",
                "a-1 [000] ..... 1.4: swiotlb_bounced: dev_name: nic dma_mask=ffffffff dev_addr=1000 size=64 NORMAL",
                "a-1 [000] ..... 1.5: dma_alloc: nic dir=BIDIRECTIONAL dma_addr=0 size=4096 virt_addr=0000000000000000 flags=GFP_KERNEL attrs=CACHELINES_OVERLAP");
        List<KernelEvent> e = t.events();
        assertThat(((KernelEvent.SingleMap) e.get(0)).failed()).isTrue();
        KernelEvent.SgMap sg = (KernelEvent.SgMap) e.get(1);
        assertThat(sg.truncated()).isTrue();
        assertThat(sg.nents()).isEqualTo(130);
        assertThat(e.get(2)).isEqualTo(new KernelEvent.IommuMap(new At(3, "a", 1, 0), 0xfff00000L, 532480, 0x1000));
        assertThat(e.get(3)).isEqualTo(new KernelEvent.IommuUnmap(new At(4, "a", 1, 0), 0xfff00000L, 532480, 532480));
        assertThat(e.get(4)).isEqualTo(new KernelEvent.SwiotlbBounced(new At(5, "a", 1, 0), "nic", 0xffffffffL, 0x1000, 64, false));
        KernelEvent.Alloc failed = (KernelEvent.Alloc) e.get(5);
        assertThat(failed.failed()).isTrue();
        assertThat(failed.attrs()).isEqualTo(1L << 11);
    }

    @Test
    void pairsKprobeEntriesWithTheirReturnsPerTaskAndReadsMissedCounts() {
        KernelTrace t = read(
                "# entries-in-buffer/entries-written: 4/4   #P:4",
                "  nvme-300 [002] ..... 2.0: dmacheck_dma_iova_try_alloc: (dma_iova_try_alloc+0x0/0x130) dev=\"0000:01:00.0\" state=0xffff888101234560 phys=0x2000000 size=8192",
                "  nvme-301 [003] ..... 2.1: dmacheck_dma_map_page_attrs: (dma_map_page_attrs+0x0/0x2a0) dev=\"eth0dev\" page=0xffffea0000400000 offset=0 size=1500 dir=1 attrs=0x20",
                "  nvme-300 [002] ..... 2.2: dmacheck_dma_iova_try_alloc_ret: (blk_rq_dma_map_iter_start+0x1c5/0x2f0 <- dma_iova_try_alloc) ret=0",
                "  nvme-301 [003] ..... 2.3: dmacheck_dma_map_page_attrs_ret: (e1000_xmit+0x4f/0x200 <- dma_map_page_attrs) ret=0xfee0000",
                "# kprobe_profile: dmacheck_dma_iova_try_alloc 1 0",
                "# kprobe_profile: dmacheck_dma_map_page_attrs_ret 1 2");
        assertThat(t.events()).containsExactly(
                new KernelEvent.IovaTryAlloc(new At(2, "nvme", 300, 2), "0000:01:00.0", 0xffff888101234560L, 0x2000000,
                        8192, Optional.of(false)),
                new KernelEvent.SingleMap(new At(3, "nvme", 301, 3), "eth0dev", KernelEvent.SingleApi.PAGE,
                        Direction.TO_DEVICE, 0xfee0000, 1500, OptionalLong.empty(), DmaAttrs.SKIP_CPU_SYNC));
        assertThat(t.missedProbes()).isEqualTo(2);
        // the kprobe_profile lines after the events are not excerpt boundaries
        assertThat(t.events()).noneMatch(e -> e instanceof KernelEvent.Gap);
    }

    @Test
    void commentsBetweenEventsAndLostLinesAreGaps() {
        KernelTrace t = read(
                "a-1 [000] ..... 1.0: tracing_mark_write: x",
                "## ... (slice 2)",
                "## more",
                "CPU:1 [LOST 42 EVENTS]",
                "a-1 [000] ..... 1.1: tracing_mark_write: y");
        assertThat(t.events()).containsExactly(
                new KernelEvent.Gap(new At(2, "", -1, -1), "excerpt boundary '## ... (slice 2)'", -1),
                new KernelEvent.Gap(new At(4, "", -1, 1), "ftrace lost 42 events on CPU 1", 42));
    }

    @Test
    void aDmaEventThatDoesNotParseIsAOneLineErrorWithFileAndLine() {
        assertThatThrownBy(() -> read("# x",
                "a-1 [000] ..... 1.0: dma_unmap_phys: nic dir=FROM_DEVICE dma_addr=zz size=4096 attrs="))
                .isInstanceOf(TraceFormatException.class)
                .hasMessage("t.txt:2: dma_unmap_phys: dma_addr=zz is not a hex number");
        assertThatThrownBy(() -> read("a-1 [000] ..... 1.0: dma_map_phys: nic dir=SIDEWAYS dma_addr=1 size=1 phys_addr=1 attrs="))
                .hasMessage("t.txt:1: dma_map_phys: dir=SIDEWAYS is not a DMA direction");
        assertThatThrownBy(() -> read("a-1 [000] ..... 1.0: dma_map_phys: nic dir=TO_DEVICE dma_addr=1 phys_addr=1 attrs="))
                .hasMessage("t.txt:1: dma_map_phys: missing size=");
        assertThatThrownBy(() -> read("a-1 [000] ..... 1.0: map: IOMMU: iova=0x1000 - 0x3000 paddr=0x0 size=4096"))
                .hasMessage("t.txt:1: map: iova range 0x3000 - iova is not size=4096");
        assertThatThrownBy(() -> read("a-1 [000] ..... 1.0: dma_sync_sg_for_cpu: nic dir=TO_DEVICE dma_addrs=0x1 sizes={}"))
                .hasMessage("t.txt:1: dma_sync_sg_for_cpu: dma_addrs=0x1 is not an array {0x..,0x..}");
        assertThatThrownBy(() -> read("a-1 [000] ..... 1.0: dma_map_phys: nic dir=TO_DEVICE dma_addr=1 size=1 phys_addr=1 attrs=FAST"))
                .hasMessage("t.txt:1: dma_map_phys: attrs=FAST: unknown DMA attribute 'FAST'");
        assertThatThrownBy(() -> read("a-1 [000] ..... 1.0: dmacheck_dma_iova_free: dev=\"x\" state=0x1"))
                .hasMessage("t.txt:1: dmacheck_dma_iova_free: expected '(symbol+offset/size)' after the event name");
    }
}
