package org.dmacheck.trace;

import java.util.List;
import java.util.OptionalLong;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.trace.Finding.Kind;
import org.dmacheck.trace.LiveMapping.Type;

/** dma-debug's unmap lookup and comparison ({@code bucket_find_exact}, {@code check_unmap}, §9.3). */
final class Pairing {
    private Pairing() {
    }

    /**
     * The entry an unmap releases, among those at its exact address: the only one; else the one
     * matching size, type and direction; else the single best partial match; ambiguity is "not found".
     */
    static LiveMapping bestFit(List<LiveMapping> candidates, long size, Type type, Direction dir) {
        if (candidates.isEmpty()) {
            return null;
        }
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        LiveMapping best = null;
        int bestScore = -1;
        boolean tie = false;
        for (LiveMapping m : candidates) {
            int score = (m.size == size ? 1 : 0) + (m.type == type ? 1 : 0) + (m.dir == dir ? 1 : 0);
            if (score == 3) {
                return m;
            }
            if (score > bestScore) {
                best = m;
                bestScore = score;
                tie = false;
            } else if (score == bestScore) {
                tie = true;
            }
        }
        return tie ? null : best;
    }

    /** U3 size, U4 type and U7 direction of {@code check_unmap}. */
    static void compare(TraceChecker c, LiveMapping m, int line, long size, Type type, Direction dir) {
        String at = "[device address=0x" + Long.toHexString(m.dma) + "]";
        String mapLine = " (map at line " + m.line + ")";
        if (m.size != size) {
            c.finding(Kind.DRIVER, line, "size-mismatch", m.dev, "device driver frees DMA memory with different size "
                    + at + " [map size=" + m.size + " bytes] [unmap size=" + size + " bytes]" + mapLine);
        }
        if (m.type != type) {
            c.finding(Kind.DRIVER, line, "wrong-function", m.dev, "device driver frees DMA memory with wrong function "
                    + at + " [size=" + m.size + " bytes] [mapped as " + m.type.printed + "] [unmapped as "
                    + type.printed + "]" + mapLine);
        }
        if (m.dir != dir) {
            c.finding(Kind.DRIVER, line, "direction-mismatch", m.dev, "device driver frees DMA memory with different"
                    + " direction " + at + " [size=" + m.size + " bytes] [mapped with " + m.dir.traceName()
                    + "] [unmapped with " + dir.traceName() + "]" + mapLine);
        }
    }

    /** The same scatterlist: the same list pointer (kprobes) or the same phys list (tracepoints). */
    static boolean sameList(LiveMapping s, OptionalLong sgl, List<Long> phys) {
        if (sgl.isPresent() && s.sgl.isPresent()) {
            return sgl.getAsLong() == s.sgl.getAsLong();
        }
        return !phys.isEmpty() && phys.equals(s.sgPhys);
    }

    /** A list that starts like {@code s}: the entry-count mismatch case of U6. */
    static boolean sameHead(LiveMapping s, OptionalLong sgl, List<Long> phys) {
        if (sgl.isPresent() && s.sgl.isPresent()) {
            return sgl.getAsLong() == s.sgl.getAsLong();
        }
        return !phys.isEmpty() && !s.sgPhys.isEmpty() && phys.get(0).equals(s.sgPhys.get(0));
    }
}
