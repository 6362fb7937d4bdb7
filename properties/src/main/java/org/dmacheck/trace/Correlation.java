package org.dmacheck.trace;

import java.util.List;
import org.dmacheck.spec.platform.DmaAttrs;
import org.dmacheck.spec.platform.Unsigned;
import org.dmacheck.trace.Finding.Kind;

/**
 * Trace invariants 53 and 55 (§13 J): an IOMMU-path map matches the {@code iommu:map} its task
 * emitted just before it (granule-rounded IOVA, paddr and size; the unmap likewise), and a bounced
 * map follows the {@code swiotlb_bounced} of its original buffer.
 */
final class Correlation {
    private Correlation() {
    }

    static void bounce(TraceChecker c, TraceChecker.DeviceState d, KernelEvent.SingleMap m, LiveMapping live,
                       List<KernelEvent.SwiotlbBounced> bounces) {
        KernelEvent.SwiotlbBounced b = bounces.stream().filter(x -> x.dev().equals(m.dev())).findFirst().orElse(null);
        int line = m.at().line();
        if (b == null) {
            if (d.forcedBounce && !DmaAttrs.has(m.attrs(), DmaAttrs.MMIO)) {
                // dma_direct_map_phys(): is_swiotlb_force_bounce() sends every RAM mapping to swiotlb_map()
                c.finding(c.lossyBefore(line) ? Kind.LOST : Kind.KERNEL, line, "bounce-correlation", m.dev(),
                        "mapping of a force-bounced device without a swiotlb_bounced event " + live.describe());
            }
            return;
        }
        live.bounced = true;
        String evidence = " [swiotlb_bounced at line " + b.at().line() + ": dev_addr=0x" + Long.toHexString(b.devAddr())
                + " size=" + b.size() + "]";
        if (b.size() != m.size()) {
            c.finding(Kind.KERNEL, line, "bounce-correlation", m.dev(), "bounced size differs from the mapping "
                    + live.describe() + evidence);
        }
        if (m.phys().isPresent()) {
            // the original's DMA address: phys_to_dma(phys), a constant offset per device (identity here)
            long offset = b.devAddr() - m.phys().getAsLong();
            if (d.bounceOffset == null) {
                d.bounceOffset = offset;
            } else if (d.bounceOffset != offset) {
                c.finding(Kind.KERNEL, line, "bounce-correlation", m.dev(), "swiotlb_bounced dev_addr does not"
                        + " belong to the mapped phys_addr=0x" + Long.toHexString(m.phys().getAsLong()) + evidence);
            }
        }
        if (m.dmaAddr() == b.devAddr() && !d.iommuPath) {
            c.finding(Kind.KERNEL, line, "bounce-correlation", m.dev(), "bounced mapping returned the original"
                    + " buffer's address, not a bounce slot " + live.describe() + evidence);
        }
    }

    static void iommuMap(TraceChecker c, TraceChecker.DeviceState d, KernelEvent.SingleMap m, LiveMapping live,
                         List<KernelEvent.IommuMap> maps, boolean sawIommu, long granule) {
        int line = m.at().line();
        if (maps.isEmpty()) {
            if (d.iommuPath && sawIommu && !DmaAttrs.has(m.attrs(), DmaAttrs.MMIO)) {
                c.finding(c.lossyBefore(line) ? Kind.LOST : Kind.KERNEL, line, "iommu-correlation", m.dev(),
                        "no iommu:map for an IOMMU-path mapping " + live.describe());
            }
            return;
        }
        // __iommu_dma_map(): iova_align(size + iova_offset(phys)) mapped at the granule-aligned IOVA
        long iova = Unsigned.alignDown(m.dmaAddr(), granule);
        long size = Unsigned.alignUp(m.size() + (m.dmaAddr() - iova), granule);
        KernelEvent.IommuMap im = maps.stream().filter(x -> x.iova() == iova).findFirst().orElse(null);
        if (im == null) {
            KernelEvent.IommuMap other = maps.get(0);
            c.finding(Kind.KERNEL, line, "iommu-correlation", m.dev(), "iommu:map at line " + other.at().line()
                    + " maps iova=0x" + Long.toHexString(other.iova()) + ", not the granule-rounded address 0x"
                    + Long.toHexString(iova) + " of " + live.describe());
            return;
        }
        d.iommuPath = true;
        live.viaIommu = true;
        live.iommuIova = iova;
        live.iommuSize = Math.max(im.size(), size);
        if (im.size() != size) {
            c.finding(Kind.KERNEL, line, "iommu-correlation", m.dev(), "iommu:map at line " + im.at().line()
                    + " maps size=" + im.size() + ", expected " + size + " (granule " + granule + ") for "
                    + live.describe());
        }
        if (!live.bounced && m.phys().isPresent()
                && im.paddr() != Unsigned.alignDown(m.phys().getAsLong(), granule)) {
            c.finding(Kind.KERNEL, line, "iommu-correlation", m.dev(), "iommu:map at line " + im.at().line()
                    + " maps paddr=0x" + Long.toHexString(im.paddr()) + ", not phys_addr=0x"
                    + Long.toHexString(m.phys().getAsLong()) + " rounded to the granule");
        }
    }

    static void iommuUnmap(TraceChecker c, LiveMapping m, int line, List<KernelEvent.IommuUnmap> unmaps) {
        if (!m.viaIommu) {
            return;
        }
        KernelEvent.IommuUnmap u = unmaps.stream().filter(x -> x.iova() == m.iommuIova).findFirst().orElse(null);
        if (u == null) {
            c.finding(c.lossyBefore(line) ? Kind.LOST : Kind.KERNEL, line, "iommu-correlation", m.dev,
                    "no iommu:unmap of iova=0x" + Long.toHexString(m.iommuIova) + " for the unmap of " + m.describe());
        } else if (u.size() != m.iommuSize || u.unmappedSize() != u.size()) {
            c.finding(Kind.KERNEL, line, "iommu-correlation", m.dev, "iommu:unmap at line " + u.at().line()
                    + " [size=" + u.size() + "] [unmapped_size=" + u.unmappedSize() + "] does not release the "
                    + m.iommuSize + " bytes mapped for " + m.describe());
        }
    }

    /** An IOMMU-path sg map: every DMA segment lies inside the ranges its task just mapped. */
    static void iommuSg(TraceChecker c, TraceChecker.DeviceState d, LiveMapping live, List<KernelEvent.IommuMap> maps,
                        long granule) {
        if (maps.isEmpty()) {
            return;
        }
        d.iommuPath = true;
        live.viaIommu = true;
        long lo = maps.get(0).iova();
        long hi = lo;
        for (KernelEvent.IommuMap im : maps) {
            lo = Unsigned.min(lo, im.iova());
            hi = Unsigned.max(hi, im.iova() + im.size());
        }
        live.iommuIova = lo;
        live.iommuSize = hi - lo;
        for (int i = 0; i < live.dmaAddrs.size(); i++) {
            long a = live.dmaAddrs.get(i);
            long len = live.sizes.get(i);
            boolean covered = maps.stream().anyMatch(im -> Unsigned.le(im.iova(), Unsigned.alignDown(a, granule))
                    && Unsigned.le(a + len, im.iova() + im.size()));
            if (!covered) {
                c.finding(Kind.KERNEL, live.line, "iommu-correlation", live.dev, "sg segment " + i
                        + " [device address=0x" + Long.toHexString(a) + "] [len=" + len
                        + "] is not inside any iommu:map its task emitted");
            }
        }
    }
}
