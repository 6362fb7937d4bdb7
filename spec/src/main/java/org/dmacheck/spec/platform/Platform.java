package org.dmacheck.spec.platform;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A simulated machine: sparse physical memory with its regions, a write-back CPU cache in front of
 * it (when some device is not DMA-coherent), the PCI tree, IOMMU domains with page tables and
 * IOTLBs, and the devices. An engine programs it through {@link Hardware}; tests and invariants
 * drive and observe it through the rest of this class:
 *
 * <ul>
 *   <li>CPU side: {@link #cpuRead}, {@link #cpuWrite} (through the cache, like a driver's loads and
 *       stores);</li>
 *   <li>device side: {@link #dmaRead}, {@link #dmaWrite} resolve every byte as hardware would, and
 *       either move data or record a {@link DmaAccess.Fault}; {@link #resolve} probes one byte
 *       without side effects;</li>
 *   <li>observation: {@link #faults}, {@link #kernelLog}, {@link #domain}, {@link #pci},
 *       {@link #memoryPagesBacked}, cache line counts, and {@link #touched}: what changed since
 *       the checker's last {@link #clearTouched};</li>
 *   <li>buffers: {@link #buffers} hands out RAM for driver buffers.</li>
 * </ul>
 *
 * <p>A platform is single-threaded and mutable; build a fresh one per test case.
 */
public final class Platform implements Hardware {
    private final PlatformConfig config;
    private final MemorySystem memory;
    private final PciTopology pci;
    private final Map<String, IommuDomainModel> domains = new LinkedHashMap<>();
    private final Map<DeviceId, DeviceConfig> devices = new LinkedHashMap<>();
    private final BufferAllocator buffers;
    private final DeviceBus bus;
    private final List<String> kernelLog = new ArrayList<>();
    private final Touched touched = new Touched();

    private Platform(PlatformConfig config) {
        this.config = config;
        PhysicalMemory phys = new PhysicalMemory(config.regions());
        boolean nonCoherent = config.devices().stream().anyMatch(d -> !d.coherent());
        this.memory = new MemorySystem(phys, nonCoherent ? new CpuCache(phys, config.cacheLineSize()) : null, this::warn,
                touched);
        this.pci = new PciTopology(config.hostBridges(), config.pciNodes(), config.cpuSupportsP2p());
        for (DomainConfig d : config.domains()) {
            domains.put(d.id(), new IommuDomainModel(d, reservedRegions(config, d), this::warn, touched));
        }
        for (DeviceConfig d : config.devices()) {
            devices.put(d.id(), d);
        }
        this.buffers = new BufferAllocator(config.pageSize(),
                config.regions().stream().filter(r -> r.kind() == RegionKind.SYSTEM_RAM).toList());
        this.bus = new DeviceBus(devices, domains, pci, memory, config.regions());
    }

    /**
     * Validates {@code config} and builds the machine.
     *
     * @throws IllegalArgumentException with one line naming the field and value when the platform is
     *         impossible: a page size or granule other than 4/16/64 KiB (or a granule above PAGE_SIZE),
     *         overlapping regions or bus windows, a region beyond {@code physAddressBits}, RAM at
     *         address 0, a swiotlb pool that is not whole segments, a BAR whose provider is not a PCI
     *         endpoint, an unknown or cyclic PCI parent, a device listed twice or attached to an
     *         unknown domain
     */
    public static Platform build(PlatformConfig config) {
        PlatformValidator.validate(config);
        return new Platform(config);
    }

    /** A builder starting from the default x86-like layout (see {@link PlatformBuilder}). */
    public static PlatformBuilder builder() {
        return new PlatformBuilder();
    }

    // ---- CPU side -------------------------------------------------------------------------------

    /**
     * A CPU load of {@code len} bytes: through the cache for RAM and the swiotlb pool, so it may see
     * a stale line instead of what a non-coherent device wrote.
     *
     * @throws IllegalArgumentException naming the address when a byte is in no region
     */
    public byte[] cpuRead(long phys, int len) {
        return memory.cpuRead(phys, len);
    }

    /**
     * A CPU store: for cacheable memory it stays in dirty cache lines, invisible to a non-coherent
     * device until cleaned.
     *
     * @throws IllegalArgumentException naming the address when a byte is in no region
     */
    public void cpuWrite(long phys, byte[] data) {
        memory.cpuWrite(phys, data);
    }

    /**
     * What a CPU load of the range would return now, without its side effects (no line is
     * allocated): for checkers that must observe without disturbing the cache.
     */
    public byte[] peekCpu(long phys, int len) {
        return memory.peekCpu(phys, len);
    }

    /** The bytes in memory itself, behind any cache line: what a non-coherent device reads. */
    public byte[] peekMemory(long phys, int len) {
        return memory.peekMemory(phys, len);
    }

    // ---- device side ----------------------------------------------------------------------------

    /**
     * The device reads {@code len} bytes at DMA address {@code dmaAddr}. Either every byte resolves
     * and the result is {@link DmaAccess.Done} with the data, or nothing is transferred and a
     * {@link DmaAccess.Fault} naming the first unreachable byte is recorded and returned. Page-table
     * walks fill the IOTLB.
     *
     * @throws IllegalArgumentException for an unknown device
     */
    public DmaAccess dmaRead(DeviceId dev, long dmaAddr, int len) {
        return bus.read(device(dev), dmaAddr, len);
    }

    /** The device writes {@code data} at {@code dmaAddr}; see {@link #dmaRead} for the outcome. */
    public DmaAccess dmaWrite(DeviceId dev, long dmaAddr, byte[] data) {
        return bus.write(device(dev), dmaAddr, data);
    }

    /**
     * Where one byte emitted by the device at {@code dmaAddr} would go for a read or a write,
     * without side effects: no IOTLB fill, no fault recorded. Stale IOTLB entries are honoured, as
     * the hardware would honour them.
     */
    public Resolution resolve(DeviceId dev, long dmaAddr, boolean write) {
        return bus.resolve(device(dev), dmaAddr, write);
    }

    /** Every device fault so far, oldest first (read-only view). */
    public List<DmaAccess.Fault> faults() {
        return Collections.unmodifiableList(bus.faults());
    }

    /** Every {@link #warn} line so far, oldest first (read-only view). */
    public List<String> kernelLog() {
        return Collections.unmodifiableList(kernelLog);
    }

    // ---- observation ----------------------------------------------------------------------------

    /** The IOMMU domain {@code id}; throws {@link IllegalArgumentException} when there is none. */
    public IommuDomainModel domain(String id) {
        IommuDomainModel d = domains.get(id);
        if (d == null) {
            throw new IllegalArgumentException("unknown IOMMU domain " + id + "; known: " + domains.keySet());
        }
        return d;
    }

    /** The RAM allocator for driver buffers (and, through {@link #allocPages}, coherent pages). */
    public BufferAllocator buffers() {
        return buffers;
    }

    /** The PCI tree. */
    public PciTopology pci() {
        return pci;
    }

    /** Backing frames of 4 KiB that hold data (written and not zeroed since); for footprint checks. */
    public long memoryPagesBacked() {
        return memory.backedFrames();
    }

    /** Whether CPU accesses go through a modelled cache (true when some device is non-coherent). */
    public boolean hasCpuCache() {
        return memory.cache() != null;
    }

    /** Dirty CPU cache lines right now (0 without a cache). */
    public long dirtyCacheLines() {
        return memory.cache() == null ? 0 : memory.cache().dirtyLines();
    }

    /** Valid CPU cache lines right now (0 without a cache). */
    public long validCacheLines() {
        return memory.cache() == null ? 0 : memory.cache().validLines();
    }

    /**
     * The memory bytes and IOMMU translations changed since the last {@link #clearTouched} (live
     * view; see {@link Touched} for what is recorded). A checker clears it as a step starts and reads
     * it after the step to learn, in O(what changed), which live mappings the step can have affected.
     */
    public Touched touched() {
        return touched;
    }

    /** Starts a new {@link #touched} record. */
    public void clearTouched() {
        touched.clear();
    }

    // ---- Hardware -------------------------------------------------------------------------------

    @Override
    public PlatformConfig config() {
        return config;
    }

    @Override
    public DeviceConfig device(DeviceId id) {
        DeviceConfig d = devices.get(id);
        if (d == null) {
            throw new IllegalArgumentException("unknown device " + id + "; known: " + devices.keySet());
        }
        return d;
    }

    /** All devices, in configuration order. */
    public List<DeviceConfig> devices() {
        return List.copyOf(devices.values());
    }

    @Override
    public boolean isPci(DeviceId id) {
        return pci.contains(id.name());
    }

    /** The domain the device is attached to, of any type (check {@code config().type()}). */
    @Override
    public Optional<IommuHw> iommu(DeviceId id) {
        String d = device(id).iommuDomain();
        return d == null ? Optional.empty() : Optional.of(domains.get(d));
    }

    @Override
    public MemoryRegion regionOf(long phys) {
        return memory.regionOf(phys);
    }

    @Override
    public P2pPath p2pMapType(String provider, DeviceId client) {
        return pci.p2pMapType(provider, client.name());
    }

    @Override
    public void cpuCopy(long dstPhys, long srcPhys, long len) {
        memory.cpuCopy(dstPhys, srcPhys, len);
    }

    @Override
    public void cpuFill(long phys, long len, byte value) {
        memory.cpuFill(phys, len, value);
    }

    /** Cleans cache lines over the range (any direction); a range that is not memory is logged and ignored. */
    @Override
    public void archSyncForDevice(long phys, long size, Direction dir) {
        memory.clean(phys, size, "arch_sync_dma_for_device");
    }

    /** Invalidates cache lines over the range unless {@code dir} is TO_DEVICE. */
    @Override
    public void archSyncForCpu(long phys, long size, Direction dir) {
        if (dir != Direction.TO_DEVICE) {
            memory.invalidate(phys, size, "arch_sync_dma_for_cpu");
        }
    }

    /**
     * Zeroed, page-aligned RAM from the top of what fits below {@code limit}. The CPU sees these pages
     * uncached until {@link #freePages} (the remap {@code dma_direct_alloc} does for non-coherent
     * devices), so they never need cache maintenance.
     */
    @Override
    public long allocPages(long size, long limit) {
        long phys = buffers.allocPages(size, limit);
        if (phys != -1) {
            memory.zeroUncached(phys, Unsigned.alignUp(size, config.pageSize()));
        }
        return phys;
    }

    @Override
    public void freePages(long phys, long size) {
        buffers.free(phys, size);
        memory.releaseUncached(phys);
    }

    @Override
    public void warn(String message) {
        kernelLog.add(message);
    }

    // ---- reserved IOVA regions ------------------------------------------------------------------

    /** The x86 MSI window ({@code 0xFEE00000-0xFEEFFFFF}, {@code IOMMU_RESV_MSI}). */
    public static final IovaRange X86_MSI_WINDOW = new IovaRange(0xFEE0_0000L, 0xFEEF_FFFFL, "x86 MSI window");

    private static List<IovaRange> reservedRegions(PlatformConfig c, DomainConfig d) {
        List<IovaRange> out = new ArrayList<>(d.reserved());
        if (c.x86MsiWindow()) {
            out.add(X86_MSI_WINDOW);
        }
        // iova_reserve_pci_windows(): host-bridge windows, by bus address
        for (MemoryRegion r : c.regions()) {
            if (r.kind() == RegionKind.P2P_BAR || r.kind() == RegionKind.MMIO) {
                out.add(new IovaRange(r.busStart(), r.busStart() + r.size() - 1, "host bridge window " + r));
            }
        }
        if (d.apertureStart() != 0) {
            out.add(new IovaRange(0, d.apertureStart() - 1, "below the aperture"));
        }
        if (d.apertureEnd() != Unsigned.MAX) {
            out.add(new IovaRange(d.apertureEnd() + 1, Unsigned.MAX, "above the aperture"));
        }
        out.sort(Comparator.comparing(IovaRange::start, Long::compareUnsigned));
        return out;
    }
}
