package org.dmacheck.gen;

/**
 * A contiguous run of choices, {@code [start, end)}, that together produced one sub-value: a list
 * element, one alternative of a one-of, one step of a command sequence, one node of a recursive
 * structure. Spans nest; the shrinker deletes, reorders and substitutes them as units.
 *
 * @param start  index of the first choice of the span
 * @param end    index one past the last choice of the span ({@code end >= start})
 * @param depth  nesting depth; spans opened outside any other span have depth 0
 * @param parent index of the enclosing span in {@link ChoiceRecord#spans()}, or -1
 * @param label  what produced the span, compared with {@code equals}; two spans with equal labels
 *               hold values of the same kind, so one can stand in for the other
 */
public record Span(int start, int end, int depth, int parent, Object label) {

    /** Labels with a meaning the shrinker knows about. */
    public enum Marker {
        /**
         * A single choice that indexes into state built by earlier choices, e.g. "the k-th live
         * handle" ({@link Gens#indexBelow}). When the shrinker deletes something earlier, it also
         * tries shifting such indexes by one so they keep pointing at the same thing.
         */
        INDEX
    }

    /** Whether this span holds an index into earlier state, see {@link Marker#INDEX}. */
    public boolean isIndex() {
        return label == Marker.INDEX;
    }

    /** Number of choices in the span. */
    public int length() {
        return end - start;
    }
}
