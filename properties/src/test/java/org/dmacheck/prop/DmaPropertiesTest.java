package org.dmacheck.prop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.dmacheck.spec.api.Engines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every DMA property holds on the reference engine, with its coverage requirements met. Tries come
 * from {@code -Ddmacheck.tries} (200 by default, 5000 with {@code -Pdeep}), scaled per property.
 */
class DmaPropertiesTest {
    static Stream<String> properties() {
        return DmaProperties.all().stream().map(DmaProperty::name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("properties")
    void holdsOnTheReferenceEngine(String name) {
        check(name);
    }

    private static void check(String name) {
        CheckSettings settings = CheckSettings.fromSystemProperties();
        PropertyVerdict v = DmaProperties.check(DmaProperties.named(name), Engines.find("reference"), settings);
        assertThat(v.status())
                .as("%s on reference (seed %d): %s%s", name, v.seed(), v.detail(),
                        v.report().map(r -> "\nreport: " + r.report()).orElse(""))
                .isEqualTo(PropertyVerdict.Status.HELD);
    }

    @Test
    void oneAreaPerPropertyPlusOneThatMixesEverything() {
        assertThat(properties()).containsExactly("single-maps", "sg", "resource-p2p", "two-step",
                "swiotlb-pressure", "lazy-flush", "noncoherent-syncs", "misuse", "mixed");
    }

    @Test
    void anUnknownPropertyIsAOneLineErrorListingTheNames() {
        assertThatThrownBy(() -> DmaProperties.named("single-map"))
                .hasMessageStartingWith("unknown property 'single-map'; properties: single-maps, sg")
                .hasMessageNotContaining("\n");
    }
}
