package org.dmacheck.prop.canary;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.api.DmaIovaState;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.DomainConfig;
import org.dmacheck.spec.platform.Hardware;
import org.dmacheck.spec.platform.IommuHw;
import org.dmacheck.spec.platform.IovaRange;
import org.dmacheck.spec.platform.Unsigned;

/**
 * IOVA allocation off by one granule: for a {@code dma_iova_try_alloc} reservation the allocator
 * records {@code [p, p+n)} but the range handed out — and linked, and reached by the device — is
 * {@code [p-1, p+n-1)} (in granules). Granule {@code p-1} stays free in the allocator, so the next
 * allocation (top-down) lands on it and two live ranges of one domain overlap. Everything else is
 * consistent: the device reaches what the driver linked.
 */
public final class IovaOffByOneGranule extends CanaryProvider {
    public IovaOffByOneGranule() {
        super("canary-iova-off-by-one", "two-step",
                "reference engine whose two-step reservations are handed out one granule below what the allocator recorded",
                Set.of("NoIovaOverlap"));
    }

    @Override
    public DmaEngine create(Hardware hardware) {
        List<IovaRange> recorded = new ArrayList<>();
        DmaEngine reference = reference(new ForwardingHardware(hardware) {
            @Override
            public Optional<IommuHw> iommu(DeviceId id) {
                return real.iommu(id).map(hw -> new Shifted(hw, recorded));
            }
        });
        return new ShiftedStates(reference, hardware, recorded);
    }

    /** The granule below {@code iova} when it lies in a recorded reservation (the bug), else {@code iova}. */
    private static long handedOut(long iova, long granule, List<IovaRange> recorded) {
        for (IovaRange r : recorded) {
            if (Unsigned.within(iova, r.start(), r.last())) {
                return iova - granule;
            }
        }
        return iova;
    }

    /** The driver's states are the engine's, one granule lower. */
    private static final class ShiftedStates extends ForwardingEngine {
        private final Hardware real;
        private final List<IovaRange> recorded;
        private final Map<DmaIovaState, DmaIovaState> engineState = new IdentityHashMap<>();

        ShiftedStates(DmaEngine inner, Hardware real, List<IovaRange> recorded) {
            super(inner);
            this.real = real;
            this.recorded = recorded;
        }

        private DmaIovaState own(DmaIovaState driver) {
            return engineState.computeIfAbsent(driver, k -> new DmaIovaState());
        }

        private long granule(DeviceId dev) {
            return real.iommu(dev).orElseThrow().config().granule();
        }

        private void publish(DeviceId dev, DmaIovaState driver) {
            DmaIovaState e = own(driver);
            driver.set(e.inUse() ? e.addr() - granule(dev) : e.addr(), e.rawSize());
        }

        private IovaRange reservation(DeviceId dev, DmaIovaState e) {
            long g = granule(dev);
            long start = Unsigned.alignDown(e.addr(), g);
            long len = Unsigned.alignUp(e.size() + (e.addr() & (g - 1)), g);
            return new IovaRange(start, start + len - 1, "two-step reservation");
        }

        @Override
        public boolean iovaTryAlloc(DeviceId dev, DmaIovaState state, long phys, long size) {
            DmaIovaState e = own(state);
            boolean ok = inner.iovaTryAlloc(dev, e, phys, size);
            if (ok) {
                recorded.add(reservation(dev, e));
            }
            publish(dev, state);
            return ok;
        }

        @Override
        public int iovaLink(DeviceId dev, DmaIovaState state, long phys, long offset, long size, Direction dir,
                            long attrs) {
            int r = inner.iovaLink(dev, own(state), phys, offset, size, dir, attrs);
            publish(dev, state);
            return r;
        }

        @Override
        public int iovaSync(DeviceId dev, DmaIovaState state, long offset, long size) {
            return inner.iovaSync(dev, own(state), offset, size);
        }

        @Override
        public void iovaUnlink(DeviceId dev, DmaIovaState state, long offset, long size, Direction dir, long attrs) {
            inner.iovaUnlink(dev, own(state), offset, size, dir, attrs);
        }

        @Override
        public void iovaFree(DeviceId dev, DmaIovaState state) {
            release(dev, state);
            inner.iovaFree(dev, own(state));
            publish(dev, state);
        }

        @Override
        public void iovaDestroy(DeviceId dev, DmaIovaState state, long mappedLen, Direction dir, long attrs) {
            inner.iovaDestroy(dev, own(state), mappedLen, dir, attrs);
            release(dev, state);
            publish(dev, state);
        }

        private void release(DeviceId dev, DmaIovaState state) {
            DmaIovaState e = own(state);
            if (e.inUse()) {
                recorded.remove(reservation(dev, e));
            }
        }
    }

    /** The page table as the engine programs it: inside a recorded reservation, one granule lower. */
    private record Shifted(IommuHw real, List<IovaRange> recorded) implements IommuHw {
        private long at(long iova) {
            return handedOut(iova, real.config().granule(), recorded);
        }

        @Override
        public DomainConfig config() {
            return real.config();
        }

        @Override
        public List<IovaRange> reservedRegions() {
            return real.reservedRegions();
        }

        @Override
        public int map(long iova, long phys, long size, int prot) {
            return real.map(at(iova), phys, size, prot);
        }

        @Override
        public int mapNoSync(long iova, long phys, long size, int prot) {
            return real.mapNoSync(at(iova), phys, size, prot);
        }

        @Override
        public int syncMap(long iova, long size) {
            return real.syncMap(at(iova), size);
        }

        @Override
        public long unmap(long iova, long size) {
            return real.unmap(at(iova), size);
        }

        @Override
        public void iotlbSync(long iova, long size) {
            real.iotlbSync(at(iova), size);
        }

        @Override
        public void flushIotlbAll() {
            real.flushIotlbAll();
        }

        @Override
        public long iovaToPhys(long iova) {
            return real.iovaToPhys(at(iova));
        }
    }
}
