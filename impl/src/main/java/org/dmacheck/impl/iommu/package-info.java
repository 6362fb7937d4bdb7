/**
 * dma-iommu: the reference engine's path for devices attached to a DMA (strict) or DMA_FQ (lazy)
 * IOMMU domain, after {@code drivers/iommu/dma-iommu.c} and {@code drivers/iommu/iova.c} as of
 * Linux 6.18+ ({@code iommu_dma_map_phys}, {@code DMA_ATTR_MMIO}), with the 7.0-stable fix of
 * {@code iommu_dma_iova_link_swiotlb}. Section numbers refer to {@code kernel-dma-semantics.md}.
 *
 * <p>{@link org.dmacheck.impl.iommu.DmaIommu} is the facade the dispatcher calls. Behind it:
 * {@code IovaAllocator} (§5: top-down, size-aligned, small sizes rounded to a power of two,
 * {@code start_pfn >= 1}, reserved regions), {@code FlushQueue} (§6.5), {@code IommuDmaCookie}
 * (per-domain state, 32-bit-first allocation, strict/lazy release), {@code IommuDmaMap} (§6.4,
 * §6.7, §6.9 single), {@code IommuBounce} (§6.6), {@code IommuDmaSg} (§6.8, §6.9 sg, §8),
 * {@code IovaLinkApi} (§7) and {@code IommuDmaCoherent}.
 *
 * <h2>Where it deliberately differs from Linux</h2>
 * <ul>
 * <li><b>IOVA placement</b> is the exact highest naturally aligned fit below the limit; iova.c
 *     approximates it with a cached-node walk and keeps freed small ranges in per-CPU caches (not
 *     modelled: a freed range is free at once). A limit that is not of the form {@code k*G - 1}
 *     (a bus limit) keeps the last granule below it; an unaligned aperture start is rounded up.</li>
 * <li><b>Misuse is refused, not carried out.</b> Every IOVA allocation is on a ledger with the PTE
 *     runs it wrote: an unmap of an address the device did not map, or not at a mapping's start,
 *     only warns; a wrong unmap size warns and releases exactly the mapping (Linux would clear the
 *     neighbour's PTEs); a sync outside a live mapping warns; {@code dma_iova_free} (or destroy)
 *     with links still present keeps the IOVA; links and syncs outside the state's size are
 *     {@code -EINVAL}; a freed, destroyed or foreign {@code dma_iova_state} is an
 *     {@link IllegalArgumentException}.</li>
 * <li><b>map_sg boundary padding</b> is part of the IOVA but left unmapped (Linux maps it to
 *     whatever physical memory follows the padded entry).</li>
 * <li><b>map_sg bus-address length</b> is the entry's own ({@code sg->length} of the list head in
 *     Linux, §14.2 quirk 2). A bus address beyond the device's {@code min_not_zero(dma_mask,
 *     bus_dma_limit)} fails the list with {@code -EREMOTEIO} (Linux does not check). P2P
 *     classification also applies on the per-entry swiotlb path, a failed
 *     list is fully invalidated, {@code SG_DMA_SWIOTLB} is cleared at unmap, and P2P memory never
 *     gets CPU cache maintenance.</li>
 * <li><b>Two-step</b>: the link unwind starts at the link's offset (§14.2 quirk 3, fixed in 7.0
 *     stable together with skipping an empty middle); destroy releases the whole reservation
 *     whatever {@code mapped_len} is (quirk 4); the unlink slow path skips cache maintenance for
 *     MMIO (quirk 10) and steps over an unmapped granule instead of spinning on it.</li>
 * <li>With an aperture reaching 2^64-1, a map whose returned address (or an sg segment's) would be
 *     {@code DMA_MAPPING_ERROR} itself is undone and fails (Linux returns it, and the mapping leaks).</li>
 * <li>The zeroed bounce padding of an untrusted device is cleaned to memory when the device is
 *     non-coherent (Linux cleans only the buffer, so the device may read the slot's leftovers).</li>
 * <li>{@code min_align_mask > G-1} is refused before anything is bounced; a map that fails after
 *     bouncing releases the slot without copying back.</li>
 * <li>One flush queue per domain (Linux: one per CPU): 256 ring slots, so 255 entries, and the
 *     10 ms timer on the engine's logical clock ({@code advanceClock}).</li>
 * <li>Single syncs walk the range granule by granule, so a two-step range made of several physical
 *     pieces is synced where each piece lives.</li>
 * <li>Not modelled: the range cache, the kmalloc bounce rule, deferred attach, the single large
 *     flush queue ({@code shadow_on_flush}), MSI cookies, {@code DMA_ATTR_REQUIRE_COHERENT},
 *     non-contiguous allocations.</li>
 * </ul>
 *
 * <p>Kept as Linux has it: {@code dma_iova_link} bounces an unaligned head into a slot that keeps
 * only the bits of {@code min_align_mask}, then links {@code bounce - off(phys)}; unless the mask
 * covers the granule offset (NVMe: 0xFFF with 4 KiB granules) that address is misaligned and the
 * IOMMU refuses the link ({@code -EINVAL}).
 *
 * <h2>Cost per call</h2>
 * Allocator: a treap augmented with the largest free gap per subtree, O(log n) per free and per
 * allocation (plus O(log n) for each rare gap that is large enough but holds no aligned start).
 * Ledger: a tree map by frame, O(log n). Flush queue: O(1) amortised per entry. map_sg, unmap_sg
 * and the sg syncs are O(nents); a single sync and the unlink slow path are O(size / G), the
 * range's own length; nothing scans the live mappings.
 */
package org.dmacheck.impl.iommu;
