package org.dmacheck.spec.driver;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.dmacheck.spec.platform.DeviceId;

/**
 * The driver's live bindings, oldest first, indexed by (device, start address) — every segment
 * start, and a two-step state's IOVA — so that an unmap by address finds the bindings it may name
 * in O(log n + answers) ({@link #startingAt}) instead of walking every binding.
 *
 * <p>A binding's start addresses are taken when it is stored. Its scatterlist and two-step state
 * are mutable and the engine writes into them, so the driver stores a binding again
 * ({@link #refresh}) after every call that hands them to the engine.
 */
final class BindingTable {
    private record Start(DeviceId dev, long addr) {
    }

    /** A stored binding's age (kept when it is replaced) and the start keys it is filed under. */
    private record Filed(long seq, List<Start> starts) {
    }

    private final Map<String, Binding> live = new LinkedHashMap<>();
    private final Map<String, Filed> filed = new HashMap<>();
    private final Map<Start, TreeMap<Long, Binding>> byStart = new HashMap<>();
    private long seq;

    Binding get(String handle) {
        return live.get(handle);
    }

    boolean contains(String handle) {
        return live.containsKey(handle);
    }

    /** Every live binding, oldest first (read-only view). */
    Collection<Binding> values() {
        return Collections.unmodifiableCollection(live.values());
    }

    /** Stores {@code b}, replacing the binding of its handle (which keeps its age). */
    void put(Binding b) {
        Filed old = filed.remove(b.handle());
        if (old != null) {
            unfile(old);
        }
        long age = old != null ? old.seq() : seq++;
        List<Start> starts = new ArrayList<>();
        for (long addr : startAddresses(b)) {
            Start s = new Start(b.dev(), addr);
            starts.add(s);
            byStart.computeIfAbsent(s, k -> new TreeMap<>()).put(age, b);
        }
        live.put(b.handle(), b);
        filed.put(b.handle(), new Filed(age, starts));
    }

    /** Files the binding of {@code handle} again, after the engine may have written into its list or state. */
    void refresh(String handle) {
        Binding b = live.get(handle);
        if (b != null) {
            put(b);
        }
    }

    void remove(String handle) {
        live.remove(handle);
        Filed f = filed.remove(handle);
        if (f != null) {
            unfile(f);
        }
    }

    /** Live bindings of {@code dev} with a segment (or a two-step state) starting at {@code addr}, oldest first. */
    List<Binding> startingAt(DeviceId dev, long addr) {
        TreeMap<Long, Binding> at = byStart.get(new Start(dev, addr));
        return at == null ? List.of() : List.copyOf(at.values());
    }

    private static List<Long> startAddresses(Binding b) {
        if (b instanceof Binding.Iova v) {
            return v.state().inUse() ? List.of(v.state().addr()) : List.of();
        }
        return b.targets().stream().map(Binding.Target::dmaAddr).distinct().toList();
    }

    private void unfile(Filed f) {
        for (Start s : f.starts()) {
            TreeMap<Long, Binding> at = byStart.get(s);
            at.remove(f.seq());
            if (at.isEmpty()) {
                byStart.remove(s);
            }
        }
    }
}
