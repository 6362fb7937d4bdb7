package org.dmacheck.spec.platform;

import java.util.ArrayList;
import java.util.List;

/** {@code DMA_ATTR_*} bit flags ({@code include/linux/dma-mapping.h}). */
public final class DmaAttrs {
    public static final long WEAK_ORDERING = 1L << 1;
    public static final long WRITE_COMBINE = 1L << 2;
    public static final long NO_KERNEL_MAPPING = 1L << 4;
    /** Map/unmap skip CPU cache maintenance and the swiotlb copy-back on unmap. */
    public static final long SKIP_CPU_SYNC = 1L << 5;
    public static final long FORCE_CONTIGUOUS = 1L << 6;
    public static final long ALLOC_SINGLE_PAGES = 1L << 7;
    public static final long NO_WARN = 1L << 8;
    /** Adds {@code IOMMU_PRIV} to the IOMMU protection. */
    public static final long PRIVILEGED = 1L << 9;
    /** Not normal RAM (BAR, peer MMIO): never bounced, never cache-maintained (v6.18+). */
    public static final long MMIO = 1L << 10;
    /** dma-debug: the cache line may be shared; every mapping sharing it must carry this (trace name {@code CACHELINES_OVERLAP}). */
    public static final long DEBUGGING_IGNORE_CACHELINES = 1L << 11;
    /** The mapping needs a DMA-coherent system: never bounced, never cache-maintained. */
    public static final long REQUIRE_COHERENT = 1L << 12;
    /** Confidential computing: the memory is shared (decrypted) with the host. */
    public static final long CC_SHARED = 1L << 13;

    private static final String[] NAMES = {
        null, "WEAK_ORDERING", "WRITE_COMBINE", null, "NO_KERNEL_MAPPING", "SKIP_CPU_SYNC",
        "FORCE_CONTIGUOUS", "ALLOC_SINGLE_PAGES", "NO_WARN", "PRIVILEGED", "MMIO", "CACHELINES_OVERLAP",
        "REQUIRE_COHERENT", "CC_SHARED",
    };

    private DmaAttrs() {
    }

    public static boolean has(long attrs, long flag) {
        return (attrs & flag) != 0;
    }

    /** The attributes as the kernel trace prints them: {@code SKIP_CPU_SYNC|MMIO}, empty for 0. */
    public static String describe(long attrs) {
        List<String> parts = new ArrayList<>();
        for (int bit = 0; bit < 64; bit++) {
            if ((attrs & (1L << bit)) != 0) {
                parts.add(bit < NAMES.length && NAMES[bit] != null ? NAMES[bit] : "BIT" + bit);
            }
        }
        return String.join("|", parts);
    }

    /** Parses {@link #describe}'s output (and the kernel's trace text) back into bits. */
    public static long parse(String text) {
        long attrs = 0;
        if (text.isEmpty()) {
            return 0;
        }
        for (String part : text.split("\\|")) {
            attrs |= flag(part.trim());
        }
        return attrs;
    }

    private static long flag(String name) {
        for (int bit = 0; bit < NAMES.length; bit++) {
            if (name.equals(NAMES[bit])) {
                return 1L << bit;
            }
        }
        if (name.startsWith("BIT")) {
            return 1L << Integer.parseInt(name.substring(3));
        }
        throw new IllegalArgumentException("unknown DMA attribute '" + name + "'");
    }
}
