package org.dmacheck.gen.dma;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.dmacheck.spec.api.Errno;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.driver.Binding;
import org.dmacheck.spec.driver.Executed;
import org.dmacheck.spec.driver.OpResult;
import org.dmacheck.spec.driver.SgSegment;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.DmaAttrs;
import org.dmacheck.spec.platform.DomainConfig;
import org.dmacheck.spec.platform.IommuDomainType;
import org.dmacheck.spec.platform.MemoryRegion;
import org.dmacheck.spec.platform.P2pMapType;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.platform.RegionKind;
import org.dmacheck.spec.platform.Resolution;
import org.dmacheck.spec.platform.Unsigned;

/**
 * Which {@link DmaPath}s one executed step exercised, derived from the platform, the step and what
 * it returned — never from the engine's insides, so it labels any engine. Call it right after the
 * step, while its mappings are live (it asks the platform where the device's addresses lead):
 *
 * <ul>
 *   <li>the device's domain gives direct / iommu strict / iommu lazy;</li>
 *   <li>bounce: a returned address whose first byte the device reaches in the swiotlb pool
 *       ({@code Platform.resolve}: through {@code dma_range_map} or the IOMMU, without side effects);</li>
 *   <li>P2P bus address: a map_sg segment flagged {@code SG_DMA_BUS_ADDRESS}; host bridge: P2P
 *       memory mapped for a client whose map type is {@code THRU_HOST_BRIDGE};</li>
 *   <li>sg merge: fewer segments than entries (bus-address entries never merge); split at a
 *       boundary (dma-iommu only): a segment ends on a seg boundary and the next one starts right
 *       there.</li>
 * </ul>
 */
public final class PathClassifier {
    /** {@code IOVA_FQ_TIMEOUT}: the flush-queue timer, in ms. */
    static final long FQ_TIMEOUT_MS = 10;

    private PathClassifier() {
    }

    /**
     * The paths {@code step} exercised on {@code platform}; {@code bindings} looks up a handle's
     * live binding after the step (e.g. {@code driver::binding}), for steps that name a handle.
     */
    public static Set<DmaPath> classify(Platform platform, Executed step,
                                        Function<String, Optional<Binding>> bindings) {
        Set<DmaPath> out = EnumSet.noneOf(DmaPath.class);
        Op op = step.op();
        OpResult r = step.result();
        if (op instanceof Op.MapSingle m && r instanceof OpResult.Mapped mapped) {
            if (mapped.failed()) {
                out.add(DmaPath.MAP_FAILED);
            } else {
                boolean mmio = m.kind() == Op.MapKind.RESOURCE || DmaAttrs.has(m.attrs(), DmaAttrs.MMIO);
                address(platform, m.dev(), mapped.dmaAddr(), !mmio, out);
                hostBridge(platform, m.dev(), m.phys(), out);
            }
        } else if (op instanceof Op.MapSg m && r instanceof OpResult.MappedSg sg) {
            scatterlist(platform, m, sg, out);
        } else if (op instanceof Op.IovaTryAlloc t && r instanceof OpResult.IovaAllocated a) {
            if (a.ok()) {
                out.add(DmaPath.TWO_STEP);
                out.add(domainPath(platform, t.dev()));
            } else {
                out.add(DmaPath.MAP_FAILED);
            }
        } else if (op instanceof Op.IovaLink l && r instanceof OpResult.Status st) {
            Optional<Binding> b = bindings.apply(l.handle());
            if (st.failed() || b.isEmpty() || !(b.get() instanceof Binding.Iova v)) {
                out.add(DmaPath.MAP_FAILED);
            } else {
                out.add(DmaPath.TWO_STEP);
                boolean mmio = DmaAttrs.has(l.attrs(), DmaAttrs.MMIO);
                address(platform, v.dev(), v.state().addr() + l.offset(), !mmio, out);
                hostBridge(platform, v.dev(), l.phys(), out);
            }
        } else if (op instanceof Op.AllocCoherent a && r instanceof OpResult.Allocated alloc) {
            if (alloc.failed()) {
                out.add(DmaPath.MAP_FAILED);
            } else {
                out.add(DmaPath.COHERENT);
                out.add(domainPath(platform, a.dev()));
            }
        } else if (op instanceof Op.Tick t && t.millis() >= FQ_TIMEOUT_MS
                && platform.config().domains().stream().anyMatch(DomainConfig::lazy)) {
            out.add(DmaPath.FLUSH_TIMEOUT);
        }
        return out;
    }

    private static void scatterlist(Platform platform, Op.MapSg m, OpResult.MappedSg sg, Set<DmaPath> out) {
        if (sg.failed()) {
            out.add(sg.count() == -Errno.EREMOTEIO ? DmaPath.P2P_REFUSED : DmaPath.MAP_FAILED);
            return;
        }
        List<SgSegment> segs = sg.segments();
        boolean swiotlb = !segs.isEmpty() && (segs.get(0).flags() & Scatterlist.SG_DMA_SWIOTLB) != 0;
        for (SgSegment s : segs) {
            if (s.busAddress()) {
                out.add(DmaPath.P2P_BUS_ADDRESS);
            } else {
                address(platform, m.dev(), s.dmaAddr(), true, out);
            }
        }
        if (swiotlb) {
            out.add(DmaPath.BOUNCE);
        }
        for (Scatterlist.Chunk c : m.entries()) {
            hostBridge(platform, m.dev(), c.phys(), out);
        }
        if (sg.count() < m.entries().size()) {
            out.add(DmaPath.SG_MERGE);
        }
        // only dma-iommu lays a list out in one IOVA range; dma-direct segments are the entries themselves
        long mask = platform.device(m.dev()).segBoundaryMask();
        boolean iommu = domainPath(platform, m.dev()) != DmaPath.DIRECT;
        for (int i = 0; iommu && i + 1 < segs.size(); i++) {
            SgSegment a = segs.get(i);
            SgSegment b = segs.get(i + 1);
            long end = a.dmaAddr() + a.length();
            // the boundary 2^64 (mask all ones) is never a split point
            if (!a.busAddress() && !b.busAddress() && mask != Unsigned.MAX && (end & mask) == 0
                    && b.dmaAddr() == end) {
                out.add(DmaPath.SG_SPLIT_AT_BOUNDARY);
            }
        }
    }

    /** The device's path, plus {@link DmaPath#BOUNCE} when the device's byte at {@code dma} lands in the pool. */
    private static void address(Platform platform, DeviceId dev, long dma, boolean mayBounce, Set<DmaPath> out) {
        out.add(domainPath(platform, dev));
        MemoryRegion pool = platform.config().swiotlbPool();
        if (mayBounce && pool != null && platform.resolve(dev, dma, false) instanceof Resolution.Reached reached
                && pool.contains(reached.phys())) {
            out.add(DmaPath.BOUNCE);
        }
    }

    private static DmaPath domainPath(Platform platform, DeviceId dev) {
        DeviceConfig d = platform.device(dev);
        if (d.iommuDomain() == null) {
            return DmaPath.DIRECT;
        }
        IommuDomainType type = platform.domain(d.iommuDomain()).config().type();
        return switch (type) {
            case DMA -> DmaPath.IOMMU_STRICT;
            case DMA_FQ -> DmaPath.IOMMU_LAZY;
            case IDENTITY, BLOCKED -> DmaPath.DIRECT;
        };
    }

    private static void hostBridge(Platform platform, DeviceId dev, long phys, Set<DmaPath> out) {
        MemoryRegion r = platform.regionOf(phys);
        if (r != null && r.kind() == RegionKind.P2P_BAR
                && platform.p2pMapType(r.owner(), dev).type() == P2pMapType.THRU_HOST_BRIDGE) {
            out.add(DmaPath.HOST_BRIDGE);
        }
    }
}
