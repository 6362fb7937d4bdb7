package org.dmacheck.gen;

/**
 * A generator whose spans carry a label other than the generator itself, so that several generator
 * objects (e.g. the depth levels of a recursive generator) produce interchangeable spans.
 */
interface SpanLabelled {

    /** The label for spans drawn with {@link ChoiceStream#draw(Gen)}. */
    Object spanLabel();
}
