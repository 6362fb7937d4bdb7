package org.dmacheck.trace;

import org.dmacheck.spec.platform.Direction;
import org.dmacheck.trace.Finding.Kind;

/** dma-debug's {@code check_sync} (§9.4, S1–S6) on sync events. */
final class Syncs {
    private Syncs() {
    }

    static void single(TraceChecker c, KernelEvent.SingleSync s) {
        TraceChecker.DeviceState d = c.device(s.dev());
        int line = s.at().line();
        String at = "[device address=0x" + Long.toHexString(s.dmaAddr()) + "] [size=" + s.size() + " bytes]";
        // bucket_find_contain(): an entry whose range contains the sync's start address
        LiveMapping m = d.singles.containing(s.dmaAddr(), s.dmaAddr()).stream().findFirst().orElse(null);
        if (m == null) {
            m = d.sgs.stream().filter(g -> segmentContaining(g, s.dmaAddr()) >= 0).findFirst().orElse(null);
        }
        if (m == null) {
            c.finding(c.lossyBefore(line) ? Kind.LOST : Kind.DRIVER, line, "sync-unknown", s.dev(),
                    "device driver tries to sync DMA memory it has not allocated " + at);
            return;
        }
        if (s.size() > m.size) {
            c.finding(Kind.DRIVER, line, "sync-outside", s.dev(), "device driver syncs DMA memory outside allocated"
                    + " range [device address=0x" + Long.toHexString(m.dma) + "] [allocation size=" + m.size
                    + " bytes] [sync offset+size=" + (s.dmaAddr() - m.dma + s.size()) + "] (map at line " + m.line + ")");
        }
        direction(c, m, line, s.dev(), s.forDevice(), s.dir());
    }

    static void sg(TraceChecker c, KernelEvent.SgSync s) {
        TraceChecker.DeviceState d = c.device(s.dev());
        int line = s.at().line();
        long first = s.dmaAddrs().isEmpty() ? -1L : s.dmaAddrs().get(0);
        LiveMapping m = d.sgs.stream().filter(g -> !g.dmaAddrs.isEmpty() && g.dmaAddrs.get(0) == first)
                .findFirst().orElse(null);
        if (m == null) {
            c.finding(c.lossyBefore(line) ? Kind.LOST : Kind.DRIVER, line, "sync-unknown", s.dev(),
                    "device driver tries to sync DMA memory it has not allocated [sg list device address=0x"
                            + Long.toHexString(first) + "]");
            return;
        }
        if (m.nents != s.dmaAddrs().size()) {
            c.finding(Kind.DRIVER, line, "sg-count-mismatch", s.dev(), "device driver syncs DMA sg list with different"
                    + " entry count [map count=" + m.nents + "] [sync count=" + s.dmaAddrs().size() + "] (map at line "
                    + m.line + ")");
        }
        direction(c, m, line, s.dev(), s.forDevice(), s.dir());
    }

    /** S3–S5: nothing to check for a BIDIRECTIONAL mapping. */
    private static void direction(TraceChecker c, LiveMapping m, int line, String dev, boolean forDevice, Direction dir) {
        if (m.dir == Direction.BIDIRECTIONAL) {
            return;
        }
        String at = "[device address=0x" + Long.toHexString(m.dma) + "] [size=" + m.size + " bytes] [mapped with "
                + m.dir.traceName() + "] [synced with " + dir.traceName() + "] (map at line " + m.line + ")";
        if (m.dir != dir) {
            c.finding(Kind.DRIVER, line, "sync-direction", dev, "device driver syncs DMA memory with different direction " + at);
        }
        if (!forDevice && m.dir != Direction.FROM_DEVICE && dir != Direction.TO_DEVICE) {
            c.finding(Kind.DRIVER, line, "sync-direction", dev, "device driver syncs device read-only DMA memory for cpu " + at);
        }
        if (forDevice && m.dir != Direction.TO_DEVICE && dir != Direction.FROM_DEVICE) {
            c.finding(Kind.DRIVER, line, "sync-direction", dev, "device driver syncs device write-only DMA memory to device " + at);
        }
    }

    private static int segmentContaining(LiveMapping g, long addr) {
        for (int i = 0; i < g.dmaAddrs.size(); i++) {
            long a = g.dmaAddrs.get(i);
            if (Long.compareUnsigned(a, addr) <= 0 && Long.compareUnsigned(addr, a + g.sizes.get(i)) < 0) {
                return i;
            }
        }
        return -1;
    }
}
