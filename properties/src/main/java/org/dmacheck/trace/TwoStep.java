package org.dmacheck.trace;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.dmacheck.spec.platform.Unsigned;
import org.dmacheck.trace.Finding.Kind;

/**
 * The two-step IOVA API's driver rules (§7.8) over the {@code dma_iova_*} kprobe events: links,
 * syncs and unlinks stay inside the allocation; nothing is linked after the state is freed or
 * destroyed; ranges are not linked twice; {@code dma_iova_free} only without links; every
 * allocation is released. States are told apart by the {@code struct dma_iova_state} pointer.
 */
final class TwoStep {
    private final TraceChecker checker;
    private final Map<Long, Allocation> live = new HashMap<>();
    private final Map<Long, Integer> releasedAt = new HashMap<>();

    private static final class Allocation {
        final int line;
        final long seq;
        final String dev;
        final long size;
        /** Linked ranges: offset to length, offsets unsigned. */
        final TreeMap<Long, Long> links = new TreeMap<>(Long::compareUnsigned);
        boolean crossedGap;

        Allocation(int line, long seq, String dev, long size) {
            this.line = line;
            this.seq = seq;
            this.dev = dev;
            this.size = size;
        }

        String describe(long state) {
            return "[state=0x" + Long.toHexString(state) + "] [allocation size=" + size + " bytes] (try_alloc at line "
                    + line + ")";
        }
    }

    TwoStep(TraceChecker checker) {
        this.checker = checker;
    }

    void event(KernelEvent e) {
        if (e instanceof KernelEvent.IovaTryAlloc a) {
            tryAlloc(a);
        } else if (e instanceof KernelEvent.IovaLink l) {
            checker.count(l.dev(), "iova_link");
            Allocation a = find(l.state(), l.at().line(), l.dev(), "dma_iova_link");
            if (a != null && (l.ret().isEmpty() || l.ret().getAsLong() == 0)) {
                link(a, l);
            }
        } else if (e instanceof KernelEvent.IovaSync s) {
            checker.count(s.dev(), "iova_sync");
            Allocation a = find(s.state(), s.at().line(), s.dev(), "dma_iova_sync");
            if (a != null) {
                inside(a, s.state(), s.at().line(), s.offset(), s.size(), "sync");
            }
        } else if (e instanceof KernelEvent.IovaUnlink u) {
            checker.count(u.dev(), "iova_unlink");
            Allocation a = find(u.state(), u.at().line(), u.dev(), "dma_iova_unlink");
            if (a != null) {
                unlink(a, u.state(), u.at().line(), u.offset(), u.size());
            }
        } else if (e instanceof KernelEvent.IovaDestroy x) {
            checker.count(x.dev(), "iova_destroy");
            Allocation a = find(x.state(), x.at().line(), x.dev(), "dma_iova_destroy");
            if (a != null) {
                destroy(a, x);
            }
        } else if (e instanceof KernelEvent.IovaFree f) {
            checker.count(f.dev(), "iova_free");
            Allocation a = find(f.state(), f.at().line(), f.dev(), "dma_iova_free");
            if (a != null) {
                if (!a.links.isEmpty()) {
                    checker.finding(Kind.DRIVER, f.at().line(), "iova-free-with-links", f.dev(), "dma_iova_free with "
                            + a.links.size() + " linked range(s) still mapped " + a.describe(f.state())
                            + " (unlink them or use dma_iova_destroy)");
                }
                release(f.state(), a, f.at().line());
            }
        }
    }

    private void tryAlloc(KernelEvent.IovaTryAlloc t) {
        checker.count(t.dev(), "iova_try_alloc");
        if (t.ok().isPresent() && !t.ok().get()) {
            return; // state zeroed: the driver falls back to dma_map_*
        }
        Allocation old = live.get(t.state());
        int line = t.at().line();
        if (old != null) {
            checker.finding(Kind.DRIVER, line, "iova-leak", t.dev(), "dma_iova_try_alloc on a state that still holds "
                    + "an allocation: the old IOVA range is leaked " + old.describe(t.state()));
        }
        live.put(t.state(), new Allocation(line, checker.nextSeq(), t.dev(), t.size()));
        releasedAt.remove(t.state());
    }

    private Allocation find(long state, int line, String dev, String call) {
        Allocation a = live.get(state);
        if (a != null) {
            return a;
        }
        Integer released = releasedAt.get(state);
        if (released != null) {
            checker.finding(Kind.DRIVER, line, "iova-use-after-free", dev, call + " on a state already released at line "
                    + released + " [state=0x" + Long.toHexString(state) + "]");
        } else if (checker.lossyBefore(line)) {
            checker.finding(Kind.LOST, line, "unmatched-iova", dev, call + " on a state whose dma_iova_try_alloc is not"
                    + " in the trace [state=0x" + Long.toHexString(state) + "]");
        } else {
            checker.finding(Kind.DRIVER, line, "iova-not-allocated", dev, call + " on a state never allocated"
                    + " [state=0x" + Long.toHexString(state) + "]");
        }
        return null;
    }

    private boolean inside(Allocation a, long state, int line, long offset, long size, String what) {
        long end = offset + size;
        if (size == 0 || Unsigned.lt(end, offset) || Unsigned.lt(a.size, end)) {
            checker.finding(Kind.DRIVER, line, what + "-outside-allocation", a.dev, "dma_iova_" + what + " of [offset=0x"
                    + Long.toHexString(offset) + "] [size=" + size + " bytes] outside its allocation " + a.describe(state));
            return false;
        }
        return true;
    }

    private void link(Allocation a, KernelEvent.IovaLink l) {
        int line = l.at().line();
        if (!inside(a, l.state(), line, l.offset(), l.size(), "link")) {
            return;
        }
        Map.Entry<Long, Long> before = a.links.floorEntry(l.offset() + l.size() - 1);
        if (before != null && Unsigned.lt(l.offset(), before.getKey() + before.getValue())) {
            checker.finding(Kind.DRIVER, line, "link-overlap", l.dev(), "dma_iova_link of [offset=0x"
                    + Long.toHexString(l.offset()) + "] [size=" + l.size() + " bytes] over the linked range [offset=0x"
                    + Long.toHexString(before.getKey()) + "] [size=" + before.getValue() + " bytes] " + a.describe(l.state()));
            return;
        }
        a.links.put(l.offset(), l.size());
    }

    private void unlink(Allocation a, long state, int line, long offset, long size) {
        if (!inside(a, state, line, offset, size, "unlink")) {
            return;
        }
        long covered = 0;
        Iterator<Map.Entry<Long, Long>> it = a.links.subMap(offset, true, offset + size - 1, true).entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, Long> e = it.next();
            if (Unsigned.le(e.getKey() + e.getValue(), offset + size)) {
                covered += e.getValue();
                it.remove();
            }
        }
        if (covered != size) {
            checker.finding(Kind.DRIVER, line, "unlink-not-linked", a.dev, "dma_iova_unlink of [offset=0x"
                    + Long.toHexString(offset) + "] [size=" + size + " bytes] covers " + covered + " linked bytes "
                    + a.describe(state));
        }
    }

    private void destroy(Allocation a, KernelEvent.IovaDestroy x) {
        int line = x.at().line();
        if (Unsigned.lt(a.size, x.mappedLen())) {
            checker.finding(Kind.DRIVER, line, "destroy-outside-allocation", x.dev(), "dma_iova_destroy with [mapped_len="
                    + x.mappedLen() + " bytes] beyond its allocation " + a.describe(x.state()));
        } else if (!a.links.tailMap(x.mappedLen(), true).isEmpty()) {
            checker.finding(Kind.DRIVER, line, "destroy-leaves-links", x.dev(), "dma_iova_destroy with [mapped_len="
                    + x.mappedLen() + " bytes] leaves links beyond it mapped " + a.describe(x.state()));
        }
        release(x.state(), a, line);
    }

    private void release(long state, Allocation a, int line) {
        live.remove(state);
        releasedAt.put(state, line);
        TraceChecker.DeviceState d = checker.device(a.dev);
        d.maxCompletedSeq = Math.max(d.maxCompletedSeq, a.seq);
    }

    void crossGap() {
        live.values().forEach(a -> a.crossedGap = true);
        releasedAt.clear();
    }

    /** Every allocation must be released; an in-flight one at the end or one across a gap is LOST. */
    void atEnd(boolean lossyEverywhere) {
        live.forEach((state, a) -> {
            if (a.crossedGap || lossyEverywhere) {
                checker.finding(Kind.LOST, a.line, "iova-not-released", a.dev, "no dma_iova_destroy/free seen for "
                        + a.describe(state) + ": events are missing after it");
            } else if (a.seq > checker.device(a.dev).maxCompletedSeq) {
                checker.finding(Kind.LOST, a.line, "in-flight-at-end", a.dev, "no dma_iova_destroy/free seen for "
                        + a.describe(state) + ": in flight when the trace ended");
            } else {
                checker.finding(Kind.DRIVER, a.line, "iova-leak", a.dev, "IOVA allocation never released "
                        + a.describe(state) + " while later work of the device completed");
            }
        });
    }

    int liveCount() {
        return live.size();
    }
}
