package org.dmacheck.runner;

/**
 * Thrown by {@link Property#check} when too many tries were discarded; the message names the cause,
 * e.g. the generator whose filter rejected too much.
 */
public final class PropertyGaveUpException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message names the property, the counts and the most frequent discard reason */
    public PropertyGaveUpException(String message) {
        super(message);
    }
}
