package org.dmacheck.spec.invariant;

import static org.assertj.core.api.Assertions.assertThat;

import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.platform.Unsigned;
import org.dmacheck.spec.testengine.ToyEngine;
import org.dmacheck.spec.violation.Violation;
import org.junit.jupiter.api.Test;

class MaskRespectedTest {
    private static final DeviceId DEV = DeviceId.of("0000:01:00.0");

    private static Platform platform() {
        return Platform.builder().device(DeviceConfig.builder(DEV.name()).masks(Unsigned.bitMask(32)).build()).build();
    }

    @Test
    void mappingAbove4GForA32BitDeviceFires() {
        Platform p = platform();
        Scenario s = new Scenario(p, pl -> {
            ToyEngine t = new ToyEngine(pl);
            t.fixedAddress = 0x1_0000_0000L; // a broken engine ignoring the mask
            return t;
        }, new MaskRespected());
        var v = s.run(new Op.MapSingle("m1", DEV, Op.MapKind.PHYS, 0x20_0000L, 0x1000, Direction.TO_DEVICE, 0));
        assertThat(v).hasSize(1);
        Violation x = v.get(0);
        assertThat(x.kind()).isEqualTo("MaskRespected");
        assertThat(x.toString()).isEqualTo("DMA-API: 0000:01:00.0: device driver maps memory beyond dma_mask "
                + "[device address=0x0000000100000000] [map size=4096 bytes] [dma_mask=0xffffffff] [handle=m1] [step 1]");
    }

    @Test
    void mappingEndingExactlyAtTheMaskHolds() {
        Platform p = platform();
        Scenario s = new Scenario(p, pl -> {
            ToyEngine t = new ToyEngine(pl);
            t.fixedAddress = 0xFFFF_F000L; // last byte 0xFFFF_FFFF == dma_mask
            return t;
        }, new MaskRespected());
        assertThat(s.run(new Op.MapSingle("m1", DEV, Op.MapKind.PHYS, 0x20_0000L, 0x1000, Direction.TO_DEVICE, 0)))
                .isEmpty();
    }

    @Test
    void oneByteMoreFires() {
        Platform p = platform();
        Scenario s = new Scenario(p, pl -> {
            ToyEngine t = new ToyEngine(pl);
            t.fixedAddress = 0xFFFF_F001L; // last byte 0x1_0000_0000 > dma_mask
            return t;
        }, new MaskRespected());
        assertThat(s.run(new Op.MapSingle("m1", DEV, Op.MapKind.PHYS, 0x20_0000L, 0x1000, Direction.TO_DEVICE, 0)))
                .singleElement().extracting(vv -> vv.evidence("device address")).isEqualTo("0x00000000fffff001");
    }
}
