package org.dmacheck.trace;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.trace.Finding.Kind;
import org.dmacheck.trace.LiveMapping.Type;

/** {@code dma_alloc*} / {@code dma_free*} pairing (dma-debug's coherent entries: U2–U5 with BIDIRECTIONAL). */
final class Allocations {
    private final TraceChecker checker;
    private final Map<String, List<LiveMapping>> live = new HashMap<>();

    Allocations(TraceChecker checker) {
        this.checker = checker;
    }

    void alloc(KernelEvent.Alloc a) {
        if (a.failed()) {
            return;
        }
        LiveMapping m = new LiveMapping(a.at().line(), checker.nextSeq(), a.dev(), type(a.api()), a.dmaAddr(), a.size(),
                Direction.BIDIRECTIONAL, a.attrs(), a.phys().isEmpty() ? OptionalLong.empty() : OptionalLong.of(a.phys().get(0)));
        m.virt = a.virt();
        live.computeIfAbsent(a.dev(), k -> new ArrayList<>()).add(m);
    }

    void free(KernelEvent.Free f) {
        TraceChecker.DeviceState d = checker.device(f.dev());
        d.freedCoherent = true;
        if (f.noOp()) {
            return; // dma_free_attrs(dev, size, NULL, ...): traced, then nothing happens
        }
        int line = f.at().line();
        List<LiveMapping> mine = live.getOrDefault(f.dev(), new ArrayList<>());
        List<LiveMapping> at = mine.stream().filter(m -> m.dma == f.dmaAddr()).toList();
        LiveMapping m = Pairing.bestFit(at, f.size(), type(f.api()), Direction.BIDIRECTIONAL);
        if (m == null) {
            checker.unknownRelease(d, line, f.dmaAddr(), f.size(), "free");
            return;
        }
        Pairing.compare(checker, m, line, f.size(), type(f.api()), Direction.BIDIRECTIONAL);
        if (m.virt != null && f.virt() != null && !m.virt.equals(f.virt())) {
            checker.finding(Kind.DRIVER, line, "cpu-address-mismatch", f.dev(), "device driver frees DMA memory with"
                    + " different CPU address [device address=0x" + Long.toHexString(m.dma) + "] [size=" + m.size
                    + " bytes] [cpu alloc address=" + m.virt + "] [cpu free address=" + f.virt() + "] (alloc at line "
                    + m.line + ")");
        }
        mine.remove(m);
        d.recentlyReleased.put(m.dma, line);
    }

    void crossGap() {
        live.values().forEach(l -> l.forEach(m -> m.crossedGap = true));
    }

    int liveCount(String dev) {
        return live.getOrDefault(dev, List.of()).size();
    }

    List<LiveMapping> live() {
        List<LiveMapping> out = new ArrayList<>();
        live.values().forEach(out::addAll);
        return out;
    }

    private static Type type(KernelEvent.AllocApi api) {
        return switch (api) {
            case COHERENT -> Type.COHERENT;
            case PAGES -> Type.PAGES;
            case SGT -> Type.SGT;
        };
    }
}
