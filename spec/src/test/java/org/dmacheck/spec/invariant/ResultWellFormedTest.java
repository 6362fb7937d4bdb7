package org.dmacheck.spec.invariant;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.IommuDomainType;
import org.dmacheck.spec.platform.IommuHw;
import org.dmacheck.spec.platform.IommuProt;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.testengine.ToyEngine;
import org.junit.jupiter.api.Test;

class ResultWellFormedTest {
    private static final DeviceId DEV = DeviceId.of("0000:01:00.0");
    private static final long BUF = 0x20_0000L;

    private static Platform iommu() {
        return Platform.builder().domain("dom0", IommuDomainType.DMA, 0x1000)
                .device(DeviceConfig.builder(DEV.name()).iommuDomain("dom0").build()).build();
    }

    private static Op mapSg() {
        return new Op.MapSg("s1", DEV, List.of(new Scatterlist.Chunk(BUF, 0x1000)), Direction.TO_DEVICE, 0);
    }

    @Test
    void mapSgReturningZeroFires() {
        Scenario s = new Scenario(iommu(), pl -> new ToyEngine(pl) {
            @Override
            public int mapSg(DeviceId dev, Scatterlist sgl, int nents, Direction dir, long attrs) {
                return 0; // dma_map_sg_attrs' "0 = failure" leaking through the internal interface
            }
        }, new ResultWellFormed());
        assertThat(s.run(mapSg())).singleElement().hasToString(
                "DMA-API: 0000:01:00.0: dma_map_sg returns an impossible count [nents=1] [returned=0] [step 1]");
    }

    @Test
    void failedMapThatLeavesAPteFires() {
        Scenario s = new Scenario(iommu(), pl -> new ToyEngine(pl) {
            @Override
            public long mapPhys(DeviceId dev, long phys, long size, Direction direction, long attrs) {
                IommuHw h = pl.iommu(dev).orElseThrow();
                h.map(0x5000_0000L, phys & ~0xFFFL, 0x1000, IommuProt.READ); // programs one PTE ...
                return DMA_MAPPING_ERROR; // ... then reports failure without undoing it
            }
        }, new ResultWellFormed());
        assertThat(s.run(new Op.MapSingle("m1", DEV, Op.MapKind.PHYS, BUF, 0x100, Direction.TO_DEVICE, 0)))
                .singleElement().hasToString("DMA-API: 0000:01:00.0: failed call leaves resources behind "
                        + "[call=dma_map_phys] [ptes dom0=0->1] [step 1]");
    }

    @Test
    void correctCallsAndCleanFailuresHold() {
        Scenario s = new Scenario(iommu(), ToyEngine::new, new ResultWellFormed());
        assertThat(s.run(mapSg(), new Op.UnmapSg("s1", 1, Direction.TO_DEVICE, 0),
                new Op.IovaTryAlloc("v1", DEV, BUF, 0x2000),
                new Op.IovaLink("v1", BUF + 0x10, 0x1000, 0x100, Direction.TO_DEVICE, 0))) // -EIO, nothing left
                .isEmpty();
    }

    @Test
    void aThrowOnACorrectCallFires() {
        Scenario s = new Scenario(iommu(), pl -> new ToyEngine(pl) {
            @Override
            public void advanceClock(long millis) {
                throw new IllegalStateException("timer list corrupted");
            }
        }, new ResultWellFormed());
        assertThat(s.run(new Op.Tick(10))).singleElement().hasToString("DMA-API: DMA engine threw on a correct call "
                + "[call=Tick] [exception=java.lang.IllegalStateException: timer list corrupted] [step 1]");
    }
}
