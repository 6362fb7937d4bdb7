package org.dmacheck.spec.invariant;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.dmacheck.spec.api.Errno;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.MemoryRegion;
import org.dmacheck.spec.platform.P2pMapType;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.platform.RegionKind;
import org.dmacheck.spec.testengine.ToyEngine;
import org.junit.jupiter.api.Test;

/**
 * bug-classes.md #37: the provider's BAR is at CPU 0x40_0000_0000 and bus 0x8000_0000, so
 * bus_offset = 0x8000_0000 - 0x40_0000_0000 = -0x3f_8000_0000 (0xffffffc080000000 as u64). A client
 * under the same switch reaches BAR + 0x1000 at bus address 0x8000_1000.
 */
class P2pTranslationTest {
    private static final String PROVIDER = "0000:04:00.0";
    private static final DeviceId CLIENT = DeviceId.of("0000:03:00.0");
    private static final DeviceId FAR = DeviceId.of("0000:06:00.0");
    private static final long BAR = 0x40_0000_0000L;
    private static final long BUS_OFFSET = 0x8000_0000L - BAR;

    private static Platform platform() {
        return Platform.builder().hostBridge("hb0", false)
                .rootPort("0000:00:01.0", "hb0", false).switchUpstream("0000:01:00.0", "0000:00:01.0")
                .switchDownstream("0000:02:00.0", "0000:01:00.0", false)
                .switchDownstream("0000:02:01.0", "0000:01:00.0", false)
                .endpoint(CLIENT.name(), "0000:02:00.0").endpoint(PROVIDER, "0000:02:01.0")
                .rootPort("0000:00:02.0", "hb0", false).endpoint(FAR.name(), "0000:00:02.0")
                .p2pBar(PROVIDER, BAR, 0x10_0000, BUS_OFFSET)
                .device(DeviceConfig.builder(CLIENT.name()).build())
                .device(DeviceConfig.builder(FAR.name()).build()).build();
    }

    /** A toy that classifies P2P entries: BUS_ADDR gets {@code phys + sign * bus_offset}, flagged. */
    private static ToyEngine p2pToy(Platform pl, long sign, int unsupportedErrno) {
        return new ToyEngine(pl) {
            @Override
            public int mapSg(DeviceId dev, Scatterlist sgl, int nents, Direction dir, long attrs) {
                for (int i = 0; i < nents; i++) {
                    Scatterlist.Entry e = sgl.get(i);
                    MemoryRegion r = pl.regionOf(e.phys());
                    if (r.kind() != RegionKind.P2P_BAR) {
                        e.setDma(e.phys(), e.length());
                        continue;
                    }
                    P2pMapType t = pl.p2pMapType(r.owner(), dev).type();
                    if (t == P2pMapType.NOT_SUPPORTED) {
                        return unsupportedErrno;
                    }
                    e.setDma(e.phys() + sign * r.busOffset(), e.length());
                    e.setDmaFlags(Scatterlist.SG_DMA_BUS_ADDRESS);
                }
                return nents;
            }
        };
    }

    private static Op mapSg(DeviceId dev, long phys) {
        return new Op.MapSg("s1", dev, List.of(new Scatterlist.Chunk(phys, 0x1000)), Direction.TO_DEVICE, 0);
    }

    @Test
    void busAddressIsPhysPlusBusOffset() {
        Scenario s = new Scenario(platform(), pl -> p2pToy(pl, 1, -Errno.EREMOTEIO), new P2pTranslation(), new Translation());
        assertThat(s.run(mapSg(CLIENT, BAR + 0x1000), new Op.DeviceRead("s1", 0, 0, 16))).isEmpty();
        assertThat(s.checker.driver().binding("s1").get().targets().get(0).dmaAddr()).isEqualTo(0x8000_1000L);
    }

    @Test
    void subtractingTheOffsetFires() {
        // the 4.20-era map_sg: dma = phys - offset = 0x40_0000_1000 + 0x3f_8000_0000 = 0x7f_8000_1000
        Scenario s = new Scenario(platform(), pl -> p2pToy(pl, -1, -Errno.EREMOTEIO), new P2pTranslation());
        assertThat(s.run(mapSg(CLIENT, BAR + 0x1000))).singleElement().hasToString(
                "DMA-API: 0000:03:00.0: P2P bus-address entry not mapped to its own segment at phys + bus_offset "
                        + "[entry=0] [phys=0x0000004000001000] [provider=0000:04:00.0] [bus_offset=0xffffffc080000000] "
                        + "[expected bus address=0x0000000080001000] [device address=0x0000007f80001000] [flagged=true] "
                        + "[segment length=4096 bytes] [handle=s1] [step 1]");
    }

    @Test
    void anUnreachablePeerMustFailWithEremoteio() {
        // FAR sits under another root port of a host bridge not on the P2P allow-list: NOT_SUPPORTED
        Scenario s = new Scenario(platform(), pl -> p2pToy(pl, 1, -Errno.ENOMEM), new P2pTranslation());
        assertThat(s.run(mapSg(FAR, BAR + 0x1000))).singleElement().hasToString(
                "DMA-API: 0000:06:00.0: dma_map_sg of P2P memory the device cannot reach does not fail with -EREMOTEIO "
                        + "[entry=0] [phys=0x0000004000001000] [provider=0000:04:00.0] [returned=-ENOMEM] [step 1]");
        Scenario ok = new Scenario(platform(), pl -> p2pToy(pl, 1, -Errno.EREMOTEIO), new P2pTranslation());
        assertThat(ok.run(mapSg(FAR, BAR + 0x1000))).isEmpty();
    }

    /** A toy whose map_sg always returns {@code code}, touching nothing. */
    private static ToyEngine returning(Platform pl, int code) {
        return new ToyEngine(pl) {
            @Override
            public int mapSg(DeviceId dev, Scatterlist sgl, int nents, Direction dir, long attrs) {
                return code;
            }
        };
    }

    private static Op ramThenPeer(DeviceId dev) {
        return new Op.MapSg("s1", dev, List.of(new Scatterlist.Chunk(Platforms.BUF, 0x1000),
                new Scatterlist.Chunk(BAR + 0x1000, 0x1000)), Direction.TO_DEVICE, 0);
    }

    @Test
    void aRamEntryBeforeAnUnreachablePeerMayFailTheDirectListFirst() {
        // dma_direct_map_sg maps entry 0 (RAM) before it classifies entry 1; if entry 0 cannot be
        // mapped the list fails with -EIO and never reaches the peer (§3.7): allowed
        Scenario eio = new Scenario(platform(), pl -> returning(pl, -Errno.EIO), new P2pTranslation());
        assertThat(eio.run(ramThenPeer(FAR))).isEmpty();
        // but the list must fail: mapping it fires
        Scenario mapped = new Scenario(platform(), pl -> returning(pl, 2), new P2pTranslation());
        assertThat(mapped.run(ramThenPeer(FAR))).singleElement().hasToString(
                "DMA-API: 0000:06:00.0: dma_map_sg of P2P memory the device cannot reach does not fail "
                        + "[entry=1] [phys=0x0000004000001000] [provider=0000:04:00.0] [returned=2 segments] [step 1]");
        // with the peer first nothing can fail before it: -EIO fires
        Scenario peerFirst = new Scenario(platform(), pl -> returning(pl, -Errno.EIO), new P2pTranslation());
        assertThat(peerFirst.run(mapSg(FAR, BAR + 0x1000))).singleElement()
                .satisfies(v -> assertThat(v.message()).endsWith("does not fail with -EREMOTEIO"));
    }

    @Test
    void ramFlaggedAsBusAddressFires() {
        Scenario s = new Scenario(platform(), pl -> new ToyEngine(pl) {
            @Override
            public int mapSg(DeviceId dev, Scatterlist sgl, int nents, Direction dir, long attrs) {
                int n = super.mapSg(dev, sgl, nents, dir, attrs);
                sgl.get(0).setDmaFlags(Scatterlist.SG_DMA_BUS_ADDRESS);
                return n;
            }
        }, new P2pTranslation());
        assertThat(s.run(mapSg(CLIENT, Platforms.BUF))).singleElement()
                .satisfies(v -> assertThat(v.message()).isEqualTo("dma_map_sg flags a segment as a P2P bus address that is not"))
                .satisfies(v -> assertThat(v.evidence("map type")).isEqualTo("NONE"));
    }
}
