package org.dmacheck.spec.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ByteMapTest {
    @Test
    void putSplitsOlderRunsAndRemembersTheStep() {
        ByteMap m = ByteMap.unknownByDefault();
        m.put(0x100, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, 3);
        m.put(0x102, new byte[] {9, 9}, 5); // overwrites bytes 2..3 of the first run
        List<ByteMap.Run> runs = m.runs(0xfe, 12);
        assertThat(runs).extracting(ByteMap.Run::start, ByteMap.Run::length, ByteMap.Run::known, ByteMap.Run::step)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(0xfeL, 2L, false, 0L),
                        org.assertj.core.groups.Tuple.tuple(0x100L, 2L, true, 3L),
                        org.assertj.core.groups.Tuple.tuple(0x102L, 2L, true, 5L),
                        org.assertj.core.groups.Tuple.tuple(0x104L, 4L, true, 3L),
                        org.assertj.core.groups.Tuple.tuple(0x108L, 2L, false, 0L));
        assertThat(runs.get(3).data()).containsExactly(5, 6, 7, 8);
    }

    @Test
    void forgetMakesARangeUnknownEvenOverAZeroBackground() {
        ByteMap m = new ByteMap((addr, max) -> max); // all zeros
        m.forget(0x10, 4, 2);
        assertThat(m.firstMismatch(0x0e, new byte[] {0, 0, 7, 7, 7, 7, 0})).isEmpty();
        assertThat(m.firstMismatch(0x0e, new byte[] {0, 0, 7, 7, 7, 7, 1}))
                .hasValue(new ByteMap.Mismatch(0x14, (byte) 0, (byte) 1, 0));
    }

    @Test
    void worksAtTheTopOfTheAddressSpace() {
        ByteMap m = ByteMap.unknownByDefault();
        long top = -4L; // 0xffff_ffff_ffff_fffc .. 0xffff_ffff_ffff_ffff
        m.put(top, new byte[] {1, 2, 3, 4}, 1);
        m.put(top + 2, new byte[] {9}, 2);
        assertThat(m.firstMismatch(top, new byte[] {1, 2, 9, 4})).isEmpty();
        assertThat(m.firstMismatch(top, new byte[] {1, 2, 3, 4})).hasValue(new ByteMap.Mismatch(-2L, (byte) 9, (byte) 3, 2));
        m.clear(top, 4);
        assertThat(m.runs(top, 4)).singleElement().extracting(ByteMap.Run::known).isEqualTo(false);
    }

    @Test
    void copyFromCarriesKnownAndUnknownBytes() {
        ByteMap cpu = ByteMap.unknownByDefault();
        cpu.put(0x1000, new byte[] {4, 5}, 1);
        ByteMap dev = ByteMap.unknownByDefault();
        dev.put(0x0fff, new byte[] {7, 7, 7, 7}, 1);
        dev.copyFrom(cpu, 0x0fff, 4, 9);
        assertThat(dev.runs(0x0fff, 4)).extracting(ByteMap.Run::known).containsExactly(false, true, false);
        assertThat(dev.runs(0x1000, 2).get(0).step()).isEqualTo(9);
    }
}
