package org.dmacheck.trace;

import java.util.List;
import java.util.OptionalLong;
import org.dmacheck.spec.platform.Direction;

/**
 * One DMA-relevant event of a recorded kernel trace: a native {@code dma:*}, {@code iommu:*} or
 * {@code swiotlb:*} tracepoint, a {@code dmacheck_*} kprobe pair written by
 * {@code tools/dmacheck-capture.sh}, or a gap where events are known to be missing. Addresses are
 * unsigned 64-bit values; {@link At} says where the event came from.
 */
public sealed interface KernelEvent {

    /** Where an event was recorded: the trace file line, the task, its pid and the CPU. */
    record At(int line, String task, int pid, int cpu) {
    }

    At at();

    /** How a single mapping was made or released ({@code dma_map_phys}, {@code _page}, {@code _resource}). */
    enum SingleApi { PHYS, PAGE, RESOURCE }

    /** What kind of coherent-style allocation: {@code dma_alloc}, {@code dma_alloc_pages}, {@code dma_alloc_sgt}. */
    enum AllocApi { COHERENT, PAGES, SGT }

    /**
     * {@code dma_map_phys} / {@code dma_map_page} / {@code dma_map_resource}. {@code phys} is empty when
     * the probe could not record it (the kprobe on {@code dma_map_page_attrs} sees a {@code struct page *}).
     */
    record SingleMap(At at, String dev, SingleApi api, Direction dir, long dmaAddr, long size, OptionalLong phys,
                     long attrs) implements KernelEvent {
        public boolean failed() {
            return dmaAddr == -1L;
        }
    }

    /** {@code dma_unmap_phys} / {@code dma_unmap_page} / {@code dma_unmap_resource}. */
    record SingleUnmap(At at, String dev, SingleApi api, Direction dir, long dmaAddr, long size, long attrs)
            implements KernelEvent {
    }

    /**
     * A successful {@code dma_map_sg}: the CPU entries' phys (or, from the kprobe, only the list
     * pointer {@code sgl}), the returned DMA segments and the counts. {@code truncated} when the kernel
     * recorded only the first 128 of each array.
     */
    record SgMap(At at, String dev, Direction dir, OptionalLong sgl, int nents, List<Long> phys, List<Long> dmaAddrs,
                 List<Long> sizes, boolean truncated, long attrs) implements KernelEvent {
        public SgMap {
            phys = List.copyOf(phys);
            dmaAddrs = List.copyOf(dmaAddrs);
            sizes = List.copyOf(sizes);
        }
    }

    /** {@code dma_map_sg_err} (or a failed {@code dma_map_sg_attrs} kprobe): nothing was mapped. */
    record SgMapError(At at, String dev, Direction dir, List<Long> phys, int err, long attrs) implements KernelEvent {
        public SgMapError {
            phys = List.copyOf(phys);
        }
    }

    /** {@code dma_unmap_sg}: the phys of the {@code nents} entries passed (or the kprobe's list pointer). */
    record SgUnmap(At at, String dev, Direction dir, OptionalLong sgl, int nents, List<Long> phys, long attrs)
            implements KernelEvent {
        public SgUnmap {
            phys = List.copyOf(phys);
        }
    }

    /** {@code dma_sync_single_for_cpu/device}. */
    record SingleSync(At at, String dev, boolean forDevice, Direction dir, long dmaAddr, long size)
            implements KernelEvent {
    }

    /** {@code dma_sync_sg_for_cpu/device}: the DMA side of the {@code nents} entries passed. */
    record SgSync(At at, String dev, boolean forDevice, Direction dir, List<Long> dmaAddrs, List<Long> sizes)
            implements KernelEvent {
        public SgSync {
            dmaAddrs = List.copyOf(dmaAddrs);
            sizes = List.copyOf(sizes);
        }
    }

    /** {@code dma_alloc}, {@code dma_alloc_pages}, {@code dma_alloc_sgt}; {@code virt} is the hashed pointer. */
    record Alloc(At at, String dev, AllocApi api, long dmaAddr, long size, String virt, List<Long> phys, long attrs)
            implements KernelEvent {
        public Alloc {
            phys = List.copyOf(phys);
        }

        /** A failed allocation prints a NULL {@code virt_addr} (or is {@code dma_alloc_sgt_err}). */
        public boolean failed() {
            return virt != null && virt.chars().allMatch(c -> c == '0');
        }
    }

    /** {@code dma_free}, {@code dma_free_pages}, {@code dma_free_sgt}. */
    record Free(At at, String dev, AllocApi api, long dmaAddr, long size, String virt, long attrs)
            implements KernelEvent {
        /** {@code dma_free_attrs(dev, size, NULL, ...)} traces and then returns: a no-op. */
        public boolean noOp() {
            return virt != null && virt.chars().allMatch(c -> c == '0');
        }
    }

    /** {@code iommu:map}: {@code [iova, iova + size)} now translates to {@code paddr}. */
    record IommuMap(At at, long iova, long size, long paddr) implements KernelEvent {
    }

    /** {@code iommu:unmap}: {@code size} requested at {@code iova}, {@code unmappedSize} done. */
    record IommuUnmap(At at, long iova, long size, long unmappedSize) implements KernelEvent {
    }

    /** {@code swiotlb:swiotlb_bounced}: the original buffer's address (DMA or phys) about to be bounced. */
    record SwiotlbBounced(At at, String dev, long dmaMask, long devAddr, long size, boolean forced)
            implements KernelEvent {
    }

    /** {@code dma_iova_try_alloc} (kprobe + kretprobe); {@code ok} empty when the return was not recorded. */
    record IovaTryAlloc(At at, String dev, long state, long phys, long size, java.util.Optional<Boolean> ok)
            implements KernelEvent {
    }

    /** {@code dma_iova_link}; {@code iova} is {@code state->addr} at entry; {@code ret} empty when not recorded. */
    record IovaLink(At at, String dev, long state, long iova, long phys, long offset, long size, Direction dir,
                    long attrs, OptionalLong ret) implements KernelEvent {
    }

    /** {@code dma_iova_sync}. */
    record IovaSync(At at, String dev, long state, long iova, long offset, long size, OptionalLong ret)
            implements KernelEvent {
    }

    /** {@code dma_iova_unlink}. */
    record IovaUnlink(At at, String dev, long state, long iova, long offset, long size, Direction dir, long attrs)
            implements KernelEvent {
    }

    /** {@code dma_iova_destroy}. */
    record IovaDestroy(At at, String dev, long state, long iova, long mappedLen, Direction dir, long attrs)
            implements KernelEvent {
    }

    /** {@code dma_iova_free}. */
    record IovaFree(At at, String dev, long state, long iova) implements KernelEvent {
    }

    /**
     * Events are missing here: an excerpt boundary (a comment line between events), an ftrace
     * {@code CPU:N [LOST M EVENTS]} line. {@code count} is the number lost when known, else -1.
     */
    record Gap(At at, String why, long count) implements KernelEvent {
    }
}
