package org.dmacheck.prop;

import java.util.List;
import java.util.stream.Collectors;
import org.dmacheck.spec.api.DmaEngineProvider;

/**
 * The DMA properties, one per area plus one that mixes everything, as a library: the CLI and the
 * JUnit tests both run them through here.
 *
 * <pre>{@code
 * PropertyVerdict v = DmaProperties.check(DmaProperties.named("scatter-gather"),
 *         Engines.find("reference"), CheckSettings.fromSystemProperties());
 * }</pre>
 */
public final class DmaProperties {
    private DmaProperties() {
    }

    /** Every property, in run order. */
    public static List<DmaProperty> all() {
        return AreaProperties.ALL;
    }

    /** The property called {@code name}, or a one-line error listing the names. */
    public static DmaProperty named(String name) {
        return all().stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown property '" + name + "'; properties: "
                        + all().stream().map(DmaProperty::name).collect(Collectors.joining(", "))));
    }

    /**
     * Checks {@code property} against engines from {@code engine}: searches, shrinks a failure and
     * writes its report under {@code settings.reportDir()/<property>/}.
     */
    public static PropertyVerdict check(DmaProperty property, DmaEngineProvider engine, CheckSettings settings) {
        return new PropertyCheck(property, engine, settings).run();
    }
}
