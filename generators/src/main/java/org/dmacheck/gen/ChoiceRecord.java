package org.dmacheck.gen;

import java.util.List;

/**
 * The outcome of one generation as far as the shrinker cares: the choices consumed and the spans
 * that structure them.
 *
 * @param choices the choices actually consumed, after clamping (replaying them reproduces the value)
 * @param spans   all spans in the order they were opened, so a parent precedes its children
 */
public record ChoiceRecord(ChoiceSequence choices, List<Span> spans) {

    /** Defensive copy of the span list. */
    public ChoiceRecord {
        spans = List.copyOf(spans);
    }
}
