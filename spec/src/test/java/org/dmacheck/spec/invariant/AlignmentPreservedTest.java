package org.dmacheck.spec.invariant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dmacheck.spec.invariant.Platforms.BUF;
import static org.dmacheck.spec.invariant.Platforms.DEV;
import static org.dmacheck.spec.invariant.Platforms.POOL;

import java.util.function.Consumer;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.testengine.ToyEngine;
import org.junit.jupiter.api.Test;

class AlignmentPreservedTest {
    private static Scenario with(Platform p, Consumer<ToyEngine> knobs) {
        return new Scenario(p, pl -> {
            ToyEngine t = new ToyEngine(pl);
            knobs.accept(t);
            return t;
        }, new AlignmentPreserved());
    }

    private static Op map(long phys, long size) {
        return new Op.MapSingle("m1", DEV, Op.MapKind.PHYS, phys, size, Direction.TO_DEVICE, 0);
    }

    @Test
    void anIovaThatDropsTheInGranuleOffsetFires() {
        // PTEs map IOVA 0x1000_0000 -> BUF; the right address is 0x1000_0234, the toy returns 0x1000_0000
        Scenario s = with(Platforms.strict(), t -> t.returnSkew = -0x234);
        assertThat(s.run(map(BUF + 0x234, 0x100))).singleElement().hasToString(
                "DMA-API: 0000:01:00.0: IOVA does not keep the buffer's offset inside the granule "
                        + "[device address=0x0000000010000000] [phys=0x0000000000200234] [granule=0x1000] [segment=0] "
                        + "[handle=m1] [step 1]");
    }

    @Test
    void aBounceThatLosesBit11UnderMinAlignMaskFires() {
        // bug-classes #6: min_align_mask 0xfff, phys ends in 0x834; the in-slot offset keeps only bits 0-10 (0x034),
        // so the slot itself must supply bit 11 -- the toy's slot at the pool start does not
        Scenario s = with(Platforms.direct(d -> d.minAlignMask(0xFFF)), t -> t.bounceAt = POOL);
        assertThat(s.run(map(BUF + 0x834, 0x1000))).singleElement().hasToString(
                "DMA-API: 0000:01:00.0: bounce buffer does not keep the bits under min_align_mask "
                        + "[device address=0x0000000040000034] [phys=0x0000000000200834] "
                        + "[bounce phys=0x0000000040000034] [min_align_mask=0xfff] [segment=0] [handle=m1] [step 1]");
    }

    @Test
    void aPageSizedBounceOffAPageFires() {
        // bug-classes #10: no min_align_mask, 4 KiB mapping, slot at pool + 0x800
        Scenario s = with(Platforms.direct(), t -> t.bounceAt = POOL + 0x800);
        assertThat(s.run(map(BUF, 0x1000))).singleElement().hasToString(
                "DMA-API: 0000:01:00.0: bounce of a page or more does not start on a page "
                        + "[device address=0x0000000040000800] [bounce phys=0x0000000040000800] [size=4096 bytes] "
                        + "[PAGE_SIZE=0x1000] [handle=m1] [step 1]");
    }

    @Test
    void aTwoStepStateWithoutTheOffsetFires() {
        Scenario s = with(Platforms.strict(), t -> t.dropStateOffset = true);
        assertThat(s.run(new Op.IovaTryAlloc("v1", DEV, BUF + 0x234, 0x2000))).singleElement().hasToString(
                "DMA-API: 0000:01:00.0: dma_iova_try_alloc does not keep phys's offset inside the granule "
                        + "[state addr=0x0000000010000000] [phys=0x0000000000200234] [granule=0x1000] [handle=v1] [step 1]");
    }

    @Test
    void preservedOffsetsHold() {
        assertThat(with(Platforms.strict(), t -> { }).run(map(BUF + 0x234, 0x100),
                new Op.IovaTryAlloc("v1", DEV, BUF + 0x234, 0x2000))).isEmpty();
        // bit 11 of 0x234 is clear, so a slot at the pool start keeps all of 0x234 & 0xfff
        assertThat(with(Platforms.direct(d -> d.minAlignMask(0xFFF)), t -> t.bounceAt = POOL)
                .run(map(BUF + 0x234, 0x100))).isEmpty();
        assertThat(with(Platforms.direct(), t -> t.bounceAt = POOL).run(map(BUF, 0x1000))).isEmpty();
    }
}
