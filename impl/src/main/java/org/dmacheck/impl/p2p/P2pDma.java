package org.dmacheck.impl.p2p;

import org.dmacheck.impl.addressing.DmaAddressing;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Hardware;
import org.dmacheck.spec.platform.MemoryRegion;
import org.dmacheck.spec.platform.P2pMapType;
import org.dmacheck.spec.platform.RegionKind;

/**
 * Per-entry P2P classification, as {@code pci_p2pdma_state()} does it ({@code drivers/pci/p2pdma.c}):
 * memory that is not a P2PDMA BAR is {@link P2pMapType#NONE}; a BAR page gets the topology's map
 * type for (provider, client).
 */
public final class P2pDma {
    private P2pDma() {
    }

    /** The classification of one physical range start for one client device. */
    public record P2pClass(P2pMapType type, MemoryRegion bar) {
        /** {@code pci_p2pdma_bus_addr_map()}: {@code phys + provider->bus_offset}. */
        public long busAddr(long phys) {
            return phys + bar.busOffset();
        }

        /**
         * Whether the client can emit the bus addresses of {@code [phys, phys+len)}: they must lie at
         * or below {@code min_not_zero(dma_mask, bus_dma_limit)} ({@code dma_capable}). Linux does not
         * check a bus-address entry at all; the reference engine fails the list with
         * {@code -EREMOTEIO} ("P2P memory the device cannot reach", §2.4) instead of handing out an
         * address the device cannot put on the bus.
         */
        public boolean busReachable(DeviceConfig client, long phys, long len) {
            return type != P2pMapType.BUS_ADDR || DmaAddressing.dmaCapable(client, busAddr(phys), len);
        }
    }

    private static final P2pClass NOT_P2P = new P2pClass(P2pMapType.NONE, null);

    /** {@code pci_p2pdma_state(state, dev, page)} for the page holding {@code phys}. */
    public static P2pClass classify(Hardware hw, DeviceId client, long phys) {
        MemoryRegion region = hw.regionOf(phys);
        if (region == null || region.kind() != RegionKind.P2P_BAR) {
            return NOT_P2P;
        }
        return new P2pClass(hw.p2pMapType(region.owner(), client).type(), region);
    }
}
