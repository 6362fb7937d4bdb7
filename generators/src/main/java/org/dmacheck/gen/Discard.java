package org.dmacheck.gen;

/**
 * Thrown to reject the current try without failing it: a filter gave up, the stream ran past its
 * choice limit, or the property made an assumption that does not hold. The runner counts discarded
 * tries and gives up (naming the cause) when there are too many.
 *
 * <p>Carries no stack trace: it is control flow, thrown often.
 */
public sealed class Discard extends RuntimeException permits FilterExhaustedException, ChoiceOverrunException {

    private static final long serialVersionUID = 1L;

    /** A discard with a reason such as {@code "assumption failed"}. */
    public Discard(String reason) {
        super(reason, null, false, false);
    }
}
