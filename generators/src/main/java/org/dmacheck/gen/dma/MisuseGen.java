package org.dmacheck.gen.dma;

import java.util.ArrayList;
import java.util.List;
import org.dmacheck.gen.ChoiceStream;
import org.dmacheck.gen.Gen;
import org.dmacheck.gen.Gens;
import org.dmacheck.spec.driver.Binding;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.Direction;

/**
 * Contract-breaking steps for misuse profiles, each one of the mistakes {@code kernel/dma/debug.c}
 * reports: an unmap with the wrong size, direction (single or sg) or kind; a double unmap; an unmap of an address
 * no map returned (inside a live mapping, or nowhere); a sync reaching past its mapping; a sync with
 * the wrong direction; {@code dma_unmap_sg} with the count map_sg returned instead of nents. They
 * target live bindings the way correct steps do, so they stay valid when earlier steps are deleted.
 */
public final class MisuseGen {
    public enum WrongSize { PLUS_ONE, MINUS_ONE, DOUBLE, HALF, PAGE }

    public enum Unknown { INSIDE_A_MAPPING, NOWHERE }

    public enum Outside { PAST_END, ACROSS_END, TOO_LONG }

    public static final Knob<WrongSize> WRONG_SIZE = Knob.of("wrong unmap size", List.of(WrongSize.values()), 1, 1, 1, 1, 1);
    /** 0 and 1: the two other valid directions; 2: DMA_NONE (Linux BUG()s). */
    public static final Knob<Integer> WRONG_DIRECTION = Knob.of("wrong direction", List.of(0, 1, 2), 2, 2, 0.3);
    public static final Knob<Unknown> UNKNOWN = Knob.of("unknown address", List.of(Unknown.values()), 1, 1);
    public static final Knob<Outside> OUTSIDE = Knob.of("sync outside", List.of(Outside.values()), 1, 1, 1);
    /** A DMA address no generated mapping returns. */
    static final long NOWHERE = 0xDEAD_0000L;

    private MisuseGen() {
    }

    static boolean enabled(OpKind kind, SequenceState s) {
        return switch (kind) {
            case UNMAP_WRONG_SIZE, UNMAP_WRONG_KIND, SYNC_OUTSIDE -> !s.usableSingles().isEmpty();
            case UNMAP_WRONG_DIR -> !s.usableSingles().isEmpty() || !s.usableSgs().isEmpty();
            case DOUBLE_UNMAP -> !s.released().isEmpty();
            case UNMAP_UNKNOWN -> true;
            case SYNC_WRONG_DIR -> !narrowMappings(s).isEmpty();
            case UNMAP_SG_RETURNED_COUNT -> !mergedLists(s).isEmpty();
            default -> throw new IllegalArgumentException("not a misuse operation: " + kind);
        };
    }

    static Gen<Op> step(OpKind kind, DmaProfile p, SequenceState s) {
        return switch (kind) {
            case UNMAP_WRONG_SIZE -> in -> {
                Binding.Single b = OpGen.live(in, s.usableSingles());
                return new Op.UnmapSingle(b.handle(), b.kind(), 0, wrongSize(in, p, b.size(), s.config().pageSize()),
                        b.dir(), b.attrs());
            };
            case UNMAP_WRONG_DIR -> in -> {
                List<Binding> live = new ArrayList<>(s.usableSingles());
                live.addAll(s.usableSgs());
                Binding b = OpGen.live(in, live);
                if (b instanceof Binding.Sg g) {
                    return new Op.UnmapSg(g.handle(), g.nents(), wrongDirection(in, p, g.dir()), g.attrs());
                }
                Binding.Single m = (Binding.Single) b;
                return new Op.UnmapSingle(m.handle(), m.kind(), 0, m.size(), wrongDirection(in, p, m.dir()), m.attrs());
            };
            case UNMAP_WRONG_KIND -> in -> {
                Binding.Single b = OpGen.live(in, s.usableSingles());
                Op.MapKind[] kinds = Op.MapKind.values();
                Op.MapKind other = kinds[(b.kind().ordinal() + 1 + in.drawIndex(kinds.length - 1)) % kinds.length];
                return new Op.UnmapSingle(b.handle(), other, 0, b.size(), b.dir(), b.attrs());
            };
            case DOUBLE_UNMAP -> in -> OpGen.live(in, s.released());
            case UNMAP_UNKNOWN -> in -> unknown(in, p, s);
            case SYNC_OUTSIDE -> in -> {
                Binding.Single b = OpGen.live(in, s.usableSingles());
                long[] r = switch (OUTSIDE.draw(in, p)) {
                    case PAST_END -> new long[] {b.size(), 1};
                    case ACROSS_END -> new long[] {b.size() - 1, 2};
                    case TOO_LONG -> new long[] {0, b.size() + 1};
                };
                return new Op.SyncSingle(b.handle(), OpGen.FOR_DEVICE.draw(in, p), r[0], r[1], b.dir());
            };
            case SYNC_WRONG_DIR -> in -> {
                Binding b = OpGen.live(in, narrowMappings(s));
                boolean forDevice = OpGen.FOR_DEVICE.draw(in, p);
                if (b instanceof Binding.Sg g) {
                    return new Op.SyncSg(g.handle(), forDevice, g.nents(), wrongDirection(in, p, g.dir()));
                }
                Binding.Single m = (Binding.Single) b;
                return new Op.SyncSingle(m.handle(), forDevice, 0, m.size(), wrongDirection(in, p, m.dir()));
            };
            case UNMAP_SG_RETURNED_COUNT -> in -> {
                Binding.Sg g = OpGen.live(in, mergedLists(s));
                return new Op.UnmapSg(g.handle(), g.count(), g.dir(), g.attrs());
            };
            default -> throw new IllegalArgumentException("not a misuse operation: " + kind);
        };
    }

    private static long wrongSize(ChoiceStream in, DmaProfile p, long size, long pageSize) {
        return switch (WRONG_SIZE.draw(in, p)) {
            case PLUS_ONE -> size + 1;
            case MINUS_ONE -> size > 1 ? size - 1 : size + 1;
            case DOUBLE -> size * 2;
            case HALF -> size > 1 ? size / 2 : size + 1;
            case PAGE -> size == pageSize ? 2 * pageSize : pageSize;
        };
    }

    /** A direction other than {@code mapped}: one of the two other valid ones, or rarely DMA_NONE. */
    private static Direction wrongDirection(ChoiceStream in, DmaProfile p, Direction mapped) {
        int pick = WRONG_DIRECTION.draw(in, p);
        if (pick == 2) {
            return Direction.NONE;
        }
        Direction[] valid = {Direction.BIDIRECTIONAL, Direction.TO_DEVICE, Direction.FROM_DEVICE};
        int at = mapped.isValid() ? mapped.value() : 0;
        return valid[(at + 1 + pick) % valid.length];
    }

    private static Op unknown(ChoiceStream in, DmaProfile p, SequenceState s) {
        List<Binding.Single> inside = s.usableSingles().stream().filter(b -> b.size() > 1).toList();
        if (!inside.isEmpty() && UNKNOWN.draw(in, p) == Unknown.INSIDE_A_MAPPING) {
            Binding.Single b = OpGen.live(in, inside);
            long delta = Within.draw(in, 1, b.size() - 1);
            return new Op.UnmapSingle(b.handle(), b.kind(), delta, b.size() - delta, b.dir(), b.attrs());
        }
        return new Op.UnmapUnknown(OpGen.device(in, s.devices()).id(), Op.MapKind.PHYS, NOWHERE,
                s.config().pageSize(), Direction.BIDIRECTIONAL, 0);
    }

    /** Usable single mappings and lists whose direction is not BIDIRECTIONAL. */
    private static List<Binding> narrowMappings(SequenceState s) {
        List<Binding> out = new ArrayList<>();
        s.usableSingles().stream().filter(b -> b.dir() != Direction.BIDIRECTIONAL).forEach(out::add);
        s.usableSgs().stream().filter(b -> b.dir() != Direction.BIDIRECTIONAL).forEach(out::add);
        return out;
    }

    /** Usable lists whose map_sg returned fewer segments than entries. */
    private static List<Binding.Sg> mergedLists(SequenceState s) {
        return s.usableSgs().stream().filter(g -> g.count() < g.nents()).toList();
    }
}
