package org.dmacheck.spec.testengine;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.dmacheck.spec.api.CoherentBuffer;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.api.DmaIovaState;
import org.dmacheck.spec.api.Errno;
import org.dmacheck.spec.api.ResourceUsage;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.IommuHw;
import org.dmacheck.spec.platform.IommuProt;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.platform.Unsigned;

/**
 * A deliberately small engine for the spec's own tests: identity mapping without an IOMMU (no
 * bounce, no offsets), and with an IOMMU a bump IOVA allocator (never reuses, strict unmaps) with
 * one granule-rounded IOVA per mapping and per sg entry (no merging), plus the two-step API.
 * Public fields are knobs that break one rule each, so a test can show an invariant firing.
 */
public class ToyEngine implements DmaEngine {
    protected final Platform platform;
    private final Map<String, Long> nextIova = new HashMap<>();
    private final Map<String, Long> iovaGranules = new TreeMap<>();
    private final Map<String, Long> ptes = new TreeMap<>();
    private long coherentBytes;
    private final Map<Long, long[]> iovaOf = new HashMap<>();

    /** Added to every returned IOVA (an off-by-N bug). */
    public long iovaSkew;
    /** Map with READ|WRITE whatever the direction. */
    public boolean ignoreDirection;
    /** On unmap, do not invalidate the IOTLB (a stale-translation bug in strict mode). */
    public boolean skipIotlbSync;
    /** Hand out the same IOVA again after an unmap (reuse without caring about the IOTLB). */
    public boolean reuseIova;
    /** Return this address from every single map, if non-null. */
    public Long fixedAddress;
    /** The first IOVA the bump allocator hands out. */
    public long iovaBase = 0x1000_0000L;
    /** Report success even when the page-table write failed (e.g. -EEXIST on a shared granule). */
    public boolean ignoreMapErrors;
    /** Added to the returned address only (the PTEs stay where they are). */
    public long returnSkew;
    /** Added to the physical address the PTEs point at. */
    public long physSkew;
    /** Granules added to (or, negative, taken from) what an unmap clears. */
    public int unmapGranuleDelta;
    /** Unmap exactly what the caller's address and size say, ignoring the engine's own record. */
    public boolean trustUnmapArguments;
    /**
     * Bounce every single mapping into the swiotlb pool at this physical address (one slot for all,
     * a sharing bug by itself when two are live); null for no bouncing.
     */
    public Long bounceAt;
    /** With {@link #bounceAt}: skip the copy into the slot at map time (CVE-2022-0854's mutant). */
    public boolean skipCopyIn;
    /** With {@link #bounceAt}: skip the copy back at unmap and sync_for_cpu. */
    public boolean skipCopyOut;
    /** dma_iova_try_alloc drops phys's in-granule offset. */
    public boolean dropStateOffset;
    /** dma_iova_link accepts an unaligned phys at a non-zero offset. */
    public boolean acceptUnalignedLink;
    /** Lazy invalidation: unmap clears PTEs but leaves the IOTLB alone (no flush ever). */
    public boolean lazy;
    private final Map<Long, long[]> bounces = new HashMap<>();

    public ToyEngine(Platform platform) {
        this.platform = platform;
    }

    private Optional<IommuHw> iommu(DeviceId dev) {
        return platform.iommu(dev).filter(h -> h.config().type().usesDmaIommu());
    }

    private long granule(IommuHw h) {
        return h.config().granule();
    }

    private long allocIova(IommuHw h, long len) {
        String id = h.config().id();
        long base = nextIova.getOrDefault(id, iovaBase);
        long iova = Unsigned.alignUp(base, granule(h));
        if (!reuseIova) {
            nextIova.put(id, iova + len);
        }
        iovaGranules.merge(id, len / granule(h), Long::sum);
        return iova;
    }

    static int prot(Direction dir, boolean ignore) {
        if (ignore) {
            return IommuProt.READ | IommuProt.WRITE;
        }
        return switch (dir) {
            case TO_DEVICE -> IommuProt.READ;
            case FROM_DEVICE -> IommuProt.WRITE;
            default -> IommuProt.READ | IommuProt.WRITE;
        };
    }

    @Override
    public long mapPhys(DeviceId dev, long phys, long size, Direction dir, long attrs) {
        if (!dir.isValid()) {
            throw new IllegalArgumentException("invalid direction " + dir);
        }
        if (fixedAddress != null) {
            return fixedAddress;
        }
        long target = phys;
        if (bounceAt != null) {
            target = bounceAt + (phys & 0x7FF);
            if (!skipCopyIn) {
                platform.cpuCopy(target, phys, size);
            }
        }
        Optional<IommuHw> h = iommu(dev);
        if (h.isEmpty()) {
            DeviceConfig c = platform.device(dev);
            if (!Unsigned.rangeAtOrBelow(target, size, c.streamingLimit())) {
                return DMA_MAPPING_ERROR;
            }
            if (bounceAt != null) {
                bounces.put(target, new long[] {phys, target, size, dir.value()});
            }
            return target + returnSkew;
        }
        long g = granule(h.get());
        long off = target & (g - 1);
        long len = Unsigned.alignUp(size + off, g);
        long iova = allocIova(h.get(), len) + iovaSkew;
        int rc = h.get().map(iova, target - off + physSkew, len, prot(dir, ignoreDirection));
        if (rc != 0 && !ignoreMapErrors) {
            return DMA_MAPPING_ERROR;
        }
        if (rc == 0) {
            ptes.merge(h.get().config().id(), len / g, Long::sum);
        }
        iovaOf.put(iova + off, new long[] {iova, len});
        if (bounceAt != null) {
            bounces.put(iova + off, new long[] {phys, target, size, dir.value()});
        }
        return iova + off + returnSkew;
    }

    @Override
    public void unmapPhys(DeviceId dev, long addr, long size, Direction dir, long attrs) {
        if (!dir.isValid()) {
            throw new IllegalArgumentException("invalid direction " + dir);
        }
        long[] b = bounces.remove(addr);
        if (b != null && !skipCopyOut && dir != Direction.TO_DEVICE) {
            platform.cpuCopy(b[0], b[1], b[2]);
        }
        Optional<IommuHw> h = iommu(dev);
        if (h.isEmpty()) {
            return;
        }
        long g = granule(h.get());
        long[] r = iovaOf.remove(addr);
        if (trustUnmapArguments) {
            r = new long[] {Unsigned.alignDown(addr, g), Unsigned.alignUp(size + (addr & (g - 1)), g)};
        }
        if (r == null) {
            platform.warn("toy: unmap of unknown " + Unsigned.hex(addr));
            return;
        }
        long n = h.get().unmap(r[0], r[1] + unmapGranuleDelta * g);
        ptes.merge(h.get().config().id(), -(n / g), Long::sum);
        if (!skipIotlbSync && !lazy) {
            h.get().iotlbSync(r[0], r[1]);
        }
        iovaGranules.merge(h.get().config().id(), -(r[1] / g), Long::sum);
    }

    @Override
    public int mapSg(DeviceId dev, Scatterlist sgl, int nents, Direction dir, long attrs) {
        for (int i = 0; i < nents; i++) {
            Scatterlist.Entry e = sgl.get(i);
            long a = mapPhys(dev, e.phys(), e.length(), dir, attrs);
            if (a == DMA_MAPPING_ERROR) {
                for (int j = 0; j < i; j++) {
                    unmapPhys(dev, sgl.get(j).dmaAddress(), sgl.get(j).dmaLength(), dir, attrs);
                    sgl.get(j).setDma(DMA_MAPPING_ERROR, 0);
                }
                return -Errno.ENOMEM;
            }
            e.setDma(a, e.length());
        }
        return nents;
    }

    @Override
    public void unmapSg(DeviceId dev, Scatterlist sgl, int nents, Direction dir, long attrs) {
        for (int i = 0; i < nents; i++) {
            unmapPhys(dev, sgl.get(i).dmaAddress(), sgl.get(i).dmaLength(), dir, attrs);
        }
    }

    @Override
    public void syncSingleForCpu(DeviceId dev, long addr, long size, Direction dir) {
        for (Map.Entry<Long, long[]> e : bounces.entrySet()) {
            long[] b = e.getValue();
            long off = addr - e.getKey();
            if (!skipCopyOut && dir != Direction.TO_DEVICE && off >= 0 && off + size <= b[2]) {
                platform.cpuCopy(b[0] + off, b[1] + off, size);
            }
        }
    }

    @Override
    public void syncSingleForDevice(DeviceId dev, long addr, long size, Direction dir) {
        for (Map.Entry<Long, long[]> e : bounces.entrySet()) {
            long[] b = e.getValue();
            long off = addr - e.getKey();
            if (dir != Direction.FROM_DEVICE && off >= 0 && off + size <= b[2]) {
                platform.cpuCopy(b[1] + off, b[0] + off, size);
            }
        }
    }

    @Override
    public void syncSgForCpu(DeviceId dev, Scatterlist sgl, int nents, Direction dir) {
    }

    @Override
    public void syncSgForDevice(DeviceId dev, Scatterlist sgl, int nents, Direction dir) {
    }

    @Override
    public boolean iovaTryAlloc(DeviceId dev, DmaIovaState state, long phys, long size) {
        state.clear();
        Optional<IommuHw> h = iommu(dev);
        if (h.isEmpty() || size == 0) {
            return false;
        }
        long g = granule(h.get());
        long off = phys & (g - 1);
        long iova = allocIova(h.get(), Unsigned.alignUp(size + off, g));
        state.set(iova + (dropStateOffset ? 0 : off) + iovaSkew, size);
        return true;
    }

    @Override
    public int iovaLink(DeviceId dev, DmaIovaState state, long phys, long offset, long size, Direction dir, long attrs) {
        IommuHw h = iommu(dev).orElseThrow();
        long g = granule(h);
        long off = phys & (g - 1);
        if (off != 0 && offset > 0 && !acceptUnalignedLink) {
            return -Errno.EIO;
        }
        long len = Unsigned.alignUp(size + off, g);
        int rc = h.mapNoSync(state.addr() + offset - off, phys - off, len, prot(dir, ignoreDirection));
        if (rc == 0) {
            ptes.merge(h.config().id(), len / g, Long::sum);
        }
        return rc;
    }

    @Override
    public int iovaSync(DeviceId dev, DmaIovaState state, long offset, long size) {
        IommuHw h = iommu(dev).orElseThrow();
        long g = granule(h);
        long a = state.addr() + offset;
        return h.syncMap(Unsigned.alignDown(a, g), Unsigned.alignUp(size + (a & (g - 1)), g));
    }

    @Override
    public void iovaUnlink(DeviceId dev, DmaIovaState state, long offset, long size, Direction dir, long attrs) {
        IommuHw h = iommu(dev).orElseThrow();
        long g = granule(h);
        long a = state.addr() + offset;
        long start = Unsigned.alignDown(a, g);
        long len = Unsigned.alignUp(size + (a & (g - 1)), g);
        long n = h.unmap(start, len);
        ptes.merge(h.config().id(), -(n / g), Long::sum);
        h.iotlbSync(start, len);
    }

    @Override
    public void iovaFree(DeviceId dev, DmaIovaState state) {
        IommuHw h = iommu(dev).orElseThrow();
        long g = granule(h);
        long len = Unsigned.alignUp(state.size() + (state.addr() & (g - 1)), g);
        iovaGranules.merge(h.config().id(), -(len / g), Long::sum);
    }

    @Override
    public void iovaDestroy(DeviceId dev, DmaIovaState state, long mappedLen, Direction dir, long attrs) {
        if (mappedLen != 0) {
            iovaUnlink(dev, state, 0, mappedLen, dir, attrs);
        }
        iovaFree(dev, state);
    }

    @Override
    public CoherentBuffer allocCoherent(DeviceId dev, long size, long attrs) {
        long len = Unsigned.alignUp(size, platform.config().pageSize());
        long phys = platform.allocPages(len, platform.device(dev).coherentLimit());
        if (phys == -1) {
            return null;
        }
        coherentBytes += len;
        return new CoherentBuffer(phys, phys, size);
    }

    @Override
    public void freeCoherent(DeviceId dev, CoherentBuffer buffer, long attrs) {
        long len = Unsigned.alignUp(buffer.size(), platform.config().pageSize());
        platform.freePages(buffer.cpuPhys(), len);
        coherentBytes -= len;
    }

    @Override
    public void advanceClock(long millis) {
    }

    @Override
    public ResourceUsage usage() {
        return new ResourceUsage(iovaGranules, Map.of(), ptes, 0, coherentBytes);
    }
}
