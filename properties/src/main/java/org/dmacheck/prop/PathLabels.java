package org.dmacheck.prop;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.driver.Executed;
import org.dmacheck.spec.driver.OpResult;
import org.dmacheck.spec.driver.SgSegment;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.IommuDomainType;
import org.dmacheck.spec.platform.IommuHw;
import org.dmacheck.spec.platform.MemoryRegion;
import org.dmacheck.spec.platform.P2pMapType;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.platform.RegionKind;
import org.dmacheck.spec.platform.Resolution;
import org.dmacheck.spec.platform.Unsigned;

/**
 * Which mapping paths a run reached, judged from what the engine returned and where the device's
 * addresses lead — not from what the generator intended — so a generator (or an engine) that stops
 * reaching a path shows up in the coverage table and fails its coverage requirement.
 */
public final class PathLabels {
    public static final String DIRECT = "path: direct";
    public static final String BOUNCE = "path: bounce";
    public static final String IOMMU_STRICT = "path: iommu strict";
    public static final String IOMMU_LAZY = "path: iommu lazy";
    public static final String P2P_BUS_ADDRESS = "path: p2p bus address";
    public static final String HOST_BRIDGE = "path: host bridge";
    public static final String TWO_STEP = "path: two-step";
    public static final String SG_MERGE = "path: sg merge";
    public static final String SG_SPLIT_AT_BOUNDARY = "path: sg split at boundary";

    /** Every path label, in table order. */
    public static final List<String> ALL = List.of(DIRECT, BOUNCE, IOMMU_STRICT, IOMMU_LAZY, P2P_BUS_ADDRESS,
            HOST_BRIDGE, TWO_STEP, SG_MERGE, SG_SPLIT_AT_BOUNDARY);

    private final Platform platform;
    private final Set<String> labels = new LinkedHashSet<>();

    public PathLabels(Platform platform) {
        this.platform = platform;
    }

    /** The labels reached so far. */
    public Set<String> labels() {
        return labels;
    }

    /** Classifies one executed step; call right after it ran, while its mappings are live. */
    public void observe(Executed e) {
        if (e.op() instanceof Op.MapSingle m && e.result() instanceof OpResult.Mapped r && !r.failed()) {
            mapped(m.dev(), r.dmaAddr(), m.phys());
        } else if (e.op() instanceof Op.MapSg m && e.result() instanceof OpResult.MappedSg r && !r.failed()) {
            mappedSg(m, r);
        } else if (e.op() instanceof Op.IovaLink && e.result() instanceof OpResult.Status s && !s.failed()) {
            labels.add(TWO_STEP);
        }
    }

    private void mapped(DeviceId dev, long dmaAddr, long phys) {
        labels.add(pathOf(dev));
        if (bounced(dev, dmaAddr)) {
            labels.add(BOUNCE);
        }
        if (p2pType(dev, phys) == P2pMapType.THRU_HOST_BRIDGE) {
            labels.add(HOST_BRIDGE);
        }
    }

    private void mappedSg(Op.MapSg m, OpResult.MappedSg r) {
        List<SgSegment> segs = r.segments();
        for (SgSegment s : segs) {
            if (s.busAddress()) {
                labels.add(P2P_BUS_ADDRESS);
            } else {
                labels.add(pathOf(m.dev()));
                if (bounced(m.dev(), s.dmaAddr())) {
                    labels.add(BOUNCE);
                }
            }
        }
        for (Scatterlist.Chunk c : m.entries()) {
            if (p2pType(m.dev(), c.phys()) == P2pMapType.THRU_HOST_BRIDGE) {
                labels.add(HOST_BRIDGE);
            }
        }
        if (segs.size() < m.entries().size()) {
            labels.add(SG_MERGE);
        }
        if (platform.iommu(m.dev()).map(i -> i.config().type().usesDmaIommu()).orElse(false)
                && splitAtBoundary(platform.device(m.dev()), segs)) {
            labels.add(SG_SPLIT_AT_BOUNDARY);
        }
    }

    private String pathOf(DeviceId dev) {
        Optional<IommuHw> iommu = platform.iommu(dev);
        IommuDomainType type = iommu.map(i -> i.config().type()).orElse(IommuDomainType.IDENTITY);
        return switch (type) {
            case DMA -> IOMMU_STRICT;
            case DMA_FQ -> IOMMU_LAZY;
            default -> DIRECT;
        };
    }

    /** Whether the device's first byte at {@code dmaAddr} lands in the swiotlb pool. */
    private boolean bounced(DeviceId dev, long dmaAddr) {
        MemoryRegion pool = platform.config().swiotlbPool();
        return pool != null && platform.resolve(dev, dmaAddr, false) instanceof Resolution.Reached reached
                && pool.contains(reached.phys());
    }

    private P2pMapType p2pType(DeviceId client, long phys) {
        MemoryRegion r = platform.regionOf(phys);
        if (r == null || r.kind() != RegionKind.P2P_BAR) {
            return P2pMapType.NONE;
        }
        return platform.p2pMapType(r.owner(), client).type();
    }

    /** Whether a segment other than the last ends exactly on the device's segment boundary. */
    private static boolean splitAtBoundary(DeviceConfig d, List<SgSegment> segs) {
        if (d.segBoundaryMask() == Unsigned.MAX) {
            return false;
        }
        for (int i = 0; i + 1 < segs.size(); i++) {
            SgSegment s = segs.get(i);
            if (!s.busAddress() && s.length() > 0 && ((s.dmaAddr() + s.length()) & d.segBoundaryMask()) == 0) {
                return true;
            }
        }
        return false;
    }
}
