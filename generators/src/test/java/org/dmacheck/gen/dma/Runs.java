package org.dmacheck.gen.dma;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.dmacheck.gen.ChoiceSequence;
import org.dmacheck.gen.ChoiceStream;
import org.dmacheck.gen.stateful.CommandSequence;
import org.dmacheck.impl.ReferenceEngine;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.driver.Binding;
import org.dmacheck.spec.driver.Driver;
import org.dmacheck.spec.driver.Executed;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.platform.PlatformConfig;

/** Generates a platform and a sequence the way a property does (on the reference engine unless told), recording every step. */
final class Runs {
    record Run(PlatformConfig config, Platform platform, Driver driver, CommandSequence<Op> ops,
               List<Executed> executed, ChoiceSequence choices) {
    }

    private Runs() {
    }

    static Run generate(DmaProfile profile, ChoiceStream in) {
        return generate(profile, in, ReferenceEngine::new);
    }

    static Run generate(DmaProfile profile, ChoiceStream in, Function<Platform, DmaEngine> engine) {
        PlatformConfig config = in.draw(DmaGens.platforms(profile));
        Platform platform = Platform.build(config);
        Driver driver = new Driver(platform, engine.apply(platform));
        List<Executed> executed = new ArrayList<>();
        DmaModelState target = new DmaModelState() {
            @Override
            public Platform platform() {
                return platform;
            }

            @Override
            public Collection<Binding> bindings() {
                return driver.bindings();
            }

            @Override
            public Executed execute(Op op) {
                Executed e = driver.execute(op);
                executed.add(e);
                return e;
            }
        };
        CommandSequence<Op> ops = in.draw(DmaGens.operations(profile, () -> target));
        return new Run(config, platform, driver, ops, executed, in.choices());
    }

    static Run search(DmaProfile profile, long seed) {
        return generate(profile, ChoiceStream.searching(seed));
    }

    static Run replay(DmaProfile profile, ChoiceSequence choices) {
        return generate(profile, ChoiceStream.replaying(choices));
    }

    /** A random choice list: mostly small values, some large and some at the unsigned extremes. */
    static ChoiceSequence randomChoices(Random r, int length) {
        long[] v = new long[length];
        for (int i = 0; i < length; i++) {
            int kind = r.nextInt(10);
            v[i] = switch (kind) {
                case 0 -> -1L;
                case 1 -> Long.MAX_VALUE;
                case 2 -> r.nextLong();
                case 3, 4 -> r.nextInt(1 << 16);
                default -> r.nextInt(6);
            };
        }
        return ChoiceSequence.of(v);
    }
}
