package org.dmacheck.prop.canary;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.DomainConfig;
import org.dmacheck.spec.platform.Hardware;
import org.dmacheck.spec.platform.IommuHw;
import org.dmacheck.spec.platform.IovaRange;

/**
 * Early IOVA reuse in lazy mode (bug-classes.md class 2): in a flush-queue domain the IOTLB
 * invalidations never reach the hardware, so when the queue's IOVAs are freed and handed out
 * again the device still holds stale translations to the old pages.
 */
public final class LazyFlushSkipped extends CanaryProvider {
    public LazyFlushSkipped() {
        super("canary-lazy-flush-skipped", "lazy-flush",
                "reference engine whose IOTLB invalidations in DMA_FQ domains are lost (IOVA reused before the flush)",
                Set.of("NoStaleAccess"));
    }

    @Override
    Hardware wrapHardware(Hardware real) {
        return new ForwardingHardware(real) {
            @Override
            public Optional<IommuHw> iommu(DeviceId id) {
                return real.iommu(id).map(hw -> hw.config().lazy() ? new NoFlush(hw) : hw);
            }
        };
    }

    /** An IOMMU whose IOTLB invalidations do nothing. */
    private record NoFlush(IommuHw real) implements IommuHw {
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
            return real.map(iova, phys, size, prot);
        }

        @Override
        public int mapNoSync(long iova, long phys, long size, int prot) {
            return real.mapNoSync(iova, phys, size, prot);
        }

        @Override
        public int syncMap(long iova, long size) {
            return real.syncMap(iova, size);
        }

        @Override
        public long unmap(long iova, long size) {
            return real.unmap(iova, size);
        }

        @Override
        public void iotlbSync(long iova, long size) {
            // the bug: the invalidation is lost
        }

        @Override
        public void flushIotlbAll() {
            // the bug: the flush-queue flush is lost
        }

        @Override
        public long iovaToPhys(long iova) {
            return real.iovaToPhys(iova);
        }
    }
}
