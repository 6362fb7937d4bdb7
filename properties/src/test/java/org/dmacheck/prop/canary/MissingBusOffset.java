package org.dmacheck.prop.canary;

import java.util.Set;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.Hardware;
import org.dmacheck.spec.platform.MemoryRegion;
import org.dmacheck.spec.platform.RegionKind;

/**
 * Missing bus_offset (bug P2P-BUS-OFFSET-SIGN's relative): a BUS_ADDR P2P segment gets the CPU
 * physical address of the peer's BAR instead of {@code phys + bus_offset}.
 */
public final class MissingBusOffset extends CanaryProvider {
    public MissingBusOffset() {
        super("canary-missing-bus-offset", "resource-p2p",
                "reference engine whose P2P bus-address segments forget the provider's bus_offset",
                Set.of("P2pTranslation"));
    }

    @Override
    DmaEngine wrapEngine(DmaEngine reference, Hardware real) {
        return new ForwardingEngine(reference) {
            @Override
            public int mapSg(DeviceId dev, Scatterlist sgl, int nents, Direction dir, long attrs) {
                int ents = inner.mapSg(dev, sgl, nents, dir, attrs);
                for (int i = 0; i < Math.max(ents, 0); i++) {
                    Scatterlist.Entry e = sgl.get(i);
                    if (e.isBusAddress()) {
                        MemoryRegion bar = barAtBus(real, e.dmaAddress());
                        if (bar != null) {
                            e.setDma(e.dmaAddress() - bar.busOffset(), e.dmaLength());
                        }
                    }
                }
                return ents;
            }
        };
    }

    private static MemoryRegion barAtBus(Hardware hw, long bus) {
        return hw.config().regions().stream()
                .filter(r -> r.kind() == RegionKind.P2P_BAR && r.busOffset() != 0 && r.containsBus(bus))
                .findFirst().orElse(null);
    }
}
