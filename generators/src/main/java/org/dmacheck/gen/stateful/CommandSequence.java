package org.dmacheck.gen.stateful;

import java.util.List;

/**
 * A generated sequence of steps, in order. Its string form lists one step per line, numbered from
 * 0, as failure reports show it.
 *
 * @param steps the steps
 * @param <A>   step type
 */
public record CommandSequence<A>(List<A> steps) {

    /** Unmodifiable copy (nulls are not allowed as steps). */
    public CommandSequence {
        steps = List.copyOf(steps);
    }

    /** Number of steps. */
    public int size() {
        return steps.size();
    }

    /** The step at {@code index}. */
    public A step(int index) {
        return steps.get(index);
    }

    /** The sequence up to and including step {@code index}. */
    public CommandSequence<A> prefix(int index) {
        return new CommandSequence<>(steps.subList(0, index + 1));
    }

    @Override
    public String toString() {
        if (steps.isEmpty()) {
            return "(no steps)";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < steps.size(); i++) {
            if (i > 0) {
                out.append('\n');
            }
            out.append('#').append(i).append(' ').append(steps.get(i));
        }
        return out.toString();
    }
}
