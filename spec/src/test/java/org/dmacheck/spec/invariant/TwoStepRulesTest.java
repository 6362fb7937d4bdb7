package org.dmacheck.spec.invariant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dmacheck.spec.invariant.Platforms.BUF;
import static org.dmacheck.spec.invariant.Platforms.BUF2;
import static org.dmacheck.spec.invariant.Platforms.DEV;

import org.dmacheck.spec.api.DmaIovaState;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.IommuHw;
import org.dmacheck.spec.testengine.ToyEngine;
import org.junit.jupiter.api.Test;

class TwoStepRulesTest {
    private static final Op ALLOC = new Op.IovaTryAlloc("v1", DEV, BUF, 0x3000);

    @Test
    void tryAllocOnADirectDeviceFires() {
        Scenario s = new Scenario(Platforms.direct(), pl -> new ToyEngine(pl) {
            @Override
            public boolean iovaTryAlloc(DeviceId dev, DmaIovaState state, long phys, long size) {
                state.set(phys, size); // "succeeds" with the physical address
                return true;
            }
        }, new TwoStepRules());
        assertThat(s.run(ALLOC)).singleElement().hasToString("DMA-API: 0000:01:00.0: dma_iova_try_alloc succeeds on a "
                + "device that does not use dma-iommu [state addr=0x0000000000200000] [size=0x3000] [step 1]");
    }

    @Test
    void anUnalignedLinkAtANonZeroOffsetMustFailWithEio() {
        Scenario s = new Scenario(Platforms.strict(), pl -> {
            ToyEngine t = new ToyEngine(pl);
            t.acceptUnalignedLink = true; // skips dma_iova_link()'s iova_start_pad check
            return t;
        }, new TwoStepRules());
        // phys 0x30_0010 at offset 0x1000: the page table then refuses the unaligned IOVA with -EINVAL
        assertThat(s.run(ALLOC, new Op.IovaLink("v1", BUF2 + 0x10, 0x1000, 0x100, Direction.TO_DEVICE, 0)))
                .singleElement().hasToString("DMA-API: 0000:01:00.0: dma_iova_link of an unaligned phys at a non-zero "
                        + "offset does not fail with -EIO [phys=0x0000000000300010] [offset=0x1000] [granule=0x1000] "
                        + "[returned=-EINVAL] [handle=v1] [step 2]");
    }

    @Test
    void aLinkMappingAnExtraGranuleFires() {
        Scenario s = new Scenario(Platforms.strict(), pl -> new ToyEngine(pl) {
            @Override
            public int iovaLink(DeviceId dev, DmaIovaState state, long phys, long offset, long size, Direction dir,
                                long attrs) {
                IommuHw h = pl.iommu(dev).orElseThrow();
                return h.mapNoSync(state.addr() + offset, phys, size + 0x1000, 1); // one granule too many
            }
        }, new TwoStepRules());
        assertThat(s.run(ALLOC, new Op.IovaLink("v1", BUF2, 0, 0x1000, Direction.TO_DEVICE, 0))).singleElement()
                .hasToString("DMA-API: 0000:01:00.0: dma_iova_link maps a different number of granules than it covers "
                        + "[granules mapped=2] [granules covered=1] [offset=0x0] [size=0x1000] [handle=v1] [step 2]");
    }

    @Test
    void aDestroyThatOnlyFreesFires() {
        Scenario s = new Scenario(Platforms.strict(), pl -> new ToyEngine(pl) {
            @Override
            public void iovaDestroy(DeviceId dev, DmaIovaState state, long mappedLen, Direction dir, long attrs) {
                iovaFree(dev, state); // forgets the unlink half of dma_iova_destroy()
            }
        }, new TwoStepRules());
        assertThat(s.run(ALLOC, new Op.IovaLink("v1", BUF, 0, 0x1000, Direction.TO_DEVICE, 0),
                new Op.IovaSync("v1", 0, 0x1000), new Op.IovaDestroy("v1", 0x1000, Direction.TO_DEVICE, 0)))
                .singleElement().hasToString("DMA-API: 0000:01:00.0: dma_iova_destroy leaves page-table entries in the "
                        + "reservation [iova=0x0000000010000000] [phys=0x0000000000200000] "
                        + "[range=0x0000000010000000-0x0000000010002fff] [handle=v1] [step 4]");
    }

    @Test
    void theStateMachineHolds() {
        Scenario s = new Scenario(Platforms.strict(), ToyEngine::new, new TwoStepRules());
        assertThat(s.run(ALLOC, new Op.IovaLink("v1", BUF, 0, 0x1000, Direction.TO_DEVICE, 0),
                new Op.IovaLink("v1", BUF2, 0x1000, 0x2000, Direction.TO_DEVICE, 0),
                new Op.IovaLink("v1", BUF2 + 0x10, 0x2000, 0x10, Direction.TO_DEVICE, 0), // -EIO, as required
                new Op.IovaSync("v1", 0, 0x3000),
                new Op.IovaUnlink("v1", 0x1000, 0x2000, Direction.TO_DEVICE, 0),
                new Op.IovaUnlink("v1", 0, 0x1000, Direction.TO_DEVICE, 0),
                new Op.IovaFree("v1"))).isEmpty();
        Scenario direct = new Scenario(Platforms.direct(), ToyEngine::new, new TwoStepRules());
        assertThat(direct.run(ALLOC)).isEmpty(); // false, as on a device without dma-iommu it must be
    }
}
