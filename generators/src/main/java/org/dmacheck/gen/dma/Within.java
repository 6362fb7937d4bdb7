package org.dmacheck.gen.dma;

import org.dmacheck.gen.ChoiceStream;

/**
 * A number in a range that depends on the state (an offset inside a mapping, a length that fits),
 * drawn as one choice {@code value - lo} so that 0 gives the low bound; when searching, the bounds
 * and their neighbours are favoured. Cheaper than building a {@code Gens.longs} per draw.
 */
final class Within {
    private Within() {
    }

    /** A value in {@code [lo, hi]} (signed, {@code lo <= hi}). */
    static long draw(ChoiceStream in, long lo, long hi) {
        long span = hi - lo;
        long[] edges = span == 0 ? new long[] {0} : new long[] {0, 1, span, span - 1};
        return lo + in.drawFavouring(span, edges);
    }
}
