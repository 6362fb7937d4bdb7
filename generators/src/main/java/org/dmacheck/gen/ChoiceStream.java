package org.dmacheck.gen;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;

/**
 * The source of every random decision a generator makes.
 *
 * <p>Each decision is a <em>choice</em>: an unsigned integer in {@code [0, max]}. A stream either
 * <em>searches</em> (choices come from a seeded Commons RNG source, with a distribution that
 * favours interesting values) or <em>replays</em> (choices are read from a {@link ChoiceSequence};
 * past its end every choice is 0). Either way the stream records the choices it hands out, after
 * clamping a replayed value that exceeds the requested maximum to that maximum, so
 * {@link #choices()} replays to exactly the same value.
 *
 * <p>Generators must be <em>total</em>: any sequence of choices yields a valid value. And they
 * should encode so that <em>smaller choices mean simpler values</em> (choice 0 is the simplest):
 * that is all the shrinker needs to minimise counterexamples by editing choice lists.
 *
 * <p>Generators also mark <em>spans</em>, the runs of choices that produced one sub-value; see
 * {@link #draw(Gen)} and {@link #beginSpan(Object)}. A stream is single-use and not thread-safe.
 */
public final class ChoiceStream {

    /** Default limit on the number of choices one generation may draw. */
    public static final int DEFAULT_MAX_CHOICES = 100_000;

    /** Default size hint, see {@link #size()}. */
    public static final int DEFAULT_SIZE = 20;

    private static final int INITIAL_CAPACITY = 32;

    private final ChoiceSource source;
    private final int size;
    private final int maxChoices;

    private long[] values = new long[INITIAL_CAPACITY];
    private int length;

    private int[] spanStart = new int[INITIAL_CAPACITY];
    private int[] spanEnd = new int[INITIAL_CAPACITY];
    private int[] spanDepth = new int[INITIAL_CAPACITY];
    private int[] spanParent = new int[INITIAL_CAPACITY];
    private Object[] spanLabel = new Object[INITIAL_CAPACITY];
    private int spanCount;
    private int openSpan = -1;
    private int openDepth;

    private ChoiceStream(ChoiceSource source, int size, int maxChoices) {
        if (size < 0 || maxChoices < 1) {
            throw new IllegalArgumentException("size must be >= 0 and maxChoices >= 1");
        }
        this.source = source;
        this.size = size;
        this.maxChoices = maxChoices;
    }

    /** A searching stream over {@code random}; see {@link #size()} for {@code size}. */
    public static ChoiceStream searching(UniformRandomProvider random, int size, int maxChoices) {
        return new ChoiceStream(new RandomChoiceSource(Objects.requireNonNull(random)), size, maxChoices);
    }

    /** A searching stream seeded with {@code seed}, default size and choice limit. */
    public static ChoiceStream searching(long seed) {
        return searching(RandomSource.XO_RO_SHI_RO_128_PP.create(seed), DEFAULT_SIZE, DEFAULT_MAX_CHOICES);
    }

    /** A stream that replays {@code choices}; past their end it yields 0. */
    public static ChoiceStream replaying(ChoiceSequence choices, int size, int maxChoices) {
        return new ChoiceStream(new ReplayChoiceSource(Objects.requireNonNull(choices)), size, maxChoices);
    }

    /** A stream that replays {@code choices} with default size and choice limit. */
    public static ChoiceStream replaying(ChoiceSequence choices) {
        return replaying(choices, DEFAULT_SIZE, DEFAULT_MAX_CHOICES);
    }

    // ---------------------------------------------------------------- drawing

    /** A choice in {@code [0, maxInclusive]}, {@code maxInclusive} read as unsigned; uniform when searching. */
    public long draw(long maxInclusive) {
        return record(source.uniform(length, maxInclusive), maxInclusive);
    }

    /**
     * A choice in {@code [0, maxInclusive]} (unsigned); when searching, biased towards the choices
     * in {@code favoured} (e.g. the encodings of edge values) and towards small choices.
     */
    public long drawFavouring(long maxInclusive, long[] favoured) {
        return record(source.favouring(length, maxInclusive, favoured), maxInclusive);
    }

    /** A choice in {@code {0, 1}} read as a boolean (1 is true); when searching, true with probability {@code p}. */
    public boolean drawBoolean(double p) {
        return record(source.bernoulli(length, p), 1) == 1;
    }

    /** A choice in {@code [0, n)}, uniform when searching; {@code n} must be positive. */
    public int drawIndex(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("n must be positive: " + n);
        }
        return (int) draw(n - 1L);
    }

    /**
     * A choice in {@code [0, weights.length)}; when searching, index {@code i} has probability
     * proportional to {@code weights[i]} (zero weights are never picked). When replaying, any index
     * may come back, including one whose weight is zero.
     */
    public int drawWeighted(double[] weights) {
        if (weights.length == 0) {
            throw new IllegalArgumentException("no weights");
        }
        return (int) record(source.weighted(length, weights), weights.length - 1L);
    }

    /**
     * Records {@code value} as a choice without asking the source (a replayed choice at this
     * position is consumed and ignored). Used where the encoding keeps a slot that is currently not
     * free, e.g. the "continue" flag of a list element below the list's minimum size.
     */
    public long drawForced(long value) {
        return record(value, -1L);
    }

    /** Generates a value with {@code gen}; its choices form one span labelled with {@code gen}. */
    public <T> T draw(Gen<T> gen) {
        return span(labelOf(gen), gen);
    }

    /** Generates a value with {@code gen}; its choices form one span labelled {@code label}. */
    public <T> T span(Object label, Gen<T> gen) {
        beginSpan(label);
        T value = gen.generate(this);
        endSpan();
        return value;
    }

    /**
     * Opens a span; every choice drawn until the matching {@link #endSpan()} belongs to it. Spans
     * must nest properly. Prefer {@link #draw(Gen)} or {@link #span(Object, Gen)} where possible.
     */
    public void beginSpan(Object label) {
        if (spanCount == spanStart.length) {
            growSpans();
        }
        int index = spanCount++;
        spanStart[index] = length;
        spanEnd[index] = -1;
        spanDepth[index] = openDepth++;
        spanParent[index] = openSpan;
        spanLabel[index] = label;
        openSpan = index;
    }

    /** Closes the innermost open span. */
    public void endSpan() {
        if (openSpan < 0) {
            throw new IllegalStateException("no open span");
        }
        spanEnd[openSpan] = length;
        openSpan = spanParent[openSpan];
        openDepth--;
    }

    // ---------------------------------------------------------------- state

    /**
     * A size hint for collections with no explicit average size: larger means longer lists when
     * searching. It never changes how choices are decoded, so replay does not depend on it.
     */
    public int size() {
        return size;
    }

    /** Whether choices come from a random source (true) or from a given list (false). */
    public boolean isSearching() {
        return source.searching();
    }

    /** Number of choices drawn so far. */
    public int position() {
        return length;
    }

    /** The choices drawn so far. */
    public ChoiceSequence choices() {
        return ChoiceSequence.of(values, length);
    }

    /** The choices drawn so far with their spans; spans still open end at the current position. */
    public ChoiceRecord record() {
        List<Span> spans = new ArrayList<>(spanCount);
        for (int i = 0; i < spanCount; i++) {
            int end = spanEnd[i] < 0 ? length : spanEnd[i];
            spans.add(new Span(spanStart[i], end, spanDepth[i], spanParent[i], spanLabel[i]));
        }
        return new ChoiceRecord(choices(), spans);
    }

    // ---------------------------------------------------------------- internals

    private static Object labelOf(Gen<?> gen) {
        return gen instanceof SpanLabelled labelled ? labelled.spanLabel() : gen;
    }

    private long record(long raw, long maxInclusive) {
        if (length == maxChoices) {
            throw new ChoiceOverrunException(maxChoices);
        }
        long value = Long.compareUnsigned(raw, maxInclusive) > 0 ? maxInclusive : raw;
        if (length == values.length) {
            values = Arrays.copyOf(values, length * 2);
        }
        values[length++] = value;
        return value;
    }

    private void growSpans() {
        int capacity = spanStart.length * 2;
        spanStart = Arrays.copyOf(spanStart, capacity);
        spanEnd = Arrays.copyOf(spanEnd, capacity);
        spanDepth = Arrays.copyOf(spanDepth, capacity);
        spanParent = Arrays.copyOf(spanParent, capacity);
        spanLabel = Arrays.copyOf(spanLabel, capacity);
    }
}
