package org.dmacheck.spec.api;

import java.util.List;
import java.util.ServiceLoader;

/** Finds engines by name through {@link ServiceLoader}. */
public final class Engines {
    private Engines() {
    }

    /** Every provider on the class path, sorted by name. */
    public static List<DmaEngineProvider> available() {
        return ServiceLoader.load(DmaEngineProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .sorted(java.util.Comparator.comparing(DmaEngineProvider::name))
                .toList();
    }

    /** The provider called {@code name}, or an {@link UnknownEngineException} listing the known names. */
    public static DmaEngineProvider find(String name) {
        List<DmaEngineProvider> all = available();
        return all.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new UnknownEngineException(name,
                        all.stream().map(DmaEngineProvider::name).toList()));
    }
}
