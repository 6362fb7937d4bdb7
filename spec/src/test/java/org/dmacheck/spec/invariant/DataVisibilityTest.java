package org.dmacheck.spec.invariant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dmacheck.spec.invariant.Platforms.BUF;
import static org.dmacheck.spec.invariant.Platforms.BUF2;
import static org.dmacheck.spec.invariant.Platforms.DEV;
import static org.dmacheck.spec.invariant.Platforms.POOL;

import java.util.function.Consumer;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.op.Pattern;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.IommuHw;
import org.dmacheck.spec.platform.IommuProt;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.platform.Unsigned;
import org.dmacheck.spec.testengine.ToyEngine;
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
    void aBounceWithoutCacheMaintenanceOnANonCoherentDeviceFires() {
        // the toy bounces with CPU copies but never cleans the cache: the copy into the slot sits in dirty
        // lines and the device reads the slot's old (zero) memory
        Scenario s = with(Platforms.direct(d -> d.coherent(false)), t -> t.bounceAt = POOL);
        assertThat(s.run(new Op.CpuWrite(BUF, 0x100, 5), map("m1", BUF, Direction.TO_DEVICE),
                new Op.DeviceRead("m1", 0, 0, 0x100))).singleElement()
                .satisfies(v -> assertThat(v.message()).isEqualTo("device reads data the CPU did not hand over"));
    }

    @Test
    void aMissingCopyInFires() {
        Scenario s = with(Platforms.direct(), t -> {
            t.bounceAt = POOL;
            t.skipCopyIn = true;
        });
        // the device reads the slot's zeros instead of pattern 5
        assertThat(s.run(new Op.CpuWrite(BUF, 0x100, 5), map("m1", BUF, Direction.TO_DEVICE),
                new Op.DeviceRead("m1", 0, 0, 0x100))).singleElement().hasToString(
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
                unmap("m1", Direction.FROM_DEVICE), new Op.CpuRead(BUF, 0x10))).singleElement().hasToString(
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
        assertThat(s.run(map("m2", BUF2, Direction.FROM_DEVICE), new Op.DeviceWrite("m2", 0, 0, 0x10, 9),
                unmap("m2", Direction.FROM_DEVICE), new Op.CpuRead(BUF2 + 0x10, 0x10))).singleElement().hasToString(
                "DMA-API: CPU reads data the DMA API does not allow there [phys=0x0000000000300010] [expected=0x0] "
                        + "[read=" + hex(Pattern.at(7, 0x10)) + "] [expected since step=0] [step 7]");
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
