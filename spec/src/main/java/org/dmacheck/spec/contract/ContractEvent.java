package org.dmacheck.spec.contract;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Direction;

/**
 * What a driver did, as the {@code debug_dma_*} hooks of {@code kernel/dma/mapping.c} see it: the
 * arguments and results of one DMA-API call. Each event carries the caller's {@link Location}.
 * Independent of the driver executor and of ftrace.
 */
public sealed interface ContractEvent {

    /** Where the caller saw the call. */
    Location at();

    /** The device the call was made for. */
    DeviceId dev();

    /**
     * {@code debug_dma_map_phys} (older: {@code _map_page}, {@code _map_resource}): a single map call
     * that returned {@code devAddr}; a {@code DMA_MAPPING_ERROR} result books nothing.
     */
    record MapSingle(Location at, DeviceId dev, EntryType type, OptionalLong paddr, long devAddr, long size,
                     Direction dir, long attrs) implements ContractEvent {
        public MapSingle {
            requireCommon(at, dev);
            Objects.requireNonNull(paddr, "paddr");
            Objects.requireNonNull(dir, "dir");
            if (!Objects.requireNonNull(type, "type").isSingle()) {
                throw new IllegalArgumentException("MapSingle of type " + type + ": expected single, phy or resource");
            }
        }
    }

    /** {@code debug_dma_unmap_phys} (older: {@code _unmap_page}, {@code _unmap_resource}). */
    record UnmapSingle(Location at, DeviceId dev, EntryType type, long devAddr, long size, Direction dir, long attrs)
            implements ContractEvent {
        public UnmapSingle {
            requireCommon(at, dev);
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(dir, "dir");
        }
    }

    /**
     * {@code debug_dma_map_sg}: {@code dma_map_sg(dev, list, nents, dir, attrs)} returned
     * {@code mappedEnts}; {@code entries} is the list after the call (at least
     * {@code max(nents, mappedEnts)} entries). A count of 0 or less books nothing.
     */
    record MapSg(Location at, DeviceId dev, int nents, List<SgEntry> entries, int mappedEnts, Direction dir,
                 long attrs) implements ContractEvent {
        public MapSg {
            requireCommon(at, dev);
            Objects.requireNonNull(dir, "dir");
            entries = List.copyOf(entries);
            requireEntries("MapSg", Math.max(nents, mappedEnts), entries);
        }
    }

    /**
     * {@code debug_dma_unmap_sg}: {@code entries} is the list as the unmap call passes it (its DMA
     * fields still those the map wrote).
     */
    record UnmapSg(Location at, DeviceId dev, int nents, List<SgEntry> entries, Direction dir, long attrs)
            implements ContractEvent {
        public UnmapSg {
            requireCommon(at, dev);
            Objects.requireNonNull(dir, "dir");
            entries = List.copyOf(entries);
            requireEntries("UnmapSg", nents, entries);
        }
    }

    /**
     * {@code debug_dma_alloc_coherent} ({@link EntryType#COHERENT}, always BIDIRECTIONAL) or
     * {@code debug_dma_alloc_pages} ({@link EntryType#NONCOHERENT}, with its direction): a successful
     * allocation. {@code cpuAddr} is what the free must repeat (debug.c compares physical addresses;
     * a trace gives the hashed pointer); {@code paddr} feeds the cache-line tracker when known.
     */
    record Alloc(Location at, DeviceId dev, EntryType type, OptionalLong paddr, long cpuAddr, long devAddr, long size,
                 Direction dir, long attrs) implements ContractEvent {
        public Alloc {
            requireCommon(at, dev);
            Objects.requireNonNull(paddr, "paddr");
            Objects.requireNonNull(dir, "dir");
            requireAllocation(type);
        }
    }

    /** {@code debug_dma_free_coherent} / {@code debug_dma_free_pages}. */
    record Free(Location at, DeviceId dev, EntryType type, long cpuAddr, long devAddr, long size, Direction dir,
                long attrs) implements ContractEvent {
        public Free {
            requireCommon(at, dev);
            Objects.requireNonNull(dir, "dir");
            requireAllocation(type);
        }
    }

    /** {@code debug_dma_sync_single_for_cpu/_for_device} of {@code [devAddr, devAddr+size)}. */
    record SyncSingle(Location at, DeviceId dev, boolean forCpu, long devAddr, long size, Direction dir)
            implements ContractEvent {
        public SyncSingle {
            requireCommon(at, dev);
            Objects.requireNonNull(dir, "dir");
        }
    }

    /** {@code debug_dma_sync_sg_for_cpu/_for_device} of the first {@code nents} entries of a list. */
    record SyncSg(Location at, DeviceId dev, boolean forCpu, int nents, List<SgEntry> entries, Direction dir)
            implements ContractEvent {
        public SyncSg {
            requireCommon(at, dev);
            Objects.requireNonNull(dir, "dir");
            entries = List.copyOf(entries);
            requireEntries("SyncSg", nents, entries);
        }
    }

    /** {@code debug_dma_mapping_error}: the driver called {@code dma_mapping_error(dev, devAddr)}. */
    record MappingErrorChecked(Location at, DeviceId dev, long devAddr) implements ContractEvent {
        public MappingErrorChecked {
            requireCommon(at, dev);
        }
    }

    /** {@code BUS_NOTIFY_UNBOUND_DRIVER}: the driver let go of the device. */
    record Unbind(Location at, DeviceId dev) implements ContractEvent {
        public Unbind {
            requireCommon(at, dev);
        }
    }

    private static void requireCommon(Location at, DeviceId dev) {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(dev, "dev");
    }

    private static void requireEntries(String what, int needed, List<SgEntry> entries) {
        if (needed < 0 || entries.size() < needed) {
            throw new IllegalArgumentException(what + ": " + entries.size() + " list entries for a count of " + needed);
        }
    }

    private static void requireAllocation(EntryType type) {
        if (!Objects.requireNonNull(type, "type").isAllocation()) {
            throw new IllegalArgumentException("allocation of type " + type + ": expected coherent or noncoherent");
        }
    }
}
