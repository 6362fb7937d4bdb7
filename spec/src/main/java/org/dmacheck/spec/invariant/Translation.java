package org.dmacheck.spec.invariant;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import org.dmacheck.spec.model.IntervalIndex;
import org.dmacheck.spec.model.LedgerChange;
import org.dmacheck.spec.model.Mapping;
import org.dmacheck.spec.model.Piece;
import org.dmacheck.spec.platform.DeviceConfig;
import org.dmacheck.spec.platform.DomainConfig;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.platform.Resolution;
import org.dmacheck.spec.platform.Unsigned;
import org.dmacheck.spec.violation.Evidence;
import org.dmacheck.spec.violation.Violation;

/**
 * Invariant 4: every byte of a live mapping, seen from the device, reaches the intended byte — the
 * buffer's own, or a swiotlb bounce byte no other live mapping uses — with IOMMU permissions that
 * match the direction (TO_DEVICE: read only; FROM_DEVICE: write only; BIDIRECTIONAL: both). For an
 * untrusted device, the bytes of the IOMMU granules a mapping touches but does not own may only
 * reach the bounce pool (its zeroed padding), never neighbouring memory (bug class 4).
 *
 * <p>Checked when a mapping appears, when a two-step link becomes visible ({@code dma_iova_sync}),
 * and, after an unmap, on the nearest live mappings below and above it in the same IOVA space (an
 * unmap that takes a granule too many shows there). Each check probes a bounded sample of bytes
 * ({@link Samples}) with {@link Platform#resolve}, which has no side effects.
 */
public final class Translation implements Invariant {
    private record Placed(Mapping mapping, Piece piece) {
    }

    private final Map<String, NavigableMap<Long, Placed>> byDomain = new HashMap<>();
    private final Map<String, List<Placed>> placedBy = new HashMap<>();
    private final IntervalIndex<String> poolClaims = new IntervalIndex<>();
    /** Pool bytes claimed per handle, per piece (keyed by the piece's device address). */
    private final Map<String, Map<Long, List<IntervalIndex.Entry<String>>>> claimsBy = new HashMap<>();

    @Override
    public String description() {
        return "every byte of a live mapping reaches, from the device, its own buffer byte or a bounce byte no other "
                + "mapping uses, with IOMMU permissions matching the direction; an untrusted device reaches nothing "
                + "else in the granules it touches";
    }

    @Override
    public Optional<Violation> afterStep(StepContext ctx) {
        LedgerChange c = ctx.change();
        List<Placed> released = new ArrayList<>();
        for (Mapping m : c.released()) {
            released.addAll(forget(m.handle()));
        }
        for (Mapping m : c.abandoned()) {
            forget(m.handle());
        }
        Optional<Violation> found = Optional.empty();
        for (Mapping m : c.created()) {
            found = found.or(() -> place(ctx, m));
        }
        for (LedgerChange.Update u : c.updated()) {
            if (u.after() instanceof Mapping.Iova after && u.before() instanceof Mapping.Iova before) {
                unplace(after.handle());
                List<Piece> stillLinked = after.pieces();
                for (Piece gone : before.pieces()) {
                    if (!stillLinked.contains(gone)) {
                        dropClaims(after.handle(), gone.dmaAddr());
                    }
                }
                List<Piece> visible = new ArrayList<>();
                List<Piece> fresh = new ArrayList<>();
                List<Piece> pieces = after.pieces();
                for (int i = 0; i < after.links().size(); i++) {
                    Mapping.Link l = after.links().get(i);
                    if (l.synced()) {
                        visible.add(pieces.get(i));
                        if (!before.links().contains(l)) {
                            fresh.add(pieces.get(i));
                        }
                    }
                }
                register(ctx, after, visible);
                if (!ctx.misuse()) {
                    found = found.or(() -> probeAll(ctx, after, fresh, true));
                }
            }
        }
        if (ctx.misuse() || found.isPresent()) {
            return ctx.misuse() ? Optional.empty() : found;
        }
        for (Placed p : released) {
            found = found.or(() -> neighbours(ctx, p));
        }
        return found;
    }

    @Override
    public Optional<Violation> sweep(SweepContext ctx) {
        for (Mapping m : ctx.ledger().live()) {
            List<Piece> pieces = visiblePieces(m);
            for (Piece p : pieces) {
                Optional<Violation> v = probePiece(ctx.platform(), null, m, p, Samples.offsets(p, granuleOf(ctx.platform(), m)),
                        ctx.step());
                if (v.isPresent()) {
                    return v;
                }
            }
        }
        return Optional.empty();
    }

    private Optional<Violation> place(StepContext ctx, Mapping m) {
        List<Piece> visible = visiblePieces(m);
        register(ctx, m, visible);
        return ctx.misuse() ? Optional.empty() : probeAll(ctx, m, visible, true);
    }

    private static List<Piece> visiblePieces(Mapping m) {
        if (!(m instanceof Mapping.Iova v)) {
            return m.pieces();
        }
        List<Piece> out = new ArrayList<>();
        List<Piece> pieces = v.pieces();
        for (int i = 0; i < v.links().size(); i++) {
            if (v.links().get(i).synced()) {
                out.add(pieces.get(i));
            }
        }
        return out;
    }

    private void register(StepContext ctx, Mapping m, List<Piece> pieces) {
        Optional<DomainConfig> d = ctx.ledger().translatingDomain(m.dev());
        List<Placed> placed = placedBy.computeIfAbsent(m.handle(), h -> new ArrayList<>());
        for (Piece p : pieces) {
            Placed pl = new Placed(m, p);
            placed.add(pl);
            if (d.isPresent() && !p.busAddress()) {
                byDomain.computeIfAbsent(d.get().id(), k -> new TreeMap<>(Long::compareUnsigned)).put(p.dmaAddr(), pl);
            }
        }
    }

    /** Stops tracking a mapping that ended; returns where its pieces were. */
    private List<Placed> forget(String handle) {
        List<Placed> placed = unplace(handle);
        for (List<IntervalIndex.Entry<String>> claims : claimsBy.getOrDefault(handle, Map.of()).values()) {
            claims.forEach(poolClaims::remove);
        }
        claimsBy.remove(handle);
        return placed;
    }

    private List<Placed> unplace(String handle) {
        List<Placed> placed = placedBy.remove(handle);
        if (placed == null) {
            return List.of();
        }
        for (Placed p : placed) {
            for (NavigableMap<Long, Placed> map : byDomain.values()) {
                map.remove(p.piece().dmaAddr(), p);
            }
        }
        return placed;
    }

    private void dropClaims(String handle, long pieceAddr) {
        Map<Long, List<IntervalIndex.Entry<String>>> byPiece = claimsBy.get(handle);
        List<IntervalIndex.Entry<String>> claims = byPiece == null ? null : byPiece.remove(pieceAddr);
        if (claims != null) {
            claims.forEach(poolClaims::remove);
        }
    }

    private Optional<Violation> probeAll(StepContext ctx, Mapping m, List<Piece> pieces, boolean claim) {
        long g = granuleOf(ctx.platform(), m);
        for (Piece p : pieces) {
            Optional<Violation> v = probePiece(ctx.platform(), ctx, m, p, Samples.offsets(p, g), ctx.step());
            if (v.isEmpty() && claim) {
                v = claimBounce(ctx, m, p);
            }
            if (v.isEmpty()) {
                v = isolation(ctx, m, p);
            }
            if (v.isPresent()) {
                return v;
            }
        }
        return Optional.empty();
    }

    /** The nearest live pieces below and above a released one, in the same IOVA space. */
    private Optional<Violation> neighbours(StepContext ctx, Placed released) {
        Optional<DomainConfig> d = ctx.ledger().translatingDomain(released.mapping().dev());
        if (d.isEmpty() || released.piece().busAddress()) {
            return Optional.empty();
        }
        NavigableMap<Long, Placed> map = byDomain.getOrDefault(d.get().id(), new TreeMap<>());
        List<Placed> near = new ArrayList<>();
        Map.Entry<Long, Placed> lower = map.lowerEntry(released.piece().dmaAddr());
        Map.Entry<Long, Placed> higher = map.higherEntry(released.piece().dmaAddr());
        if (lower != null) {
            near.add(lower.getValue());
        }
        if (higher != null) {
            near.add(higher.getValue());
        }
        for (Placed p : near) {
            long[] edges = {0, p.piece().length() - 1};
            Optional<Violation> v = probePiece(ctx.platform(), ctx, p.mapping(), p.piece(), edges, ctx.step());
            if (v.isPresent()) {
                return v;
            }
        }
        return Optional.empty();
    }

    private Optional<Violation> probePiece(Platform platform, StepContext ctx, Mapping m, Piece p, long[] offsets,
                                           long step) {
        boolean readProbe = p.dir().deviceMayRead();
        for (long k : offsets) {
            long dma = p.dmaAddr() + k;
            long want = p.phys() + k;
            if (Samples.unreachableP2p(platform, m.dev(), want)) {
                continue;
            }
            Resolution r = resolve(platform, ctx, m, dma, !readProbe);
            if (r instanceof Resolution.Unreachable u) {
                return fail(m, step, "device cannot reach a live mapping", dma, want, Evidence.text("reason", u.reason()));
            }
            Resolution.Reached at = (Resolution.Reached) r;
            if (at.phys() != want && !Samples.inPool(platform, at.phys())) {
                return fail(m, step, "live mapping translates to the wrong memory", dma, want,
                        Evidence.addr("reached phys", at.phys()), Evidence.text("route", at.route().name()));
            }
            if (at.route() == Resolution.Route.IOTLB || at.route() == Resolution.Route.PAGE_TABLE) {
                Optional<Violation> v = permissions(platform, ctx, m, p, dma, want, step);
                if (v.isPresent()) {
                    return v;
                }
            }
        }
        return Optional.empty();
    }

    private Optional<Violation> permissions(Platform platform, StepContext ctx, Mapping m, Piece p, long dma, long want,
                                            long step) {
        boolean canRead = resolve(platform, ctx, m, dma, false) instanceof Resolution.Reached;
        boolean canWrite = resolve(platform, ctx, m, dma, true) instanceof Resolution.Reached;
        if (canRead == p.dir().deviceMayRead() && canWrite == p.dir().deviceMayWrite()) {
            return Optional.empty();
        }
        String got = (canRead ? "R" : "-") + (canWrite ? "W" : "-");
        String want2 = (p.dir().deviceMayRead() ? "R" : "-") + (p.dir().deviceMayWrite() ? "W" : "-");
        return fail(m, step, "IOMMU permissions do not match the " + p.dir() + " mapping", dma, want,
                Evidence.text("device access", got), Evidence.text("expected", want2));
    }

    /** Bytes a live mapping reaches in the swiotlb pool must be its own: no other live mapping's. */
    private Optional<Violation> claimBounce(StepContext ctx, Mapping m, Piece p) {
        for (Map.Entry<Long, long[]> g : Samples.bounced(ctx, m, p, granuleOf(ctx.platform(), m)).entrySet()) {
            long start = g.getKey() + g.getValue()[0];
            long last = g.getKey() + g.getValue()[1];
            for (IntervalIndex.Entry<String> other : poolClaims.overlapping(start, last)) {
                if (!other.value().equals(m.handle())) {
                    return Optional.of(new Violation(name(), ctx.step(), m.dev(),
                            "two live mappings share swiotlb bounce bytes",
                            List.of(Evidence.text("handle", m.handle()), Evidence.range("bounce bytes", start, last),
                                    Evidence.text("other handle", other.value()),
                                    Evidence.range("other bounce bytes", other.start(), other.last()))));
                }
            }
            claimsBy.computeIfAbsent(m.handle(), h -> new HashMap<>())
                    .computeIfAbsent(p.dmaAddr(), a -> new ArrayList<>()).add(poolClaims.add(start, last, m.handle()));
        }
        return Optional.empty();
    }

    /** Untrusted device: the rest of the first and last granule may reach only the bounce pool. */
    private Optional<Violation> isolation(StepContext ctx, Mapping m, Piece p) {
        DeviceConfig dev = ctx.platform().device(m.dev());
        Optional<DomainConfig> d = ctx.ledger().translatingDomain(m.dev());
        if (!dev.untrusted() || d.isEmpty() || p.busAddress() || m instanceof Mapping.Coherent) {
            // a coherent allocation owns its whole pages
            return Optional.empty();
        }
        long g = d.get().granule();
        long head = Unsigned.alignDown(p.dmaAddr(), g);
        long tail = Unsigned.alignUp(p.dmaLast() + 1, g) - 1;
        List<Long> outside = new ArrayList<>();
        if (head != p.dmaAddr()) {
            outside.add(head);
        }
        if (tail != p.dmaLast()) {
            outside.add(tail);
        }
        for (long dma : outside) {
            Resolution r = ctx.resolve(m.dev(), dma, !p.dir().deviceMayRead());
            Optional<Byte> padding = r instanceof Resolution.Reached ? Views.device(ctx, m.dev(), dma) : Optional.empty();
            if (r instanceof Resolution.Reached at && Samples.inPool(ctx.platform(), at.phys())
                    && padding.isPresent() && padding.get() != 0) {
                // iommu_dma_map_swiotlb(): the padding of an untrusted device's bounce is zeroed
                return Optional.of(new Violation(name(), ctx.step(), m.dev(),
                        "untrusted device sees stale data in its bounce padding",
                        List.of(Evidence.addr("device address", dma), Evidence.addr("reached phys", at.phys()),
                                Evidence.hex("byte", padding.get() & 0xff), Evidence.range("buffer", p.phys(), p.physLast()),
                                Evidence.text("handle", m.handle()))));
            }
            if (r instanceof Resolution.Reached at && !Samples.inPool(ctx.platform(), at.phys())) {
                return Optional.of(new Violation(name(), ctx.step(), m.dev(),
                        "untrusted device reaches memory outside its buffer",
                        List.of(Evidence.addr("device address", dma), Evidence.addr("reached phys", at.phys()),
                                Evidence.range("buffer", p.phys(), p.physLast()), Evidence.hex("granule", g),
                                Evidence.text("handle", m.handle()))));
            }
        }
        return Optional.empty();
    }

    private static Resolution resolve(Platform platform, StepContext ctx, Mapping m, long dma, boolean write) {
        return ctx != null ? ctx.resolve(m.dev(), dma, write) : platform.resolve(m.dev(), dma, write);
    }

    static long granuleOf(Platform platform, Mapping m) {
        DeviceConfig dev = platform.device(m.dev());
        if (dev.hasIommu()) {
            DomainConfig d = platform.domain(dev.iommuDomain()).config();
            if (d.type().usesDmaIommu()) {
                return d.granule();
            }
        }
        return platform.config().pageSize();
    }

    private Optional<Violation> fail(Mapping m, long step, String message, long dma, long phys, Evidence... more) {
        List<Evidence> ev = new ArrayList<>();
        ev.add(Evidence.addr("device address", dma));
        ev.add(Evidence.addr("expected phys", phys));
        ev.addAll(List.of(more));
        ev.add(Evidence.text("handle", m.handle()));
        ev.add(Evidence.count("mapped at step", m.step()));
        return Optional.of(new Violation(name(), step, m.dev(), message, ev));
    }
}
