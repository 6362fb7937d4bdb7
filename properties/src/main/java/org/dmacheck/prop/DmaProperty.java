package org.dmacheck.prop;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.dmacheck.gen.dma.DmaProfile;

/**
 * One DMA property: platforms and operation sequences of one area ({@link DmaProfile}), each run
 * through the driver against an engine with every invariant judged after every step and a
 * teardown back to baseline.
 *
 * @param profile     what to generate; its name is the property's
 * @param triesFactor the share of the base tries this property runs
 * @param coverage    path label ({@code DmaPath.label()}) to the minimum share of tries, in
 *                    percent, that must reach it — judged with a confidence bound, so the build
 *                    fails when a generator provably stops reaching a path
 */
public record DmaProperty(DmaProfile profile, double triesFactor, Map<String, Double> coverage) {
    public DmaProperty {
        Objects.requireNonNull(profile, "profile");
        if (!(triesFactor > 0)) {
            throw new IllegalArgumentException("property " + profile.name() + ": tries factor must be positive");
        }
        coverage = Collections.unmodifiableMap(new LinkedHashMap<>(coverage));
    }

    /** The property's name: its profile's, e.g. {@code single-maps}. */
    public String name() {
        return profile.name();
    }

    public String description() {
        return profile.description();
    }
}
