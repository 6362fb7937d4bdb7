package org.dmacheck.gen;

/**
 * Loop control for generating a variable number of elements, for authors of collection-like
 * generators (lists, command sequences).
 *
 * <p>Encoding: before each element one "continue?" choice is drawn (1 = one more element, 0 =
 * stop), and that flag together with the element's own choices forms one span. Deleting a span deletes exactly that element, and the empty choice list (all
 * zeros) gives the shortest allowed collection. Below the minimum size the flag is recorded as a
 * forced 1 (a replayed value there is ignored); at the maximum no flag is drawn. All element spans
 * of one collection carry the same label, derived from the one given to {@link #start} (usually the
 * collection's generator) but distinct from it, so the shrinker can reorder elements and never
 * mistakes an element for a whole collection.
 *
 * <pre>{@code
 * Many many = Many.start(in, this, 0, 10, Double.NaN);
 * while (many.more()) {
 *     out.add(in.draw(element));
 * }
 * }</pre>
 */
public final class Many {

    /** Label of the element spans of the collection labelled {@code owner}. */
    private record Element(Object owner) {
    }

    private final ChoiceStream in;
    private final Object label;
    private final int minSize;
    private final int maxSize;
    private final double continueProbability;
    private int count;
    private boolean elementOpen;

    private Many(ChoiceStream in, Object label, int minSize, int maxSize, double continueProbability) {
        this.in = in;
        this.label = new Element(label);
        this.minSize = minSize;
        this.maxSize = maxSize;
        this.continueProbability = continueProbability;
    }

    /**
     * Starts a loop of between {@code minSize} and {@code maxSize} elements.
     *
     * @param label       identifies the collection, usually its generator
     * @param averageSize when searching, the expected number of elements; {@code NaN} for the
     *                    default, {@code minSize + min(maxSize - minSize, in.size()) / 2}
     */
    public static Many start(ChoiceStream in, Object label, int minSize, int maxSize, double averageSize) {
        if (minSize < 0 || maxSize < minSize) {
            throw new IllegalArgumentException("bad size bounds [" + minSize + ", " + maxSize + "]");
        }
        double average = Double.isNaN(averageSize)
                ? minSize + Math.min((double) maxSize - minSize, in.size()) / 2.0
                : averageSize;
        double extra = Math.max(0.0, average - minSize);
        return new Many(in, label, minSize, maxSize, extra / (extra + 1.0));
    }

    /**
     * Whether to generate one more element. Call the element's draws right after a {@code true};
     * they become part of its span, which the next call closes.
     */
    public boolean more() {
        if (elementOpen) {
            in.endSpan();
            elementOpen = false;
        }
        if (count >= maxSize) {
            return false;
        }
        in.beginSpan(label);
        boolean more = count < minSize ? in.drawForced(1) == 1 : in.drawBoolean(continueProbability);
        if (!more) {
            in.endSpan();
            return false;
        }
        count++;
        elementOpen = true;
        return true;
    }

    /** Number of elements started so far. */
    public int count() {
        return count;
    }
}
