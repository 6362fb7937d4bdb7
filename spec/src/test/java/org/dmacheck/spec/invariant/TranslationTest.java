package org.dmacheck.spec.invariant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dmacheck.spec.invariant.Platforms.BUF;
import static org.dmacheck.spec.invariant.Platforms.BUF2;
import static org.dmacheck.spec.invariant.Platforms.DEV;

import java.util.List;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.IommuDomainType;
import org.dmacheck.spec.testengine.ToyEngine;
import org.dmacheck.spec.violation.Violation;
import org.junit.jupiter.api.Test;

class TranslationTest {
    private static Op map(String h, long phys, long size, Direction dir) {
        return new Op.MapSingle(h, DEV, Op.MapKind.PHYS, phys, size, dir, 0);
    }

    private static Scenario strict(java.util.function.Consumer<ToyEngine> knobs) {
        return new Scenario(Platforms.strict(), pl -> {
            ToyEngine t = new ToyEngine(pl);
            knobs.accept(t);
            return t;
        }, new Translation());
    }

    @Test
    void aReturnedAddressWithoutAPteFires() {
        Scenario s = strict(t -> t.returnSkew = 0x1000); // PTEs at 0x1000_0000, address handed out 0x1000_1000
        Violation v = s.run(map("m1", BUF, 0x100, Direction.TO_DEVICE)).get(0);
        assertThat(v.message()).isEqualTo("device cannot reach a live mapping");
        assertThat(v.evidence("device address")).isEqualTo("0x0000000010001000");
        assertThat(v.evidence("expected phys")).isEqualTo("0x0000000000200000");
        assertThat(v.evidence("reason")).contains("no PTE for iova 0x10001000");
    }

    @Test
    void aPteToTheWrongPageFires() {
        Scenario s = strict(t -> t.physSkew = 0x1000);
        assertThat(s.run(map("m1", BUF + 0x10, 0x100, Direction.TO_DEVICE))).singleElement().hasToString(
                "DMA-API: 0000:01:00.0: live mapping translates to the wrong memory [device address=0x0000000010000010] "
                        + "[expected phys=0x0000000000200010] [reached phys=0x0000000000201010] [route=PAGE_TABLE] "
                        + "[handle=m1] [mapped at step=1] [step 1]");
    }

    @Test
    void aWritableToDeviceMappingFires() {
        Scenario s = strict(t -> t.ignoreDirection = true); // dma_info_to_prot() ignoring the direction
        assertThat(s.run(map("m1", BUF, 0x100, Direction.TO_DEVICE))).singleElement().hasToString(
                "DMA-API: 0000:01:00.0: IOMMU permissions do not match the TO_DEVICE mapping "
                        + "[device address=0x0000000010000000] [expected phys=0x0000000000200000] "
                        + "[device access=RW] [expected=R-] [handle=m1] [mapped at step=1] [step 1]");
    }

    @Test
    void anUnmapThatTakesTheNeighboursGranuleShowsOnTheNeighbour() {
        Scenario s = strict(t -> t.unmapGranuleDelta = 1);
        // m1 at IOVA 0x1000_0000, m2 right above at 0x1000_1000; unmapping m1 clears 0x1000_1000 too
        List<Violation> v = s.run(map("m1", BUF, 0x1000, Direction.TO_DEVICE), map("m2", BUF2, 0x1000, Direction.TO_DEVICE),
                new Op.UnmapSingle("m1", Op.MapKind.PHYS, 0, 0x1000, Direction.TO_DEVICE, 0));
        assertThat(v).singleElement().satisfies(x -> {
            assertThat(x.step()).isEqualTo(3);
            assertThat(x.message()).isEqualTo("device cannot reach a live mapping");
            assertThat(x.evidence("handle")).isEqualTo("m2");
            assertThat(x.evidence("device address")).isEqualTo("0x0000000010001000");
        });
    }

    @Test
    void anUntrustedDeviceMappedInPlaceSeesItsNeighbours() {
        Scenario s = new Scenario(Platforms.iommu(IommuDomainType.DMA, d -> d.untrusted(true)), ToyEngine::new,
                new Translation());
        // 0x100 bytes at BUF+0x10 mapped without a bounce: the rest of the 4 KiB granule is exposed (bug class 4)
        assertThat(s.run(map("m1", BUF + 0x10, 0x100, Direction.TO_DEVICE))).singleElement().hasToString(
                "DMA-API: 0000:01:00.0: untrusted device reaches memory outside its buffer "
                        + "[device address=0x0000000010000000] [reached phys=0x0000000000200000] "
                        + "[buffer=0x0000000000200010-0x000000000020010f] [granule=0x1000] [handle=m1] [step 1]");
    }

    @Test
    void twoLiveMappingsInOneBounceSlotFire() {
        Scenario s = new Scenario(Platforms.direct(), pl -> {
            ToyEngine t = new ToyEngine(pl);
            t.bounceAt = Platforms.POOL; // every mapping bounced into the same slot
            return t;
        }, new Translation());
        assertThat(s.run(map("m1", BUF, 0x100, Direction.TO_DEVICE))).isEmpty();
        assertThat(s.run(map("m2", BUF2, 0x100, Direction.TO_DEVICE))).singleElement().hasToString(
                "DMA-API: 0000:01:00.0: two live mappings share swiotlb bounce bytes [handle=m2] "
                        + "[bounce bytes=0x0000000040000000-0x00000000400000ff] [other handle=m1] "
                        + "[other bounce bytes=0x0000000040000000-0x00000000400000ff] [step 2]");
    }

    @Test
    void correctMappingsHold() {
        Scenario s = strict(t -> { });
        assertThat(s.run(map("m1", BUF + 0x234, 0x3000, Direction.BIDIRECTIONAL),
                map("m2", BUF2, 0x100, Direction.FROM_DEVICE),
                new Op.MapSg("s1", DEV, List.of(new Scatterlist.Chunk(BUF + 0x8000, 0x800),
                        new Scatterlist.Chunk(BUF2 + 0x4010, 0x2000)), Direction.TO_DEVICE, 0),
                new Op.UnmapSingle("m2", Op.MapKind.PHYS, 0, 0x100, Direction.FROM_DEVICE, 0),
                new Op.IovaTryAlloc("v1", DEV, BUF + 0x10000, 0x2000),
                new Op.IovaLink("v1", BUF + 0x10000, 0, 0x2000, Direction.TO_DEVICE, 0),
                new Op.IovaSync("v1", 0, 0x2000))).isEmpty();
        Scenario bounced = new Scenario(Platforms.direct(), pl -> {
            ToyEngine t = new ToyEngine(pl);
            t.bounceAt = Platforms.POOL;
            return t;
        }, new Translation());
        assertThat(bounced.run(map("m1", BUF, 0x100, Direction.TO_DEVICE),
                new Op.UnmapSingle("m1", Op.MapKind.PHYS, 0, 0x100, Direction.TO_DEVICE, 0),
                map("m2", BUF2, 0x100, Direction.TO_DEVICE))).isEmpty(); // the slot is free again
    }
}
