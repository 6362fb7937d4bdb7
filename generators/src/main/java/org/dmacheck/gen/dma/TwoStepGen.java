package org.dmacheck.gen.dma;

import java.util.List;
import org.dmacheck.gen.ChoiceStream;
import org.dmacheck.gen.Gen;
import org.dmacheck.spec.driver.Binding;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.Direction;
import org.dmacheck.spec.platform.DmaAttrs;

/**
 * Steps of the two-step API: {@code dma_iova_try_alloc} of one RAM buffer, then
 * {@code dma_iova_link} of its pieces in order, {@code dma_iova_sync}, {@code dma_iova_unlink} of a
 * link, {@code dma_iova_destroy} of a state whose links tile {@code [0, len)}, {@code dma_iova_free}
 * of a state without links.
 *
 * <p>Links follow the alignment rules of {@code dma_iova_link()}: the link at offset 0 maps the
 * try_alloc address itself (so its in-granule offset matches the state's), every later link starts
 * where the previous one ended, on a granule boundary, with a granule-aligned physical address —
 * either the next piece of the same buffer or a separate page-aligned buffer. Rarely a piece breaks
 * the rule (an unaligned physical address at a non-zero offset), which Linux refuses with
 * {@code -EIO}. All links of a state share one direction, as {@code dma_iova_destroy} takes one.
 */
public final class TwoStepGen {
    /** How the next link's length is chosen. */
    public enum Piece { ALIGNED, REST, MISALIGNED }

    public static final Knob<Boolean> ANY_DEVICE = Knob.flag("try_alloc on any device", 5, 1);
    public static final Knob<Piece> PIECE = Knob.of("link piece", List.of(Piece.values()), 3, 2, 0.2);
    public static final Knob<Boolean> SEPARATE = Knob.flag("link a separate buffer", 1, 1);
    public static final Knob<Integer> GRANULES = Knob.of("granules per link", List.of(1, 2, 4), 2, 1, 1);

    private TwoStepGen() {
    }

    static boolean enabled(OpKind kind, SequenceState s) {
        return switch (kind) {
            case IOVA_LINK -> !s.linkable().isEmpty();
            case IOVA_SYNC, IOVA_UNLINK -> !s.linked().isEmpty();
            case IOVA_DESTROY -> !s.destroyable().isEmpty();
            case IOVA_FREE -> !s.freeable().isEmpty();
            default -> true;
        };
    }

    static Gen<Op> step(OpKind kind, DmaProfile p, SequenceState s) {
        return switch (kind) {
            case IOVA_TRY_ALLOC -> in -> tryAlloc(in, p, s);
            case IOVA_LINK -> in -> link(in, p, s);
            case IOVA_SYNC -> in -> {
                Binding.Iova v = OpGen.live(in, s.linked());
                return new Op.IovaSync(v.handle(), 0, SequenceState.linkedEnd(v.links()));
            };
            case IOVA_UNLINK -> in -> {
                Binding.Iova v = OpGen.live(in, s.linked());
                Binding.Link l = OpGen.live(in, v.links());
                return new Op.IovaUnlink(v.handle(), l.offset(), l.size(), l.dir(), l.attrs());
            };
            case IOVA_DESTROY -> in -> {
                Binding.Iova v = OpGen.live(in, s.destroyable());
                Direction dir = v.links().isEmpty() ? Direction.BIDIRECTIONAL : v.links().get(0).dir();
                return new Op.IovaDestroy(v.handle(), SequenceState.tiledLength(v.links()), dir, 0);
            };
            case IOVA_FREE -> in -> new Op.IovaFree(OpGen.live(in, s.freeable()).handle());
            default -> throw new IllegalArgumentException("not a two-step operation: " + kind);
        };
    }

    private static Op tryAlloc(ChoiceStream in, DmaProfile p, SequenceState s) {
        List<DeviceConfig> devices = s.iovaDevices().isEmpty() || ANY_DEVICE.draw(in, p) ? s.devices() : s.iovaDevices();
        DeviceConfig dev = OpGen.device(in, devices);
        Buffer b = OpGen.ram(in, p, s, dev);
        return new Op.IovaTryAlloc(s.handle("iova"), dev.id(), b.phys(), b.size());
    }

    private static Op link(ChoiceStream in, DmaProfile p, SequenceState s) {
        Binding.Iova v = OpGen.live(in, s.linkable());
        long granule = s.granule(s.platform().device(v.dev()));
        long page = s.config().pageSize();
        long offset = SequenceState.linkedEnd(v.links());
        long rest = v.state().size() - offset;
        long pad = v.phys() & (granule - 1);
        Piece piece = PIECE.draw(in, p);
        long chunk = GRANULES.draw(in, p) * granule - (offset == 0 ? pad : 0);
        long size = piece == Piece.REST ? rest : Math.min(rest, chunk);
        long phys;
        if (piece == Piece.MISALIGNED && offset > 0) {
            // dma_iova_link(): an in-granule offset is allowed only at offset 0 (-EIO otherwise)
            phys = s.take(BufferGen.exact(s.platform().buffers(), size, 0x234, page)).phys();
        } else if (offset > 0 && SEPARATE.draw(in, p)) {
            phys = s.take(BufferGen.exact(s.platform().buffers(), size, 0, page)).phys();
        } else {
            phys = v.phys() + offset;
        }
        Direction dir = v.links().isEmpty() ? OpGen.DIRECTION.draw(in, p) : v.links().get(0).dir();
        long attrs = in.drawBoolean(0.1) ? DmaAttrs.SKIP_CPU_SYNC : 0;
        return new Op.IovaLink(v.handle(), phys, offset, size, dir, attrs);
    }
}
