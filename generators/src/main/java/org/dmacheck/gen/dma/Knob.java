package org.dmacheck.gen.dma;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.dmacheck.gen.ChoiceStream;

/**
 * One dimension of DMA generation: a short list of values, simplest first, with default search
 * weights. A value costs exactly one weighted choice, so choice 0 is always the simplest value, any
 * replayed choice decodes (the stream clamps it to the last index), and shrinking a knob means
 * lowering one number. A {@link DmaProfile} re-weights knobs to steer a property towards its area.
 *
 * @param <T> value type
 */
public final class Knob<T> {
    private final String name;
    private final List<T> values;
    private final double[] weights;

    private Knob(String name, List<T> values, double[] weights) {
        this.name = Objects.requireNonNull(name, "name");
        this.values = List.copyOf(values);
        this.weights = weights.clone();
        checkWeights(name, this.values.size(), this.weights);
    }

    /** A knob over {@code values} (simplest first) with one default weight per value. */
    public static <T> Knob<T> of(String name, List<T> values, double... weights) {
        return new Knob<>(name, values, weights);
    }

    /** A yes/no knob: {@code false} (the simple case) with weight {@code no}, {@code true} with {@code yes}. */
    public static Knob<Boolean> flag(String name, double no, double yes) {
        return new Knob<>(name, List.of(false, true), new double[] {no, yes});
    }

    public String name() {
        return name;
    }

    public List<T> values() {
        return values;
    }

    /** A copy of the default weights. */
    public double[] defaultWeights() {
        return weights.clone();
    }

    /** Draws a value with the profile's weights for this knob. */
    public T draw(ChoiceStream in, DmaProfile profile) {
        return values.get(in.drawWeighted(profile.weights(this)));
    }

    static void checkWeights(String name, int size, double[] w) {
        if (w.length != size) {
            throw new IllegalArgumentException("knob " + name + ": " + w.length + " weights for " + size + " values");
        }
        if (Arrays.stream(w).anyMatch(x -> !(x >= 0) || Double.isInfinite(x)) || Arrays.stream(w).sum() <= 0) {
            throw new IllegalArgumentException("knob " + name + ": weights " + Arrays.toString(w)
                    + " must be finite, non-negative and not all zero");
        }
    }

    @Override
    public String toString() {
        return name + values;
    }
}
