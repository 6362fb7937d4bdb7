package org.dmacheck.gen;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Lists of a bounded size, encoded with {@link Many}: deleting an element's choices deletes the
 * element. Values are unmodifiable lists (which may hold nulls if the element generator makes them).
 *
 * @param <T> element type
 */
public final class ListGen<T> implements Gen<List<T>> {

    private final Gen<T> element;
    private final int minSize;
    private final int maxSize;
    private final double averageSize;

    ListGen(Gen<T> element, int minSize, int maxSize, double averageSize) {
        if (minSize < 0 || maxSize < minSize) {
            throw new IllegalArgumentException("bad size bounds [" + minSize + ", " + maxSize + "]");
        }
        this.element = Objects.requireNonNull(element);
        this.minSize = minSize;
        this.maxSize = maxSize;
        this.averageSize = averageSize;
    }

    /** The same lists, but when searching their expected size is {@code averageSize}. */
    public ListGen<T> averageSize(double averageSize) {
        if (!(averageSize >= 0)) {
            throw new IllegalArgumentException("average size must be >= 0: " + averageSize);
        }
        return new ListGen<>(element, minSize, maxSize, averageSize);
    }

    @Override
    public List<T> generate(ChoiceStream in) {
        List<T> out = new ArrayList<>();
        Many many = Many.start(in, this, minSize, maxSize, averageSize);
        while (many.more()) {
            out.add(in.draw(element));
        }
        return Collections.unmodifiableList(out);
    }

    @Override
    public String describe() {
        return "lists(" + element.describe() + ", " + minSize + ", " + maxSize + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
