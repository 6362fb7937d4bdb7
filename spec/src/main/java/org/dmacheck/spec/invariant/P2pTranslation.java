package org.dmacheck.spec.invariant;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.dmacheck.spec.api.Errno;
import org.dmacheck.spec.api.Scatterlist;
import org.dmacheck.spec.driver.OpResult;
import org.dmacheck.spec.driver.SgSegment;
import org.dmacheck.spec.model.Mapping;
import org.dmacheck.spec.model.Piece;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.MemoryRegion;
import org.dmacheck.spec.platform.P2pMapType;
import org.dmacheck.spec.platform.RegionKind;
import org.dmacheck.spec.violation.Evidence;
import org.dmacheck.spec.violation.Violation;

/**
 * Invariant 5: P2P memory in a scatterlist is mapped by its path (§8, §13 G40–G41). An entry in a
 * peer's BAR reached over a shared switch ({@code BUS_ADDR}) becomes a segment of its own, flagged
 * {@code SG_DMA_BUS_ADDRESS}, at exactly {@code phys + bus_offset}, holding no IOVA; an entry
 * reached through the host bridge is mapped like any memory (never flagged); an entry the device
 * cannot reach ({@code NOT_SUPPORTED}) makes the whole call fail with {@code -EREMOTEIO} and change
 * nothing. Normal RAM is never flagged.
 */
public final class P2pTranslation implements Invariant {
    @Override
    public String description() {
        return "a peer BAR behind a shared switch is mapped to exactly phys + bus_offset as its own flagged bus-address "
                + "segment with no IOVA, through the host bridge it is mapped like MMIO, and where P2P is not supported "
                + "map_sg fails with -EREMOTEIO and changes nothing";
    }

    @Override
    public Optional<Violation> afterStep(StepContext ctx) {
        if (ctx.misuse() || !(ctx.op() instanceof Op.MapSg op) || !(ctx.result() instanceof OpResult.MappedSg r)) {
            return Optional.empty();
        }
        List<Scatterlist.Chunk> entries = op.entries();
        int unsupported = -1;
        for (int i = 0; i < entries.size(); i++) {
            if (mapType(ctx, op.dev(), entries.get(i).phys()) == P2pMapType.NOT_SUPPORTED) {
                unsupported = i;
                break;
            }
        }
        if (unsupported >= 0) {
            return notSupported(ctx, op, r, unsupported);
        }
        if (r.failed()) {
            return Optional.empty();
        }
        Mapping.Sg sg = (Mapping.Sg) ctx.ledger().mapping(op.handle()).orElse(null);
        if (sg == null) {
            return Optional.empty();
        }
        for (int i = 0; i < entries.size(); i++) {
            Optional<Violation> v = entry(ctx, sg, i);
            if (v.isPresent()) {
                return v;
            }
        }
        return Optional.empty();
    }

    /**
     * The call must fail; with {@code -EREMOTEIO} unless an earlier entry may have failed first.
     * dma-direct (and dma-iommu's per-entry swiotlb path for untrusted devices) maps the entries in
     * order and returns {@code -EIO} at the first one that does not map (§3.7), before it looks at a
     * later peer; only a bus-address entry cannot fail that way. dma-iommu's main path classifies
     * every entry before it maps anything (§6.8), so there {@code -EREMOTEIO} is the only answer.
     */
    private Optional<Violation> notSupported(StepContext ctx, Op.MapSg op, OpResult.MappedSg r, int entry) {
        Scatterlist.Chunk c = op.entries().get(entry);
        MemoryRegion bar = ctx.platform().regionOf(c.phys());
        boolean earlierMayFail = false;
        if (ctx.ledger().translatingDomain(op.dev()).isEmpty() || ctx.platform().device(op.dev()).untrusted()) {
            for (int j = 0; j < entry && !earlierMayFail; j++) {
                earlierMayFail = mapType(ctx, op.dev(), op.entries().get(j).phys()) != P2pMapType.BUS_ADDR;
            }
        }
        if (earlierMayFail ? !r.failed() : r.count() != -Errno.EREMOTEIO) {
            return fail(ctx, op.dev(), earlierMayFail ? "dma_map_sg of P2P memory the device cannot reach does not fail"
                            : "dma_map_sg of P2P memory the device cannot reach does not fail with -EREMOTEIO",
                    Evidence.count("entry", entry), Evidence.addr("phys", c.phys()),
                    Evidence.text("provider", bar.owner()), Evidence.text("returned", r.describe()));
        }
        return Optional.empty(); // "changes nothing" is ResultWellFormed's failure check
    }

    private Optional<Violation> entry(StepContext ctx, Mapping.Sg sg, int i) {
        Scatterlist.Chunk c = sg.entries().get(i);
        MemoryRegion region = ctx.platform().regionOf(c.phys());
        P2pMapType type = mapType(ctx, sg.dev(), c.phys());
        List<Piece> pieces = sg.piecesOfEntry(i);
        if (type != P2pMapType.BUS_ADDR) {
            for (Piece p : pieces) {
                if (p.busAddress()) {
                    return fail(ctx, sg.dev(), "dma_map_sg flags a segment as a P2P bus address that is not",
                            Evidence.count("entry", i), Evidence.addr("phys", c.phys()),
                            Evidence.text("map type", type.name()), Evidence.count("segment", p.segment()),
                            Evidence.text("handle", sg.handle()));
                }
            }
            return Optional.empty();
        }
        long want = c.phys() + region.busOffset();
        Piece p = pieces.size() == 1 ? pieces.get(0) : null;
        SgSegment seg = p == null ? null : sg.segments().get(p.segment());
        if (p == null || !p.busAddress() || p.dmaAddr() != want || seg.length() != c.length() || p.length() != c.length()) {
            List<Evidence> ev = new ArrayList<>();
            ev.add(Evidence.count("entry", i));
            ev.add(Evidence.addr("phys", c.phys()));
            ev.add(Evidence.text("provider", region.owner()));
            ev.add(Evidence.hex("bus_offset", region.busOffset()));
            ev.add(Evidence.addr("expected bus address", want));
            if (p == null) {
                ev.add(Evidence.count("segments carrying it", pieces.size()));
            } else {
                ev.add(Evidence.addr("device address", p.dmaAddr()));
                ev.add(Evidence.text("flagged", Boolean.toString(p.busAddress())));
                ev.add(Evidence.bytes("segment length", seg.length()));
            }
            ev.add(Evidence.text("handle", sg.handle()));
            return Optional.of(new Violation(name(), ctx.step(), sg.dev(),
                    "P2P bus-address entry not mapped to its own segment at phys + bus_offset", ev));
        }
        return Optional.empty();
    }

    private static P2pMapType mapType(StepContext ctx, DeviceId dev, long phys) {
        MemoryRegion r = ctx.platform().regionOf(phys);
        if (r == null || r.kind() != RegionKind.P2P_BAR) {
            return P2pMapType.NONE;
        }
        return ctx.platform().p2pMapType(r.owner(), dev).type();
    }

    private Optional<Violation> fail(StepContext ctx, DeviceId dev, String message, Evidence... evidence) {
        return Optional.of(new Violation(name(), ctx.step(), dev, message, List.of(evidence)));
    }
}
