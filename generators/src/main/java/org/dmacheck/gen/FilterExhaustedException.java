package org.dmacheck.gen;

/** A {@link Gen#filter filter} rejected every attempt it was allowed; names the generator. */
public final class FilterExhaustedException extends Discard {

    private static final long serialVersionUID = 1L;

    private final String generator;

    /**
     * @param generator description of the filtered generator
     * @param attempts  how many values it rejected in a row
     */
    public FilterExhaustedException(String generator, int attempts) {
        super("filter on " + generator + " rejected " + attempts + " values in a row");
        this.generator = generator;
    }

    /** Description of the generator whose filter rejected too much. */
    public String generator() {
        return generator;
    }
}
