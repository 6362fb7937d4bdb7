package org.dmacheck.gen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IntegerCodecTest {

    @ParameterizedTest
    @CsvSource({"-5, 7", "3, 9", "-9, -2", "0, 0", "-4, 4", "-1, 0", "-20, 3"})
    void signedRangesAreBijectionsOrderedByDistanceFromTheSimplestValue(long lo, long hi) {
        IntegerCodec codec = IntegerCodec.signed(lo, hi);
        long simplest = lo > 0 ? lo : Math.min(hi, 0);
        Set<Long> seen = new HashSet<>();
        long previousDistance = -1;
        for (long choice = 0; choice <= codec.maxChoice(); choice++) {
            long value = codec.decode(choice);
            assertThat(value).isBetween(lo, hi);
            assertThat(codec.encode(value)).isEqualTo(choice);
            long distance = Math.abs(value - simplest);
            assertThat(distance).isGreaterThanOrEqualTo(previousDistance);
            previousDistance = distance;
            seen.add(value);
        }
        assertThat(seen).hasSize((int) (hi - lo + 1));
        assertThat(codec.decode(0)).isEqualTo(simplest);
    }

    @Test
    void positiveNeighboursComeBeforeNegativeOnes() {
        IntegerCodec codec = IntegerCodec.signed(-100, 100);
        assertThat(codec.decode(1)).isEqualTo(1);
        assertThat(codec.decode(2)).isEqualTo(-1);
        assertThat(codec.decode(3)).isEqualTo(2);
    }

    @Test
    void fullLongRangeRoundTripsAtTheExtremes() {
        IntegerCodec codec = IntegerCodec.signed(Long.MIN_VALUE, Long.MAX_VALUE);
        assertThat(codec.maxChoice()).isEqualTo(-1L);
        for (long v : new long[] {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1, 1L << 62, -(1L << 62)}) {
            assertThat(codec.decode(codec.encode(v))).isEqualTo(v);
        }
        assertThat(codec.decode(-1L)).isEqualTo(Long.MIN_VALUE);
        assertThat(codec.decode(-2L)).isEqualTo(Long.MIN_VALUE + 1);
        assertThat(codec.decode(-3L)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void unsignedRangesShrinkTowardsTheLowBound() {
        IntegerCodec codec = IntegerCodec.unsigned(5, 12);
        for (long choice = 0; choice <= codec.maxChoice(); choice++) {
            assertThat(codec.decode(choice)).isEqualTo(5 + choice);
        }
        IntegerCodec full = IntegerCodec.unsigned(0, -1L);
        assertThat(full.decode(-1L)).isEqualTo(-1L);
        assertThat(full.encode(Long.MIN_VALUE)).isEqualTo(Long.MIN_VALUE);
        assertThat(full.contains(-1L)).isTrue();
    }
}
