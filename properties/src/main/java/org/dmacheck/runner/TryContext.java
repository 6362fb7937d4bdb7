package org.dmacheck.runner;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Per-try services for a property body: labelling the try for statistics. A label counts once
 * per try, however often it is given.
 */
public final class TryContext {

    private final Set<String> labels = new LinkedHashSet<>();

    TryContext() {
    }

    /** Counts this try under {@code label} (e.g. {@code "reached bounce buffer"}). */
    public void label(String label) {
        labels.add(Objects.requireNonNull(label));
    }

    Set<String> labels() {
        return Collections.unmodifiableSet(labels);
    }
}
