package org.dmacheck.spec.invariant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dmacheck.spec.invariant.Platforms.BUF;
import static org.dmacheck.spec.invariant.Platforms.BUF2;
import static org.dmacheck.spec.invariant.Platforms.DEV;

import java.util.List;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.IommuDomainType;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.testengine.ToyEngine;
import org.junit.jupiter.api.Test;

class SegmentRulesTest {
    private static final Op TWO_PAGES = new Op.MapSg("s1", DEV, List.of(new Scatterlist.Chunk(BUF, 0x1000),
            new Scatterlist.Chunk(BUF2, 0x1000)), Direction.TO_DEVICE, 0);

    /** A toy that merges the whole list into one segment of {@code len} bytes at {@code addr}. */
    private static ToyEngine merging(Platform pl, long addr, long len) {
        return new ToyEngine(pl) {
            @Override
            public int mapSg(DeviceId dev, Scatterlist sgl, int nents, Direction dir, long attrs) {
                sgl.get(0).setDma(addr, len);
                return 1;
            }
        };
    }

    @Test
    void aMergeBeyondMaxSegSizeFires() {
        Platform p = Platforms.iommu(IommuDomainType.DMA, d -> d.maxSegSize(0x1000));
        Scenario s = new Scenario(p, pl -> merging(pl, 0x1000_0000L, 0x2000), new SegmentRules());
        assertThat(s.run(TWO_PAGES)).singleElement().hasToString(
                "DMA-API: 0000:01:00.0: dma_map_sg merges a segment longer than max_seg_size [segment=0] "
                        + "[device address=0x0000000010000000] [length=8192 bytes] [max_seg_size=4096 bytes] "
                        + "[entries merged=2] [handle=s1] [step 1]");
    }

    @Test
    void aMergeAcrossTheBoundaryFires() {
        // 64 KiB boundary: [0x1000_f000, 0x1001_0fff] crosses 0x1001_0000 (IOD-SGLEN / "boundary checked at the start only")
        Platform p = Platforms.iommu(IommuDomainType.DMA, d -> d.segBoundaryMask(0xFFFF));
        Scenario s = new Scenario(p, pl -> merging(pl, 0x1000_F000L, 0x2000), new SegmentRules());
        assertThat(s.run(TWO_PAGES)).singleElement().hasToString(
                "DMA-API: 0000:01:00.0: dma_map_sg returns a segment across the segment boundary [segment=0] "
                        + "[start=0x000000001000f000] [end=0x0000000010010fff] [boundary=0x000000000000ffff] "
                        + "[entries merged=2] [handle=s1] [step 1]");
    }

    private static Op sg(long len0, long len1) {
        return new Op.MapSg("s1", DEV, List.of(new Scatterlist.Chunk(BUF, len0), new Scatterlist.Chunk(BUF + len0, len1)),
                Direction.TO_DEVICE, 0);
    }

    @Test
    void aMergedSegmentMayCrossWhereAnEntryLongerThanTheWindowDoes() {
        // the shrunk report: a 64 KiB boundary, entries of 0x11000 (longer than the window) and 0x1000.
        // iommu_dma_map_sg lays them at 0xfffe_0000 and 0xffff_1000 (no pad: (0xffff - 0x11000 + 1) & 0xffff
        // = 0xf000 is not below 0x1000 - 1); __finalise_sg appends the second, which does not start on a
        // boundary. The segment [0xfffe_0000, 0xffff_1fff] crosses 0xffff_0000 inside the first entry: the driver's.
        Platform p = Platforms.iommu(IommuDomainType.DMA, d -> d.segBoundaryMask(0xFFFF).maxSegSize(0xFFFF_FFFFL));
        Scenario linuxLike = new Scenario(p, pl -> merging(pl, 0xFFFE_0000L, 0x12000), new SegmentRules());
        assertThat(linuxLike.run(sg(0x11000, 0x1000))).isEmpty();
        // the other way round the second entry would be appended at 0x1001_0000, a boundary: fires
        Scenario joined = new Scenario(p, pl -> merging(pl, 0x1000_F000L, 0x12000), new SegmentRules());
        assertThat(joined.run(sg(0x1000, 0x11000))).singleElement()
                .satisfies(v -> assertThat(v.message()).isEqualTo("dma_map_sg returns a segment across the segment boundary"));
        // an oversized entry first, then a 0x10000 entry laid at 0xffff_1000 across 0x1_0000_0000, which fits
        // one window and should have been padded to the next one: fires
        Scenario laidAcross = new Scenario(p, pl -> merging(pl, 0xFFFE_0000L, 0x21000), new SegmentRules());
        assertThat(laidAcross.run(sg(0x11000, 0x10000))).singleElement()
                .satisfies(v -> assertThat(v.evidence("end")).isEqualTo("0x0000000100000fff"));
    }

    @Test
    void lengthsThatDoNotAddUpFire() {
        Scenario s = new Scenario(Platforms.strict(), pl -> merging(pl, 0x1000_0000L, 0x1fff), new SegmentRules());
        assertThat(s.run(TWO_PAGES)).singleElement().hasToString(
                "DMA-API: 0000:01:00.0: dma_map_sg segments do not add up to the input [input length=8192 bytes] "
                        + "[segment length=8191 bytes] [nents=2] [segments=1] [handle=s1] [step 1]");
    }

    @Test
    void anIommuPlacedEntryAcrossTheBoundaryFires() {
        Platform p = Platforms.iommu(IommuDomainType.DMA, d -> d.segBoundaryMask(0xFFFF));
        Scenario s = new Scenario(p, pl -> {
            ToyEngine t = new ToyEngine(pl);
            t.iovaBase = 0x1000_F000L; // an 8 KiB entry placed across 0x1001_0000 though it fits in one window
            return t;
        }, new SegmentRules());
        assertThat(s.run(new Op.MapSg("s1", DEV, List.of(new Scatterlist.Chunk(BUF, 0x2000)), Direction.TO_DEVICE, 0)))
                .singleElement().satisfies(v -> assertThat(v.evidence("entries merged")).isEqualTo("1"));
    }

    @Test
    void unmergedSegmentsHoldAndAnEntryCrossingByItsOwnAddressIsTheDrivers() {
        Scenario s = new Scenario(Platforms.iommu(IommuDomainType.DMA, d -> d.maxSegSize(0x1000)), ToyEngine::new,
                new SegmentRules());
        assertThat(s.run(TWO_PAGES)).isEmpty();
        // without an IOMMU an entry [0x20_f000, 0x21_0fff] crosses a 64 KiB boundary by itself: dma-debug's M6, not ours
        Scenario direct = new Scenario(Platforms.direct(d -> d.segBoundaryMask(0xFFFF)), ToyEngine::new, new SegmentRules());
        assertThat(direct.run(new Op.MapSg("s1", DEV, List.of(new Scatterlist.Chunk(BUF + 0xF000, 0x2000)),
                Direction.TO_DEVICE, 0))).isEmpty();
    }
}
