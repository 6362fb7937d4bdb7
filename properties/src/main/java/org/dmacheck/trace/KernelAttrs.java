package org.dmacheck.trace;

/**
 * {@code DMA_ATTR_*} as the {@code dma:*} tracepoints print them ({@code __print_flags}, §11): the
 * names known to dmacheck's {@code DmaAttrs} plus the newer ones the kernel prints, joined by
 * {@code |}; unnamed bits as a {@code 0x...} remainder; empty for none.
 */
final class KernelAttrs {
    private static final String[] NAMES = {
        null, "WEAK_ORDERING", "WRITE_COMBINE", null, "NO_KERNEL_MAPPING", "SKIP_CPU_SYNC",
        "FORCE_CONTIGUOUS", "ALLOC_SINGLE_PAGES", "NO_WARN", "PRIVILEGED", "MMIO",
        // ≈v7.0: DMA_ATTR_DEBUGGING_IGNORE_CACHELINES prints as CACHELINES_OVERLAP
        "CACHELINES_OVERLAP", "REQUIRE_COHERENT", "CC_SHARED", "ALLOC_CC_SHARED",
    };

    private KernelAttrs() {
    }

    static long parse(String text) {
        long attrs = 0;
        if (text.isEmpty()) {
            return 0;
        }
        for (String part : text.split("\\|")) {
            attrs |= flag(part);
        }
        return attrs;
    }

    private static long flag(String name) {
        if (name.startsWith("0x")) {
            try {
                return Long.parseUnsignedLong(name.substring(2), 16);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + name + "' is not a hex attribute value");
            }
        }
        for (int bit = 0; bit < NAMES.length; bit++) {
            if (name.equals(NAMES[bit])) {
                return 1L << bit;
            }
        }
        throw new IllegalArgumentException("unknown DMA attribute '" + name + "'");
    }
}
