package org.dmacheck.spec.invariant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dmacheck.spec.invariant.Platforms.BUF;
import static org.dmacheck.spec.invariant.Platforms.BUF2;
import static org.dmacheck.spec.invariant.Platforms.DEV;
import static org.dmacheck.spec.invariant.Platforms.POOL;

import java.util.List;
import java.util.function.Consumer;
import org.dmacheck.spec.driver.OpResult;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.op.Pattern;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.IommuHw;
import org.dmacheck.spec.platform.IommuProt;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.platform.Unsigned;
import org.dmacheck.spec.testengine.ToyEngine;
import org.dmacheck.spec.violation.Violation;
import org.junit.jupiter.api.Test;

class DataVisibilityTest {
    private static Scenario with(Platform p, Consumer<ToyEngine> knobs) {
        return new Scenario(p, pl -> {
            ToyEngine t = new ToyEngine(pl);
            knobs.accept(t);
            return t;
        }, new DataVisibility());
    }

    private static Op map(String h, long phys, Direction dir) {
        return new Op.MapSingle(h, DEV, Op.MapKind.PHYS, phys, 0x100, dir, 0);
    }

    private static Op unmap(String h, Direction dir) {
        return new Op.UnmapSingle(h, Op.MapKind.PHYS, 0, 0x100, dir, 0);
    }

    private static String hex(byte b) {
        return Unsigned.hex(b & 0xff);
    }

    @Test
    void dataCrossesWhenTheApiSaysSo() {
        Scenario s = with(Platforms.direct(), t -> t.bounceAt = POOL);
        assertThat(s.run(new Op.CpuWrite(BUF, 0x100, 5), map("m1", BUF, Direction.TO_DEVICE),
                new Op.DeviceRead("m1", 0, 0, 0x100), unmap("m1", Direction.TO_DEVICE),
                map("m2", BUF2, Direction.FROM_DEVICE), new Op.DeviceWrite("m2", 0, 0x10, 0x20, 9),
                unmap("m2", Direction.FROM_DEVICE),
                new Op.CpuRead(BUF2, 0x100))).isEmpty(); // zeros, then 0x20 bytes of pattern 9, then zeros
    }

    @Test
    void aCoherentAllocationPromisesZerosForItsSizeOnly() {
        // dma_direct_alloc zeroes PAGE_ALIGN(size): the 1-byte c2 wipes the device's pattern from the whole
        // page c1 had. The contract promises zeros for c2's one byte; the rest of the page is the engine's,
        // so a later streaming map of the page is judged on nothing there (the deep mixed run, seed 606)
        Scenario s = with(Platforms.direct(), t -> { });
        Checker.Checked c1 = s.step(new Op.AllocCoherent("c1", DEV, 0x1000, 0));
        long page = ((OpResult.Allocated) c1.executed().result()).buffer().cpuPhys();
        assertThat(s.run(new Op.DeviceWrite("c1", 0, 0, 0x1000, 3), new Op.FreeCoherent("c1", 0))).isEmpty();
        Checker.Checked c2 = s.step(new Op.AllocCoherent("c2", DEV, 1, 0));
        assertThat(((OpResult.Allocated) c2.executed().result()).buffer().cpuPhys()).isEqualTo(page);
        assertThat(s.run(new Op.FreeCoherent("c2", 0),
                new Op.MapSingle("m1", DEV, Op.MapKind.PHYS, page, 0x1000, Direction.BIDIRECTIONAL, 0),
                new Op.DeviceRead("m1", 0, 0, 0x1000))).isEmpty();
    }

    @Test
    void aBounceWithoutCacheMaintenanceOnANonCoherentDeviceFires() {
        // the toy bounces with CPU copies but never cleans the cache: the copy into the slot sits in dirty
        // lines and the device reads the slot's old (zero) memory
        Scenario s = with(Platforms.direct(d -> d.coherent(false)), t -> t.bounceAt = POOL);
        assertThat(s.run(new Op.CpuWrite(BUF, 0x100, 5), map("m1", BUF, Direction.TO_DEVICE),
                new Op.DeviceRead("m1", 0, 0, 0x100))).extracting(Violation::message).containsExactly(
                "device would read data the CPU did not hand over", "device reads data the CPU did not hand over");
    }

    @Test
    void aMissingCopyInFires() {
        Scenario s = with(Platforms.direct(), t -> {
            t.bounceAt = POOL;
            t.skipCopyIn = true;
        });
        // the slot keeps its zeros instead of pattern 5: seen at the map itself (a side-effect-free look
        // through the device's translation), and again when the device reads
        assertThat(s.run(new Op.CpuWrite(BUF, 0x100, 5), map("m1", BUF, Direction.TO_DEVICE),
                new Op.DeviceRead("m1", 0, 0, 0x100))).extracting(Object::toString).containsExactly(
                "DMA-API: 0000:01:00.0: device would read data the CPU did not hand over [device address=0x0000000040000000] "
                        + "[phys=0x0000000000200000] [expected=" + hex(Pattern.at(5, 0)) + "] [device sees=0x0] "
                        + "[expected since step=2] [handle=m1] [after=MapSingle] [step 2]",
                "DMA-API: 0000:01:00.0: device reads data the CPU did not hand over [device address=0x0000000040000000] "
                        + "[phys=0x0000000000200000] [expected=" + hex(Pattern.at(5, 0)) + "] [read=0x0] "
                        + "[expected since step=2] [handle=m1] [direction=TO_DEVICE] [step 3]");
    }

    @Test
    void aMissingCopyOutFires() {
        Scenario s = with(Platforms.direct(), t -> {
            t.bounceAt = POOL;
            t.skipCopyOut = true;
        });
        assertThat(s.run(map("m1", BUF, Direction.FROM_DEVICE), new Op.DeviceWrite("m1", 0, 0, 0x10, 9),
                unmap("m1", Direction.FROM_DEVICE), new Op.CpuRead(BUF, 0x10))).extracting(Object::toString).containsExactly(
                "DMA-API: 0000:01:00.0: CPU would read data the DMA API does not allow there [phys=0x0000000000200000] "
                        + "[expected=" + hex(Pattern.at(9, 0)) + "] [cpu sees=0x0] [expected since step=3] [handle=m1] "
                        + "[direction=FROM_DEVICE] [after=UnmapSingle] [step 3]",
                "DMA-API: CPU reads data the DMA API does not allow there [phys=0x0000000000200000] "
                        + "[expected=" + hex(Pattern.at(9, 0)) + "] [read=0x0] [expected since step=3] [step 4]");
    }

    @Test
    void staleBounceDataLeakingIntoAFromDeviceBufferFires() {
        // CVE-2022-0854: P1's data passes through the slot; m2 (FROM_DEVICE) does not pre-fill the slot, the
        // device writes only 0x10 bytes, and unmap copies the whole slot back -- P1's bytes land in BUF2
        Scenario s = with(Platforms.direct(), t -> t.bounceAt = POOL);
        assertThat(s.run(new Op.CpuWrite(BUF, 0x100, 7), map("m1", BUF, Direction.TO_DEVICE),
                unmap("m1", Direction.TO_DEVICE))).isEmpty();
        ((ToyEngine) s.engine).skipCopyIn = true;
        List<Violation> v = s.run(map("m2", BUF2, Direction.FROM_DEVICE), new Op.DeviceWrite("m2", 0, 0, 0x10, 9),
                unmap("m2", Direction.FROM_DEVICE), new Op.CpuRead(BUF2 + 0x10, 0x10));
        // at the unmap a sampled byte the device never wrote (0x1c, the fixed hash's pick) shows P1's data ...
        assertThat(v.get(0)).hasToString("DMA-API: 0000:01:00.0: CPU would read data the DMA API does not allow there "
                + "[phys=0x000000000030001c] [expected=0x0] [cpu sees=" + hex(Pattern.at(7, 0x1c)) + "] "
                + "[expected since step=0] [handle=m2] [direction=FROM_DEVICE] [after=UnmapSingle] [step 6]");
        // ... and the CPU's read of bytes 0x10.. sees it too
        assertThat(v.get(1)).hasToString("DMA-API: CPU reads data the DMA API does not allow there "
                + "[phys=0x0000000000300010] [expected=0x0] [read=" + hex(Pattern.at(7, 0x10)) + "] "
                + "[expected since step=0] [step 7]");
    }

    @Test
    void aDeviceWriteThroughToDeviceMustFault() {
        Scenario s = with(Platforms.strict(), t -> t.ignoreDirection = true);
        assertThat(s.run(map("m1", BUF, Direction.TO_DEVICE), new Op.DeviceWrite("m1", 0, 0, 0x10, 1)))
                .singleElement().hasToString("DMA-API: 0000:01:00.0: device write through a TO_DEVICE mapping did not "
                        + "fault [device address=0x0000000010000000] [size=16 bytes] [handle=m1] [step 2]");
    }

    @Test
    void aFaultOnAnAllowedWriteFires() {
        Scenario s = new Scenario(Platforms.strict(), pl -> new ToyEngine(pl) {
            @Override
            public long mapPhys(DeviceId dev, long phys, long size, Direction dir, long attrs) {
                IommuHw h = pl.iommu(dev).orElseThrow();
                h.map(0x1000_0000L, phys & ~0xFFFL, 0x1000, IommuProt.READ); // read-only whatever the direction
                return 0x1000_0000L + (phys & 0xFFF);
            }
        }, new DataVisibility());
        assertThat(s.run(map("m1", BUF, Direction.FROM_DEVICE), new Op.DeviceWrite("m1", 0, 0, 0x10, 1)))
                .singleElement().satisfies(v -> {
                    assertThat(v.message()).isEqualTo("device write to a live FROM_DEVICE mapping faulted");
                    assertThat(v.evidence("device address")).isEqualTo("0x0000000010000000");
                });
    }
}
