package org.dmacheck.spec.invariant;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.dmacheck.spec.violation.Violation;

/**
 * The invariants of one run, checked in order after every step. Create a fresh set per run: the
 * invariants keep incremental state.
 */
public final class InvariantSet {
    private final List<Invariant> invariants;

    public InvariantSet(List<Invariant> invariants) {
        this.invariants = List.copyOf(invariants);
    }

    /**
     * All twelve invariants of ARCHITECTURE.md, in the order they are checked. P2pTranslation comes
     * before Translation: a wrong bus address is also unreachable, and the P2P diagnosis (expected
     * {@code phys + bus_offset}) is the one that names the cause.
     */
    public static InvariantSet all() {
        return new InvariantSet(List.of(
                new ResultWellFormed(),
                new MaskRespected(),
                new NoIovaOverlap(),
                new NoStaleAccess(),
                new P2pTranslation(),
                new Translation(),
                new SegmentRules(),
                new AlignmentPreserved(),
                new DataVisibility(),
                new Balance(),
                new TwoStepRules(),
                new Containment()));
    }

    /** The set without the invariants named in {@code names} (e.g. for a property that exercises one area). */
    public InvariantSet without(String... names) {
        List<String> drop = List.of(names);
        return new InvariantSet(invariants.stream().filter(i -> !drop.contains(i.name())).toList());
    }

    public List<Invariant> invariants() {
        return invariants;
    }

    /** Every violation of this step, one per invariant at most, in invariant order. */
    public List<Violation> afterStep(StepContext ctx) {
        return collect(i -> i.afterStep(ctx));
    }

    public List<Violation> sweep(SweepContext ctx) {
        return collect(i -> i.sweep(ctx));
    }

    public List<Violation> atTeardown(TeardownContext ctx) {
        return collect(i -> i.atTeardown(ctx));
    }

    private List<Violation> collect(Function<Invariant, Optional<Violation>> check) {
        List<Violation> out = new ArrayList<>();
        for (Invariant i : invariants) {
            check.apply(i).ifPresent(out::add);
        }
        return out;
    }
}
