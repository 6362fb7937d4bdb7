package org.dmacheck.impl.direct;

import static org.assertj.core.api.Assertions.assertThat;

import org.dmacheck.impl.direct.LiveMappings.Mapping;
import org.junit.jupiter.api.Test;

class LiveMappingsTest {
    private static Mapping at(long dma, long size) {
        return new Mapping(dma, size, dma, false, false);
    }

    @Test
    void coveringFindsAnOuterMappingPastANestedOne() {
        LiveMappings m = new LiveMappings();
        Mapping outer = at(0x1000, 0x3000);
        Mapping inner = at(0x1800, 0x100);
        m.add(outer);
        m.add(inner);
        // 0x2000 starts after the inner mapping (the greatest start below it) ends: only the outer holds it
        assertThat(m.covering(0x2000, 0x100)).isSameAs(outer);
        assertThat(m.covering(0x3f00, 0x100)).isSameAs(outer);
        assertThat(m.covering(0x3f00, 0x101)).isNull();
        assertThat(m.covering(0x800, 0x10)).isNull();
    }

    @Test
    void addressesAboveTwoToTheSixtyThreeCompareUnsigned() {
        LiveMappings m = new LiveMappings();
        Mapping high = at(0xFFFF_FFFF_FFFF_F000L, 0x1000);
        Mapping low = at(0x1000, 0x1000);
        m.add(high);
        m.add(low);
        assertThat(m.covering(0xFFFF_FFFF_FFFF_FF00L, 0x100)).isSameAs(high);
        assertThat(m.covering(0x1800, 0x10)).isSameAs(low);
        // a range running past 2^64-1 is never covered
        assertThat(m.covering(0xFFFF_FFFF_FFFF_FF00L, 0x101)).isNull();
    }

    @Test
    void findStartPrefersTheSameSizeAndRemoveTakesOneInstance() {
        LiveMappings m = new LiveMappings();
        Mapping a = at(0x5000, 0x100);
        Mapping b = at(0x5000, 0x200);
        m.add(a);
        m.add(b);
        assertThat(m.findStart(0x5000, 0x200)).isSameAs(b);
        assertThat(m.findStart(0x5000, 0x300)).isSameAs(a);
        assertThat(m.findStart(0x5001, 0x100)).isNull();
        m.remove(b);
        assertThat(m.size()).isEqualTo(1);
        assertThat(m.findStart(0x5000, 0x200)).isSameAs(a);
        assertThat(m.covering(0x5100, 0x10)).isNull();
    }

    @Test
    void theSameMappingTwiceIsTwoInstances() {
        LiveMappings m = new LiveMappings();
        Mapping a = at(0x7000, 0x100);
        Mapping b = at(0x7000, 0x100);
        m.add(a);
        m.add(b);
        m.remove(m.findStart(0x7000, 0x100));
        assertThat(m.size()).isEqualTo(1);
        m.remove(m.findStart(0x7000, 0x100));
        assertThat(m.size()).isZero();
        assertThat(m.findStart(0x7000, 0x100)).isNull();
    }

    @Test
    void manyMappingsStayConsistent() {
        LiveMappings m = new LiveMappings();
        for (int i = 0; i < 1000; i++) {
            m.add(at(0x10_0000L * i, 0x1000));
        }
        for (int i = 0; i < 1000; i += 2) {
            m.remove(m.findStart(0x10_0000L * i, 0x1000));
        }
        assertThat(m.size()).isEqualTo(500);
        assertThat(m.covering(0x10_0000L * 501 + 0x800, 0x10)).isNotNull();
        assertThat(m.covering(0x10_0000L * 500 + 0x800, 0x10)).isNull();
    }
}
