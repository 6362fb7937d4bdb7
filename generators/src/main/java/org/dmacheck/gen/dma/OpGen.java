package org.dmacheck.gen.dma;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.dmacheck.gen.ChoiceStream;
import org.dmacheck.gen.Gen;
import org.dmacheck.gen.Gens;
import org.dmacheck.gen.stateful.Command;
import org.dmacheck.gen.stateful.Commands;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.driver.Binding;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.DmaAttrs;
import org.dmacheck.spec.platform.RegionKind;

/**
 * Operation sequences for a {@link DmaProfile}: one {@link Command} per {@link OpKind} of positive
 * weight, each enabled only when the current state has what it needs (a live handle of the right
 * kind, memory the CPU owns, a mapping the device owns) and drawing "the k-th live one" of the
 * current state. Correct steps repeat the map's own arguments on release and respect ownership;
 * contract-breaking steps come from {@link MisuseGen}, two-step ones from {@link TwoStepGen}.
 */
public final class OpGen {
    private static final long KIB = 1024;
    private static final long MIB = KIB * KIB;
    /** The largest CPU or device access a step makes. */
    static final long MAX_ACCESS = 64 * KIB;

    /** Where an access starts in its range, and how long it is. */
    public enum Access { WHOLE, ONE, ANY }

    public static final Knob<Direction> DIRECTION = Knob.of("direction",
            List.of(Direction.BIDIRECTIONAL, Direction.TO_DEVICE, Direction.FROM_DEVICE), 1, 1, 1);
    public static final Knob<Long> ATTRS = Knob.of("attrs",
            List.of(0L, DmaAttrs.SKIP_CPU_SYNC, DmaAttrs.PRIVILEGED, DmaAttrs.WEAK_ORDERING), 8, 1, 0.5, 0.3);
    public static final Knob<Boolean> REUSE = Knob.flag("reuse a free buffer", 3, 1);
    public static final Knob<Boolean> FOR_DEVICE = Knob.flag("sync for device", 1, 1);
    public static final Knob<Boolean> PARTIAL = Knob.flag("partial sync", 3, 2);
    /** A BIDIRECTIONAL mapping synced with TO_DEVICE or FROM_DEVICE (allowed). */
    public static final Knob<Boolean> NARROW_SYNC = Knob.flag("narrower sync direction", 4, 1);
    /** Flush-queue time: below, at and above {@code IOVA_FQ_TIMEOUT} (10 ms), and long waits. */
    public static final Knob<Long> TICK_MS = Knob.of("tick ms", List.of(1L, 5L, 10L, 11L, 100L, 1000L),
            2, 1, 2, 1, 1, 0.5);
    /** Coherent allocation sizes; 0 stands for PAGE_SIZE. */
    public static final Knob<Long> COHERENT_SIZE = Knob.of("coherent size",
            List.of(0L, 1L, 0x1001L, 64 * KIB, MIB, 2 * MIB), 3, 1, 1, 1, 1, 0.5);
    public static final Knob<Access> ACCESS_START = Knob.of("access start", List.of(Access.values()), 3, 1, 2);
    public static final Knob<Access> ACCESS_LENGTH = Knob.of("access length", List.of(Access.values()), 3, 1, 2);
    public static final Knob<Integer> SG_ENTRIES = Knob.of("sg entries (max)", List.of(4, 1, 16, 64), 4, 1, 2, 0.2);

    private OpGen() {
    }

    /**
     * Sequences for {@code profile} against a fresh target from {@code target} per generation
     * (each generation runs its steps as it draws them).
     */
    static Commands<SequenceState, Op> sequences(DmaProfile profile, Supplier<? extends DmaModelState> target) {
        List<Command<SequenceState, ? extends Op>> commands = new ArrayList<>();
        for (OpKind kind : profile.opKinds()) {
            commands.add(new Command<SequenceState, Op>(kind.name().toLowerCase(Locale.ROOT), profile.opWeight(kind),
                    s -> !s.halted() && enabled(kind, s), s -> step(kind, profile, s), SequenceState::apply));
        }
        return Commands.<SequenceState, Op>of(() -> new SequenceState(target.get()), commands)
                .steps(0, profile.maxSteps()).averageSteps(profile.averageSteps());
    }

    static boolean enabled(OpKind kind, SequenceState s) {
        return switch (kind) {
            case MAP_PHYS, MAP_PAGE, MAP_SG, ALLOC_COHERENT, TICK, IOVA_TRY_ALLOC -> true;
            case MAP_RESOURCE -> !s.resources().isEmpty();
            case UNMAP -> !s.singles().isEmpty();
            case UNMAP_SG -> !s.sgs().isEmpty();
            case SYNC_SINGLE -> !s.usableSingles().isEmpty();
            case SYNC_SG -> !s.usableSgs().isEmpty();
            case FREE_COHERENT -> !s.coherents().isEmpty();
            case CPU_WRITE, CPU_READ -> !s.cpuOwnedMemory().isEmpty();
            case DEVICE_WRITE, DEVICE_READ -> !s.deviceOwned().isEmpty();
            case IOVA_LINK, IOVA_SYNC, IOVA_UNLINK, IOVA_DESTROY, IOVA_FREE -> TwoStepGen.enabled(kind, s);
            default -> MisuseGen.enabled(kind, s);
        };
    }

    static Gen<Op> step(OpKind kind, DmaProfile p, SequenceState s) {
        return switch (kind) {
            case MAP_PHYS -> in -> mapPhys(in, p, s);
            case MAP_PAGE -> in -> mapRam(in, p, s, Op.MapKind.PAGE);
            case MAP_SG -> in -> mapSg(in, p, s);
            case MAP_RESOURCE -> in -> mapResource(in, p, s);
            case UNMAP -> in -> {
                Binding.Single b = live(in, s.singles());
                return new Op.UnmapSingle(b.handle(), b.kind(), 0, b.size(), b.dir(), b.attrs());
            };
            case UNMAP_SG -> in -> {
                Binding.Sg b = live(in, s.sgs());
                return new Op.UnmapSg(b.handle(), b.nents(), b.dir(), b.attrs());
            };
            case SYNC_SINGLE -> in -> syncSingle(in, p, s);
            case SYNC_SG -> in -> {
                Binding.Sg b = live(in, s.usableSgs());
                return new Op.SyncSg(b.handle(), FOR_DEVICE.draw(in, p), b.nents(), syncDirection(in, p, b.dir()));
            };
            case ALLOC_COHERENT -> in -> {
                DeviceConfig dev = device(in, s.devices());
                long size = COHERENT_SIZE.draw(in, p);
                return new Op.AllocCoherent(s.handle("coh"), dev.id(), size == 0 ? s.config().pageSize() : size, 0);
            };
            case FREE_COHERENT -> in -> new Op.FreeCoherent(live(in, s.coherents()).handle(), 0);
            case CPU_WRITE -> in -> {
                Buffer m = live(in, s.cpuOwnedMemory());
                long[] at = access(in, p, m.size());
                return new Op.CpuWrite(m.phys() + at[0], at[1], pattern(in));
            };
            case CPU_READ -> in -> {
                Buffer m = live(in, s.cpuOwnedMemory());
                long[] at = access(in, p, m.size());
                return new Op.CpuRead(m.phys() + at[0], at[1]);
            };
            case DEVICE_WRITE, DEVICE_READ -> in -> deviceAccess(in, p, s, kind == OpKind.DEVICE_WRITE);
            case TICK -> in -> new Op.Tick(TICK_MS.draw(in, p));
            case IOVA_TRY_ALLOC, IOVA_LINK, IOVA_SYNC, IOVA_UNLINK, IOVA_DESTROY, IOVA_FREE -> TwoStepGen.step(kind, p, s);
            default -> MisuseGen.step(kind, p, s);
        };
    }

    private static Op mapPhys(ChoiceStream in, DmaProfile p, SequenceState s) {
        List<SequenceState.Resource> bars = s.resources().stream()
                .filter(r -> r.region().kind() == RegionKind.P2P_BAR).toList();
        if (bars.isEmpty() || !BufferGen.P2P_SINGLE.draw(in, p)) {
            return mapRam(in, p, s, Op.MapKind.PHYS);
        }
        // a peer BAR the device reaches: dma_map_phys(DMA_ATTR_MMIO), as the block layer maps P2P
        SequenceState.Resource r = bars.get(in.drawIndex(bars.size()));
        Buffer b = s.take(BufferGen.slice(in, p, r.region(), s.config().pageSize(), s.granule(r.dev())));
        return new Op.MapSingle(s.handle("m"), r.dev().id(), Op.MapKind.PHYS, b.phys(), b.size(),
                DIRECTION.draw(in, p), ATTRS.draw(in, p) | DmaAttrs.MMIO);
    }

    private static Op mapRam(ChoiceStream in, DmaProfile p, SequenceState s, Op.MapKind kind) {
        DeviceConfig dev = device(in, s.devices());
        Direction dir = DIRECTION.draw(in, p);
        long attrs = ATTRS.draw(in, p);
        Buffer b = ram(in, p, s, dev);
        return new Op.MapSingle(s.handle("m"), dev.id(), kind, b.phys(), b.size(), dir, attrs);
    }

    private static Op mapResource(ChoiceStream in, DmaProfile p, SequenceState s) {
        SequenceState.Resource r = s.resources().get(in.drawIndex(s.resources().size()));
        Buffer b = s.take(BufferGen.slice(in, p, r.region(), s.config().pageSize(), s.granule(r.dev())));
        return new Op.MapSingle(s.handle("m"), r.dev().id(), Op.MapKind.RESOURCE, b.phys(), b.size(),
                DIRECTION.draw(in, p), ATTRS.draw(in, p));
    }

    private static Op mapSg(ChoiceStream in, DmaProfile p, SequenceState s) {
        DeviceConfig dev = device(in, s.devices());
        Direction dir = DIRECTION.draw(in, p);
        long attrs = ATTRS.draw(in, p);
        long granule = s.granule(dev);
        long page = s.config().pageSize();
        Gen<Scatterlist.Chunk> entry = e -> {
            Buffer b = switch (BufferGen.SG_ENTRY.draw(e, p)) {
                case RAM -> ram(e, p, s, dev);
                case GRANULE_RUN -> s.take(BufferGen.run(s.platform().buffers(), BufferGen.RUN_GRANULES.draw(e, p),
                        granule, page));
                case P2P -> s.bars().isEmpty() ? ram(e, p, s, dev) : s.take(BufferGen.slice(e, p,
                        s.bars().get(e.drawIndex(s.bars().size())), page, granule));
            };
            return new Scatterlist.Chunk(b.phys(), b.size());
        };
        int max = SG_ENTRIES.draw(in, p);
        // half the maximum on average, so that lists are long enough to merge and to cross boundaries
        List<Scatterlist.Chunk> entries = in.draw(Gens.lists(entry, 1, max).averageSize(Math.max(1.0, max / 2.0)));
        return new Op.MapSg(s.handle("sg"), dev.id(), entries, dir, attrs);
    }

    private static Op syncSingle(ChoiceStream in, DmaProfile p, SequenceState s) {
        Binding.Single b = live(in, s.usableSingles());
        boolean forDevice = FOR_DEVICE.draw(in, p);
        long offset = 0;
        long size = b.size();
        if (b.size() > 1 && PARTIAL.draw(in, p)) {
            offset = Within.draw(in, 0, b.size() - 1);
            size = Within.draw(in, 1, b.size() - offset);
        }
        return new Op.SyncSingle(b.handle(), forDevice, offset, size, syncDirection(in, p, b.dir()));
    }

    /** The mapping's direction; for BIDIRECTIONAL sometimes a narrower one, which dma-debug allows. */
    private static Direction syncDirection(ChoiceStream in, DmaProfile p, Direction mapped) {
        if (mapped == Direction.BIDIRECTIONAL && NARROW_SYNC.draw(in, p)) {
            return in.drawBoolean(0.5) ? Direction.FROM_DEVICE : Direction.TO_DEVICE;
        }
        return mapped;
    }

    private static Op deviceAccess(ChoiceStream in, DmaProfile p, SequenceState s, boolean write) {
        Binding b = live(in, s.deviceOwned());
        List<Binding.Target> targets = b.targets();
        int segment = in.draw(Gens.indexBelow(targets.size()));
        long[] at = access(in, p, targets.get(segment).length());
        return write ? new Op.DeviceWrite(b.handle(), segment, at[0], at[1], pattern(in))
                : new Op.DeviceRead(b.handle(), segment, at[0], at[1]);
    }

    /** {offset, length} of an access inside {@code size} bytes, at most {@link #MAX_ACCESS} long. */
    static long[] access(ChoiceStream in, DmaProfile p, long size) {
        long last = Math.max(size, 1) - 1;
        long offset = switch (ACCESS_START.draw(in, p)) {
            case WHOLE -> 0;
            case ONE -> last;
            case ANY -> Within.draw(in, 0, last);
        };
        long room = Math.min(size - offset, MAX_ACCESS);
        long len = switch (ACCESS_LENGTH.draw(in, p)) {
            case WHOLE -> room;
            case ONE -> 1;
            case ANY -> Within.draw(in, 1, Math.max(room, 1));
        };
        return new long[] {offset, Math.max(len, 1)};
    }

    /** A RAM buffer for {@code dev}: a reused free one, or a fresh allocation. */
    static Buffer ram(ChoiceStream in, DmaProfile p, SequenceState s, DeviceConfig dev) {
        if (!s.free().isEmpty() && REUSE.draw(in, p)) {
            return s.takeFree(in.draw(Gens.indexBelow(s.free().size())));
        }
        return s.take(BufferGen.ram(in, p, s.platform().buffers(), dev, s.config().pageSize(), s.granule(dev)));
    }

    static DeviceConfig device(ChoiceStream in, List<DeviceConfig> devices) {
        return devices.get(in.drawIndex(devices.size()));
    }

    /** The k-th element of a non-empty list of live things, drawn as an index the shrinker can re-aim. */
    static <T> T live(ChoiceStream in, List<T> items) {
        return items.get(in.draw(Gens.indexBelow(items.size())));
    }

    static int pattern(ChoiceStream in) {
        return (int) in.draw(0xFFFF);
    }
}
