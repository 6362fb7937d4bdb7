package org.dmacheck.runner;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.dmacheck.gen.stateful.CommandSequence;

/**
 * Runs a generated command sequence against a fresh system under test, checking named invariants
 * after every step. A failure is a {@link PropertyViolation} naming the step: keyed by the broken
 * invariant's name, or by the exception class if a step threw (a step may also throw its own
 * {@code PropertyViolation} to choose the key).
 *
 * <pre>{@code
 * SequenceCheck<Table, Op> table = SequenceCheck.<Table, Op>of(Table::new, Table::apply)
 *         .invariant("count matches", t -> t.count() == t.live().size());
 * Runner.forAll(ops).check(table::run);
 * }</pre>
 *
 * @param <S> system under test (may bundle a model)
 * @param <A> step type
 */
public final class SequenceCheck<S, A> {

    /** Applies one step to the system. */
    @FunctionalInterface
    public interface StepAction<S, A> {
        /** Applies {@code step} to {@code system}. */
        void apply(S system, A step) throws Throwable;
    }

    private record Invariant<S>(String name, Predicate<? super S> holds) {
    }

    private final Supplier<? extends S> newSystem;
    private final StepAction<? super S, ? super A> action;
    private final List<Invariant<S>> invariants;

    private SequenceCheck(Supplier<? extends S> newSystem, StepAction<? super S, ? super A> action,
                          List<Invariant<S>> invariants) {
        this.newSystem = newSystem;
        this.action = action;
        this.invariants = List.copyOf(invariants);
    }

    /** Runs steps with {@code action} against a system from {@code newSystem} (called once per run). */
    public static <S, A> SequenceCheck<S, A> of(Supplier<? extends S> newSystem, StepAction<? super S, ? super A> action) {
        return new SequenceCheck<>(Objects.requireNonNull(newSystem), Objects.requireNonNull(action), List.of());
    }

    /** Also checks, after every step, that {@code holds} is true; a failure is keyed {@code name}. */
    public SequenceCheck<S, A> invariant(String name, Predicate<? super S> holds) {
        List<Invariant<S>> more = new ArrayList<>(invariants);
        more.add(new Invariant<>(Objects.requireNonNull(name), Objects.requireNonNull(holds)));
        return new SequenceCheck<>(newSystem, action, more);
    }

    /**
     * Runs {@code sequence} against a fresh system.
     *
     * @throws PropertyViolation at the first step that throws or breaks an invariant
     */
    public void run(CommandSequence<? extends A> sequence) {
        S system = newSystem.get();
        for (int i = 0; i < sequence.size(); i++) {
            A step = sequence.step(i);
            try {
                action.apply(system, step);
            } catch (Throwable error) {
                String key = PropertyViolation.keyOf(error);
                throw PropertyViolation.atStep(key, i, "step #" + i + " " + step + " threw " + error, error);
            }
            for (Invariant<S> invariant : invariants) {
                if (!invariant.holds().test(system)) {
                    throw PropertyViolation.atStep(invariant.name(), i,
                            "invariant '" + invariant.name() + "' broken after step #" + i + " " + step, null);
                }
            }
        }
    }
}
