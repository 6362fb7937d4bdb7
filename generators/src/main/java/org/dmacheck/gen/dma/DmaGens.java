package org.dmacheck.gen.dma;

import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.dmacheck.gen.Gen;
import org.dmacheck.gen.stateful.Commands;
import org.dmacheck.spec.driver.Binding;
import org.dmacheck.spec.driver.Executed;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.platform.PlatformConfig;

/**
 * The DMA generators, for properties. A property draws a platform, builds it, and draws a sequence
 * that runs as it is drawn:
 *
 * <pre>{@code
 * Gen<Run> runs = in -> {
 *     PlatformConfig config = in.draw(DmaGens.platforms(profile));
 *     Platform platform = Platform.build(config);
 *     Driver driver = new Driver(platform, provider.create(platform));
 *     CommandSequence<Op> steps = in.draw(DmaGens.operations(profile, () -> DmaModelState.of(driver)));
 *     return new Run(config, steps, driver);
 * };
 * }</pre>
 *
 * A harness that checks invariants after every step implements {@link DmaModelState#execute} to
 * run the step through the driver and then check; {@link #paths} labels each executed step for
 * coverage.
 */
public final class DmaGens {
    private DmaGens() {
    }

    /** Platforms for {@code profile}; every value passes {@link Platform#build}. */
    public static Gen<PlatformConfig> platforms(DmaProfile profile) {
        return new PlatformGen(profile);
    }

    /**
     * Operation sequences for {@code profile}: each generation takes a fresh target from
     * {@code target} and executes every step on it as soon as the step is drawn.
     */
    public static Commands<SequenceState, Op> operations(DmaProfile profile, Supplier<? extends DmaModelState> target) {
        return OpGen.sequences(profile, target);
    }

    /** The paths an executed step exercised ({@link PathClassifier#classify}). */
    public static Set<DmaPath> paths(Platform platform, Executed step, Function<String, Optional<Binding>> bindings) {
        return PathClassifier.classify(platform, step, bindings);
    }
}
