package org.dmacheck.gen.stateful;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.dmacheck.gen.ChoiceStream;
import org.dmacheck.gen.Gen;
import org.dmacheck.gen.Many;

/**
 * Generates sequences of steps in which later steps depend on the state built by earlier ones.
 *
 * <p>Generation runs a <em>model</em> forward while drawing: starting from a fresh initial model,
 * each step picks a {@link Command} (only enabled ones when searching), generates its arguments from
 * the current model, and updates the model. Steps are encoded with {@link Many}: each step's span
 * holds its "continue?" flag, the command index and the arguments, so deleting a span deletes the
 * step. When shrinking edits the choices, a replayed command whose precondition no longer holds is
 * skipped, and "k-th live handle" arguments re-resolve against the new model, so every choice list
 * still decodes to a valid sequence.
 *
 * <pre>{@code
 * Commands<Model, Op> ops = Commands.of(Model::new, List.of(
 *         Command.<Model, Op>of("open", m -> Gens.ints(0, 99).map(Open::new), Model::open),
 *         Command.<Model, Op>of("close", m -> Gens.indexBelow(m.live().size()).map(k -> new Close(m.live().get(k))),
 *                 Model::close).when(m -> !m.live().isEmpty())))
 *     .steps(0, 200);
 * }</pre>
 *
 * @param <M> model state type; may be mutable, as long as the supplier returns a fresh one
 * @param <A> step type (usually a sealed interface of records)
 */
public final class Commands<M, A> implements Gen<CommandSequence<A>> {

    private final Supplier<? extends M> initialModel;
    private final List<Command<M, ? extends A>> commands;
    private final int minSteps;
    private final int maxSteps;
    private final double averageSteps;

    private Commands(Supplier<? extends M> initialModel, List<Command<M, ? extends A>> commands,
                     int minSteps, int maxSteps, double averageSteps) {
        if (commands.isEmpty()) {
            throw new IllegalArgumentException("no commands");
        }
        if (minSteps < 0 || maxSteps < minSteps) {
            throw new IllegalArgumentException("bad step bounds [" + minSteps + ", " + maxSteps + "]");
        }
        this.initialModel = Objects.requireNonNull(initialModel);
        this.commands = List.copyOf(commands);
        this.minSteps = minSteps;
        this.maxSteps = maxSteps;
        this.averageSteps = averageSteps;
    }

    /** Sequences of 0 to 100 steps built from {@code commands}, starting at {@code initialModel.get()}. */
    public static <M, A> Commands<M, A> of(Supplier<? extends M> initialModel,
                                           List<Command<M, ? extends A>> commands) {
        return new Commands<>(initialModel, commands, 0, 100, Double.NaN);
    }

    /** The same, with {@code minSteps..maxSteps} steps (fewer if no command is enabled). */
    public Commands<M, A> steps(int minSteps, int maxSteps) {
        return new Commands<>(initialModel, commands, minSteps, maxSteps, averageSteps);
    }

    /** The same, with {@code averageSteps} expected steps when searching. */
    public Commands<M, A> averageSteps(double averageSteps) {
        return new Commands<>(initialModel, commands, minSteps, maxSteps, averageSteps);
    }

    @Override
    public CommandSequence<A> generate(ChoiceStream in) {
        M model = initialModel.get();
        List<A> steps = new ArrayList<>();
        double[] weights = new double[commands.size()];
        Many many = Many.start(in, this, minSteps, maxSteps, averageSteps);
        while (enabledWeights(model, weights) && many.more()) {
            Command<M, ? extends A> command = commands.get(in.drawWeighted(weights));
            if (command.enabled(model)) {
                model = step(command, model, in, steps);
            }
        }
        return new CommandSequence<>(steps);
    }

    private static <M, A, S extends A> M step(Command<M, S> command, M model, ChoiceStream in, List<A> steps) {
        S step = in.draw(command.generator().apply(model));
        steps.add(step);
        return command.update().apply(model, step);
    }

    /** Fills the weights of enabled commands (0 for disabled ones); false if none is enabled. */
    private boolean enabledWeights(M model, double[] weights) {
        boolean any = false;
        for (int i = 0; i < weights.length; i++) {
            Command<M, ? extends A> command = commands.get(i);
            boolean enabled = command.enabled(model);
            weights[i] = enabled ? command.weight() : 0.0;
            any |= enabled;
        }
        return any;
    }

    @Override
    public String describe() {
        return "commands(" + commands.stream().map(Command::name).toList() + ", " + minSteps + ".." + maxSteps + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
