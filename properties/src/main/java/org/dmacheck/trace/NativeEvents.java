package org.dmacheck.trace;

import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.dmacheck.trace.KernelEvent.AllocApi;
import org.dmacheck.trace.KernelEvent.At;
import org.dmacheck.trace.KernelEvent.SingleApi;

/**
 * Parsers for the payloads of the native tracepoints ({@code include/trace/events/dma.h},
 * {@code iommu.h}, {@code swiotlb.h}; formats in §11 of kernel-dma-semantics.md), for both the
 * v6.12 names ({@code dma_map_page}, {@code dma_map_resource}) and the v6.18+ ones
 * ({@code dma_map_phys}).
 */
final class NativeEvents {
    /** Every event name this class parses; other event names are not DMA events and are skipped. */
    static final Set<String> NAMES = Set.of(
            "dma_map_phys", "dma_map_page", "dma_map_resource",
            "dma_unmap_phys", "dma_unmap_page", "dma_unmap_resource",
            "dma_map_sg", "dma_map_sg_err", "dma_unmap_sg",
            "dma_sync_single_for_cpu", "dma_sync_single_for_device", "dma_sync_sg_for_cpu", "dma_sync_sg_for_device",
            "dma_alloc", "dma_alloc_pages", "dma_alloc_sgt", "dma_alloc_sgt_err",
            "dma_free", "dma_free_pages", "dma_free_sgt",
            "map", "unmap", "swiotlb_bounced");

    private NativeEvents() {
    }

    static KernelEvent parse(String name, At at, Payload p) {
        return switch (name) {
            case "dma_map_phys" -> singleMap(at, p, SingleApi.PHYS);
            case "dma_map_page" -> singleMap(at, p, SingleApi.PAGE);
            case "dma_map_resource" -> singleMap(at, p, SingleApi.RESOURCE);
            case "dma_unmap_phys" -> singleUnmap(at, p, SingleApi.PHYS);
            case "dma_unmap_page" -> singleUnmap(at, p, SingleApi.PAGE);
            case "dma_unmap_resource" -> singleUnmap(at, p, SingleApi.RESOURCE);
            case "dma_map_sg" -> sgMap(at, p);
            // the array labelled dma_addrs holds the input entries' phys (§14.2 quirk 6)
            case "dma_map_sg_err" -> new KernelEvent.SgMapError(at, p.device(), p.dir("dir"), p.array("dma_addrs"),
                    p.int32("err"), p.attrs("attrs"));
            case "dma_unmap_sg" -> {
                List<Long> phys = p.array("phys_addrs");
                yield new KernelEvent.SgUnmap(at, p.device(), p.dir("dir"), OptionalLong.empty(), phys.size(), phys,
                        p.attrs("attrs"));
            }
            case "dma_sync_single_for_cpu", "dma_sync_single_for_device" -> new KernelEvent.SingleSync(at, p.device(),
                    name.endsWith("device"), p.dir("dir"), p.hex("dma_addr"), p.dec("size"));
            case "dma_sync_sg_for_cpu", "dma_sync_sg_for_device" -> new KernelEvent.SgSync(at, p.device(),
                    name.endsWith("device"), p.dir("dir"), p.array("dma_addrs"), p.array("sizes"));
            case "dma_alloc", "dma_alloc_pages", "dma_alloc_sgt_err" -> alloc(at, p,
                    name.equals("dma_alloc") ? AllocApi.COHERENT : name.equals("dma_alloc_pages") ? AllocApi.PAGES
                            : AllocApi.SGT);
            case "dma_alloc_sgt" -> new KernelEvent.Alloc(at, p.device(), AllocApi.SGT, p.hex("dma_addr"), p.dec("size"),
                    null, p.array("phys_addrs"), p.attrs("attrs"));
            case "dma_free", "dma_free_pages" -> new KernelEvent.Free(at, p.device(),
                    name.equals("dma_free") ? AllocApi.COHERENT : AllocApi.PAGES, p.hex("dma_addr"), p.dec("size"),
                    p.text("virt_addr"), p.has("attrs") ? p.attrs("attrs") : 0);
            case "dma_free_sgt" -> new KernelEvent.Free(at, p.device(), AllocApi.SGT, p.hex("dma_addr"), p.dec("size"),
                    null, 0);
            case "map" -> iommuMap(at, p);
            case "unmap" -> iommuUnmap(at, p);
            case "swiotlb_bounced" -> bounced(at, p);
            default -> throw p.fail("not a DMA event");
        };
    }

    private static KernelEvent singleMap(At at, Payload p, SingleApi api) {
        return new KernelEvent.SingleMap(at, p.device(), api, p.dir("dir"), p.hex("dma_addr"), p.dec("size"),
                OptionalLong.of(p.hex("phys_addr")), p.attrs("attrs"));
    }

    private static KernelEvent singleUnmap(At at, Payload p, SingleApi api) {
        return new KernelEvent.SingleUnmap(at, p.device(), api, p.dir("dir"), p.hex("dma_addr"), p.dec("size"),
                p.attrs("attrs"));
    }

    private static KernelEvent sgMap(At at, Payload p) {
        List<Long> phys = p.array("phys_addrs");
        List<Long> dma = p.array("dma_addrs");
        List<Long> sizes = p.array("sizes");
        boolean truncated = p.words().contains("[TRUNCATED]");
        // newest: nents=SHOWN/FULL ents=SHOWN/FULL; v6.12-v7.0: the arrays are complete
        int nents = p.has("nents") ? p.fullCount("nents") : phys.size();
        int ents = p.has("ents") ? p.fullCount("ents") : dma.size();
        if (dma.size() != sizes.size()) {
            throw p.fail("dma_addrs has " + dma.size() + " elements but sizes has " + sizes.size());
        }
        if (!truncated && (phys.size() != nents || dma.size() != ents)) {
            throw p.fail("arrays (" + phys.size() + " phys, " + dma.size() + " dma) do not match nents=" + nents
                    + " ents=" + ents + " and the line is not [TRUNCATED]");
        }
        return new KernelEvent.SgMap(at, p.device(), p.dir("dir"), OptionalLong.empty(), nents, phys, dma, sizes,
                truncated, p.attrs("attrs"));
    }

    private static KernelEvent alloc(At at, Payload p, AllocApi api) {
        // v6.12's dma_alloc left dir unset (§14.2 quirk 7): dir is not read for allocations
        return new KernelEvent.Alloc(at, p.device(), api, p.hex("dma_addr"), p.dec("size"), p.text("virt_addr"),
                List.of(), p.attrs("attrs"));
    }

    /** {@code IOMMU: iova=0x%016llx - 0x%016llx paddr=0x%016llx size=%zu}. */
    private static KernelEvent iommuMap(At at, Payload p) {
        long iova = iovaRange(p);
        return new KernelEvent.IommuMap(at, iova, p.dec("size"), p.hex("paddr"));
    }

    /** {@code IOMMU: iova=0x%016llx - 0x%016llx size=%zu unmapped_size=%zu}. */
    private static KernelEvent iommuUnmap(At at, Payload p) {
        long iova = iovaRange(p);
        return new KernelEvent.IommuUnmap(at, iova, p.dec("size"), p.dec("unmapped_size"));
    }

    private static long iovaRange(Payload p) {
        List<String> w = p.words();
        if (w.size() != 3 || !w.get(0).equals("IOMMU:") || !w.get(1).equals("-")) {
            throw p.fail("expected 'IOMMU: iova=0x... - 0x...'");
        }
        long start = p.hex("iova");
        long end;
        try {
            end = Long.parseUnsignedLong(w.get(2).replaceFirst("^0x", ""), 16);
        } catch (NumberFormatException e) {
            throw p.fail("iova end '" + w.get(2) + "' is not a hex number");
        }
        if (end - start != p.dec("size")) {
            throw p.fail("iova range " + w.get(2) + " - iova is not size=" + p.dec("size"));
        }
        return start;
    }

    /** {@code dev_name: %s dma_mask=%llx dev_addr=%llx size=%zu %s}, the last word FORCE or NORMAL. */
    private static KernelEvent bounced(At at, Payload p) {
        List<String> w = p.words();
        if (w.size() < 2 || !w.get(0).equals("dev_name:")) {
            throw p.fail("expected 'dev_name: DEVICE ...'");
        }
        String mode = w.get(w.size() - 1);
        if (w.size() != 3 || !(mode.equals("FORCE") || mode.equals("NORMAL") || mode.equals("NO_FORCE"))) {
            throw p.fail("expected FORCE or NORMAL at the end");
        }
        return new KernelEvent.SwiotlbBounced(at, w.get(1), p.hex("dma_mask"), p.hex("dev_addr"), p.dec("size"),
                mode.equals("FORCE"));
    }

}
