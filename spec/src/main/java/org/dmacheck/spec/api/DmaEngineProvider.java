package org.dmacheck.spec.api;

import org.dmacheck.spec.platform.Hardware;

/**
 * A named factory of engines, found through {@link java.util.ServiceLoader}: list the
 * implementation in {@code META-INF/services/org.dmacheck.spec.api.DmaEngineProvider}.
 */
public interface DmaEngineProvider {
    /** The short name users pass to {@code --engine}, e.g. {@code reference}. */
    String name();

    /** One line saying what the engine is. */
    String description();

    /** A fresh engine for one platform. */
    DmaEngine create(Hardware hardware);
}
