package org.dmacheck.prop.canary;

import java.util.Set;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.api.DmaEngineProvider;
import org.dmacheck.spec.api.Engines;
import org.dmacheck.spec.platform.Hardware;

/**
 * A deliberately broken engine: the reference engine with one bug put in at the DmaEngine or the
 * Hardware boundary. The harness must catch each one with a short counterexample; they are the
 * proof that it works. Registered through ServiceLoader in test scope, so {@code --engine
 * canary-...} works in tests and never in the shipped jar.
 */
abstract class CanaryProvider implements DmaEngineProvider {
    private final String name;
    private final String property;
    private final String description;
    private final Set<String> caughtBy;

    /**
     * @param name        the engine name ({@code canary-...})
     * @param property    the property that should catch it
     * @param description what is broken, in a line
     * @param caughtBy    the invariant (or failure kind) names that count as catching it
     */
    CanaryProvider(String name, String property, String description, Set<String> caughtBy) {
        this.name = name;
        this.property = property;
        this.description = description;
        this.caughtBy = Set.copyOf(caughtBy);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    /** The invariant (or failure kind) names that count as catching this bug. */
    Set<String> caughtBy() {
        return caughtBy;
    }

    /** The property that should catch it. */
    String property() {
        return property;
    }

    /** The hardware the reference engine is given; the spec keeps observing the real one. */
    Hardware wrapHardware(Hardware real) {
        return real;
    }

    /** The engine around the reference engine. */
    DmaEngine wrapEngine(DmaEngine reference, Hardware real) {
        return reference;
    }

    @Override
    public String toString() {
        return name();
    }

    /** A reference engine on {@code hardware}. */
    static DmaEngine reference(Hardware hardware) {
        return Engines.find("reference").create(hardware);
    }

    @Override
    public DmaEngine create(Hardware hardware) {
        return wrapEngine(reference(wrapHardware(hardware)), hardware);
    }
}
