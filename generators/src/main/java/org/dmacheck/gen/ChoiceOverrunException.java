package org.dmacheck.gen;

/** A generation drew more choices than the stream allows (a runaway generator). */
public final class ChoiceOverrunException extends Discard {

    private static final long serialVersionUID = 1L;

    /** @param limit the choice limit that was exceeded */
    public ChoiceOverrunException(int limit) {
        super("generation drew more than " + limit + " choices");
    }
}
