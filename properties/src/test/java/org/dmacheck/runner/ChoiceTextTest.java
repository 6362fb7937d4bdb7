package org.dmacheck.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;
import org.dmacheck.gen.ChoiceSequence;
import org.junit.jupiter.api.Test;

class ChoiceTextTest {

    @Test
    void formatsCompactlyWithRunLengths() {
        assertThat(ChoiceText.format(ChoiceSequence.of(1, 0, 0, 0, 0, 35, 36))).isEqualTo("1 0*4 z 10");
        assertThat(ChoiceText.format(ChoiceSequence.of(5, 5))).isEqualTo("5 5");
        assertThat(ChoiceText.format(ChoiceSequence.of(-1L))).isEqualTo("3w5e11264sgsf");
        assertThat(ChoiceText.format(ChoiceSequence.empty())).isEqualTo("-");
    }

    @Test
    void parsesWhatItFormats() {
        UniformRandomProvider random = RandomSource.XO_RO_SHI_RO_128_PP.create(1L);
        for (int i = 0; i < 1_000; i++) {
            long[] values = new long[random.nextInt(30)];
            for (int j = 0; j < values.length; j++) {
                int kind = random.nextInt(3);
                values[j] = kind == 0 ? random.nextLong() : kind == 1 ? random.nextInt(3) : values[Math.max(0, j - 1)];
            }
            ChoiceSequence sequence = ChoiceSequence.of(values);
            assertThat(ChoiceText.parse(ChoiceText.format(sequence))).isEqualTo(sequence);
        }
        assertThat(ChoiceText.parse("  1   0*3\tz ")).isEqualTo(ChoiceSequence.of(1, 0, 0, 0, 35));
        assertThat(ChoiceText.parse("-")).isEqualTo(ChoiceSequence.empty());
    }

    @Test
    void rejectsMalformedText() {
        assertThatThrownBy(() -> ChoiceText.parse("1 #")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad value");
        assertThatThrownBy(() -> ChoiceText.parse("1*0")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad run");
    }
}
