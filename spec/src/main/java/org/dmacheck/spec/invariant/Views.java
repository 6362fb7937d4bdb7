package org.dmacheck.spec.invariant;

import java.util.Optional;
import org.dmacheck.spec.model.ByteMap;
import org.dmacheck.spec.model.Piece;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.MemoryRegion;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.platform.Resolution;

/**
 * Side-effect-free looks at data, for the invariants' own checks: what the device would read at a
 * DMA address (resolved like a read, then memory as the device sees it — through the snooped cache
 * for a coherent device, behind it for a non-coherent one), and what a CPU load would return. No
 * IOTLB fill, no fault, no cache line allocated.
 */
final class Views {
    /** A byte that differs from its expectation. */
    record Mismatch(long dmaAddr, long phys, byte expected, byte seen, long since) {
    }

    private Views() {
    }

    /** The byte the device would read at {@code dma}, or empty when the read would fault. */
    static Optional<Byte> device(StepContext ctx, DeviceId dev, long dma) {
        if (!(ctx.resolve(dev, dma, false) instanceof Resolution.Reached at)) {
            return Optional.empty();
        }
        Platform p = ctx.platform();
        MemoryRegion r = p.regionOf(at.phys());
        boolean snooped = p.device(dev).coherent() && r != null && r.kind().cacheable();
        return Optional.of((snooped ? p.peekCpu(at.phys(), 1) : p.peekMemory(at.phys(), 1))[0]);
    }

    /** The first sampled byte of {@code piece} the device would read differently from {@code expected}. */
    static Optional<Mismatch> deviceSees(StepContext ctx, DeviceId dev, Piece piece, ByteMap expected, long granule) {
        return deviceSees(ctx, dev, piece, expected, Samples.offsets(piece, granule));
    }

    /** The first byte of {@code piece}, at {@code offsets}, the device would read differently from {@code expected}. */
    static Optional<Mismatch> deviceSees(StepContext ctx, DeviceId dev, Piece piece, ByteMap expected, long[] offsets) {
        for (long k : offsets) {
            ByteMap.Run want = expected.runs(piece.phys() + k, 1).get(0);
            if (!want.known()) {
                continue;
            }
            Optional<Byte> seen = device(ctx, dev, piece.dmaAddr() + k);
            if (seen.isPresent() && seen.get() != want.data()[0]) {
                return Optional.of(new Mismatch(piece.dmaAddr() + k, piece.phys() + k, want.data()[0], seen.get(),
                        want.step()));
            }
        }
        return Optional.empty();
    }

    /** The first sampled byte of {@code piece}'s CPU range a load would return differently from {@code expected}. */
    static Optional<Mismatch> cpuSees(StepContext ctx, Piece piece, ByteMap expected, long granule) {
        for (long k : Samples.offsets(piece, granule)) {
            ByteMap.Run want = expected.runs(piece.phys() + k, 1).get(0);
            if (!want.known()) {
                continue;
            }
            byte seen = ctx.platform().peekCpu(piece.phys() + k, 1)[0];
            if (seen != want.data()[0]) {
                return Optional.of(new Mismatch(piece.dmaAddr() + k, piece.phys() + k, want.data()[0], seen, want.step()));
            }
        }
        return Optional.empty();
    }
}
