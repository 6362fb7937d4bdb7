package org.dmacheck.impl.coherent;

import java.util.HashMap;
import java.util.Map;
import org.dmacheck.spec.api.CoherentBuffer;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Hardware;
import org.dmacheck.spec.platform.Unsigned;

/**
 * The outstanding coherent allocations of every path, like dma-debug's "coherent" entries: a free
 * must name a live allocation of that device with the same CPU address, DMA handle and size, or it
 * is refused with a warning (so a bad free never returns someone else's pages).
 */
public final class CoherentAllocations {
    private record Key(DeviceId dev, long cpuPhys) {
    }

    private final Hardware hw;
    private final Map<Key, CoherentBuffer> live = new HashMap<>();
    private long bytes;

    public CoherentAllocations(Hardware hw) {
        this.hw = hw;
    }

    /** Records a successful allocation. */
    public void allocated(DeviceId dev, CoherentBuffer buffer) {
        live.put(new Key(dev, buffer.cpuPhys()), buffer);
        bytes += buffer.size();
    }

    /**
     * Checks a free against the live allocations; true (and the allocation is forgotten) when it
     * matches one exactly, false with a warning otherwise.
     */
    public boolean release(DeviceId dev, CoherentBuffer buffer) {
        Key key = new Key(dev, buffer.cpuPhys());
        CoherentBuffer held = live.get(key);
        if (held == null) {
            hw.warn(dev + ": dma_free_attrs of cpu " + Unsigned.hex(buffer.cpuPhys()) + " [device address="
                    + Unsigned.hex(buffer.dmaAddr()) + "]: device driver tries to free DMA memory it has not allocated; ignored");
            return false;
        }
        if (!held.equals(buffer)) {
            hw.warn(dev + ": dma_free_attrs of cpu " + Unsigned.hex(buffer.cpuPhys()) + ": device driver frees DMA memory"
                    + " with different size or handle [device address=" + Unsigned.hex(held.dmaAddr()) + "] [map size="
                    + held.size() + " bytes] [unmap size=" + buffer.size() + " bytes]; ignored");
            return false;
        }
        live.remove(key);
        bytes -= held.size();
        return true;
    }

    /** Bytes of coherent allocations outstanding (the sizes the driver asked for). */
    public long bytes() {
        return bytes;
    }
}
