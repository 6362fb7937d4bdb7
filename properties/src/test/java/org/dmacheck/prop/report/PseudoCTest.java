package org.dmacheck.prop.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.op.DmaTrace;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.DmaAttrs;
import org.junit.jupiter.api.Test;

class PseudoCTest {
    private static final DeviceId NVME = DeviceId.of("0000:01:00.0");

    @Test
    void rendersMapsAndUnmapsAsTheKernelCallsWithResultsAsComments() {
        List<DmaTrace.Step> steps = List.of(
                new DmaTrace.Step(new Op.MapSingle("d1", NVME, Op.MapKind.PHYS, 0x100000, 4096, Direction.FROM_DEVICE, 0),
                        "0xfffff000"),
                new DmaTrace.Step(new Op.DeviceWrite("d1", 0, 0x10, 512, 3), null),
                new DmaTrace.Step(new Op.UnmapSingle("d1", Op.MapKind.PHYS, 0, 4096, Direction.FROM_DEVICE,
                        DmaAttrs.SKIP_CPU_SYNC), null));
        assertThat(PseudoC.render(steps, 4096)).isEqualTo("""
                /* Reproducer: the calls of the counterexample, in order. */
                struct device *dev0;\t/* 0000:01:00.0 */

                static void reproduce(void)
                {
                \tdma_addr_t d1 = dma_map_phys(dev0, 0x100000, 4096, DMA_FROM_DEVICE, 0);  /* -> 0xfffff000 */  /* step 1 */
                \t/* device dev0 writes 512 bytes of pattern(3) at d1 + 0x10 */  /* step 2 */
                \tdma_unmap_phys(dev0, d1, 4096, DMA_FROM_DEVICE, DMA_ATTR_SKIP_CPU_SYNC);  /* step 3 */
                }
                """);
    }

    @Test
    void rendersAScatterlistWithPageAndOffsetPerEntryAndMapPageSplitsTheAddress() {
        // 0x30100 on 4 KiB pages is page 0x30000 + offset 0x100
        List<DmaTrace.Step> steps = List.of(
                new DmaTrace.Step(new Op.MapSg("sg1", NVME, List.of(new Scatterlist.Chunk(0x10000, 0x1000),
                        new Scatterlist.Chunk(0x30100, 0x800)), Direction.TO_DEVICE, 0), "1"),
                new DmaTrace.Step(new Op.MapSingle("m2", NVME, Op.MapKind.PAGE, 0x30100, 16, Direction.TO_DEVICE, 0),
                        "0x30100"));
        String c = PseudoC.render(steps, 4096);
        assertThat(c).contains("struct scatterlist sg1[2];\n\tsg_init_table(sg1, 2);\n"
                + "\tsg_set_page(&sg1[0], phys_to_page(0x10000), 4096, 0x0);\n"
                + "\tsg_set_page(&sg1[1], phys_to_page(0x30000), 2048, 0x100);\n"
                + "\tint sg1_ents = dma_map_sg_attrs(dev0, sg1, 2, DMA_TO_DEVICE, 0);");
        assertThat(c).contains("dma_addr_t m2 = dma_map_page_attrs(dev0, phys_to_page(0x30000), 0x100, 16, DMA_TO_DEVICE, 0);");
    }

    @Test
    void handlesBecomeCIdentifiers() {
        assertThat(PseudoC.id("map#3")).isEqualTo("map_3");
        assertThat(PseudoC.id("3")).isEqualTo("h3");
    }
}
