package org.dmacheck.gen.dma;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one property generates: which platforms and devices (weights of {@link Knob}s) and which
 * steps (weights of {@link OpKind}s, a kind of weight 0 never appears), and how long sequences are.
 * One profile per area, so the harness can have one property per area; {@link #MIXED} mixes all.
 *
 * <p>Weights only steer the search. Replaying or shrinking a choice list may pick any value of a
 * knob, so every value is valid in every profile.
 */
public final class DmaProfile {
    private final String name;
    private final String description;
    private final Map<Knob<?>, double[]> weights;
    private final Map<OpKind, Double> ops;
    private final int maxSteps;
    private final double averageSteps;

    private DmaProfile(Builder b) {
        this.name = b.name;
        this.description = b.description;
        this.weights = Map.copyOf(b.weights);
        this.ops = Collections.unmodifiableMap(new EnumMap<>(b.ops));
        this.maxSteps = b.maxSteps;
        this.averageSteps = b.averageSteps;
        if (ops.values().stream().noneMatch(w -> w > 0)) {
            throw new IllegalArgumentException("profile " + name + ": no operation has a positive weight");
        }
    }

    /** Single maps: map_phys/map_page, unmaps, whole and partial syncs, CPU and device accesses. */
    public static final DmaProfile SINGLE_MAPS = builder("single-maps",
            "dma_map_phys/dma_map_page with unmaps, syncs and accesses on every path")
            .op(OpKind.MAP_PHYS, 4).op(OpKind.MAP_PAGE, 2).op(OpKind.UNMAP, 4).op(OpKind.SYNC_SINGLE, 2)
            .op(OpKind.CPU_WRITE, 1).op(OpKind.CPU_READ, 1).op(OpKind.DEVICE_WRITE, 1.5).op(OpKind.DEVICE_READ, 1.5)
            .op(OpKind.TICK, 0.3)
            .build();

    /** Scatterlists: merging, seg boundaries and max segment sizes, P2P entries. */
    public static final DmaProfile SG = builder("sg", "dma_map_sg: merging, seg boundaries, max_seg_size")
            .op(OpKind.MAP_SG, 5).op(OpKind.UNMAP_SG, 3).op(OpKind.SYNC_SG, 1.5)
            .op(OpKind.CPU_WRITE, 0.5).op(OpKind.CPU_READ, 0.5).op(OpKind.DEVICE_WRITE, 1).op(OpKind.DEVICE_READ, 1)
            .op(OpKind.TICK, 0.3)
            .knob(DeviceGen.IOMMU, 2, 4, 3, 1)
            .knob(DeviceGen.SEG_BOUNDARY, 3, 1, 3, 2, 2)
            .knob(DeviceGen.MAX_SEG, 3, 1, 3, 1, 1)
            .knob(BufferGen.SG_ENTRY, 2, 4, 1)
            .build();

    /** map_resource and P2P: BARs with bus offsets, switches with and without ACS, host bridges. */
    public static final DmaProfile RESOURCE_P2P = builder("resource-p2p",
            "dma_map_resource and P2PDMA: bus addresses, host bridges, -EREMOTEIO")
            .op(OpKind.MAP_RESOURCE, 3).op(OpKind.MAP_SG, 3).op(OpKind.MAP_PHYS, 2).op(OpKind.UNMAP, 3)
            .op(OpKind.UNMAP_SG, 2).op(OpKind.DEVICE_WRITE, 1.5).op(OpKind.DEVICE_READ, 1.5)
            .knob(PlatformGen.HOST_BRIDGES, 3, 3, 2)
            .knob(PlatformGen.SWITCH, 1, 2)
            .knob(PlatformGen.ROLE, 2, 2, 2)
            .knob(PlatformGen.ALLOW_LISTED, 1, 2)
            .knob(PlatformGen.MMIO_RESOURCES, 1, 2, 1)
            .knob(BufferGen.SG_ENTRY, 2, 1, 3)
            .knob(BufferGen.P2P_SINGLE, 1, 2)
            .build();

    /** The two-step API: try_alloc, link, sync, unlink, destroy, free. */
    public static final DmaProfile TWO_STEP = builder("two-step", "dma_iova_try_alloc/link/sync/unlink/destroy/free")
            .op(OpKind.IOVA_TRY_ALLOC, 3).op(OpKind.IOVA_LINK, 5).op(OpKind.IOVA_SYNC, 2).op(OpKind.IOVA_UNLINK, 1.5)
            .op(OpKind.IOVA_DESTROY, 2).op(OpKind.IOVA_FREE, 1).op(OpKind.DEVICE_WRITE, 1).op(OpKind.DEVICE_READ, 1)
            .op(OpKind.MAP_PHYS, 0.5).op(OpKind.UNMAP, 0.5).op(OpKind.TICK, 0.3)
            .knob(DeviceGen.IOMMU, 1, 4, 4, 0.5)
            .build();

    /** swiotlb pressure: tiny pools, forced bounces, untrusted devices, large buffers. */
    public static final DmaProfile SWIOTLB_PRESSURE = builder("swiotlb-pressure",
            "swiotlb: tiny pools that fill up, forced and untrusted bounces, alignment")
            .op(OpKind.MAP_PHYS, 4).op(OpKind.MAP_SG, 2).op(OpKind.UNMAP, 3).op(OpKind.UNMAP_SG, 1.5)
            .op(OpKind.SYNC_SINGLE, 2).op(OpKind.CPU_WRITE, 1).op(OpKind.CPU_READ, 1)
            .op(OpKind.DEVICE_WRITE, 1.5).op(OpKind.DEVICE_READ, 1)
            .knob(PlatformGen.SWIOTLB_SEGMENTS, 1, 4, 3, 3, 2, 1, 0.1)
            .knob(DeviceGen.IOMMU, 4, 2, 1, 0.5)
            .knob(DeviceGen.FORCE_BOUNCE, 1, 2)
            .knob(DeviceGen.UNTRUSTED, 1, 2)
            .knob(DeviceGen.MASK_BITS, 3, 3, 1, 1, 1, 1)
            .knob(DeviceGen.MIN_ALIGN, 3, 3, 1, 0.3)
            .knob(BufferGen.SIZE, 2, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2)
            .build();

    /** Lazy invalidation: DMA_FQ domains, IOVA churn, time passing around the 10 ms timeout. */
    public static final DmaProfile LAZY_FLUSH = builder("lazy-flush",
            "DMA_FQ domains: flush queue, IOVA reuse after invalidation, stale IOTLB entries")
            .op(OpKind.MAP_PHYS, 4).op(OpKind.UNMAP, 4).op(OpKind.MAP_SG, 1).op(OpKind.UNMAP_SG, 1)
            .op(OpKind.DEVICE_READ, 2).op(OpKind.DEVICE_WRITE, 1).op(OpKind.TICK, 2)
            .op(OpKind.IOVA_TRY_ALLOC, 0.5).op(OpKind.IOVA_LINK, 0.5).op(OpKind.IOVA_DESTROY, 0.5)
            .op(OpKind.IOVA_SYNC, 0.3)
            .knob(DeviceGen.IOMMU, 0.2, 1, 6, 0.2)
            .build();

    /** Non-coherent devices: cache maintenance at map, unmap and sync; ownership hand-over. */
    public static final DmaProfile NONCOHERENT_SYNCS = builder("noncoherent-syncs",
            "non-coherent devices: cache maintenance at map, sync and unmap")
            .op(OpKind.MAP_PHYS, 3).op(OpKind.MAP_SG, 1.5).op(OpKind.UNMAP, 2).op(OpKind.UNMAP_SG, 1)
            .op(OpKind.SYNC_SINGLE, 4).op(OpKind.SYNC_SG, 2).op(OpKind.CPU_WRITE, 2).op(OpKind.CPU_READ, 2)
            .op(OpKind.DEVICE_WRITE, 2).op(OpKind.DEVICE_READ, 2).op(OpKind.ALLOC_COHERENT, 0.5)
            .op(OpKind.FREE_COHERENT, 0.3)
            .knob(DeviceGen.NON_COHERENT, 1, 6)
            .build();

    /** Misuse containment: wrong unmaps and syncs among correct traffic. */
    public static final DmaProfile MISUSE = builder("misuse",
            "driver misuse: wrong size/direction/kind, double unmap, unknown addresses, bad syncs")
            .op(OpKind.MAP_PHYS, 3).op(OpKind.MAP_PAGE, 1).op(OpKind.MAP_SG, 2).op(OpKind.MAP_RESOURCE, 0.5)
            .op(OpKind.UNMAP, 2).op(OpKind.UNMAP_SG, 1).op(OpKind.SYNC_SINGLE, 1).op(OpKind.DEVICE_WRITE, 1)
            .op(OpKind.DEVICE_READ, 1)
            .op(OpKind.UNMAP_WRONG_SIZE, 1).op(OpKind.UNMAP_WRONG_DIR, 1).op(OpKind.UNMAP_WRONG_KIND, 1)
            .op(OpKind.DOUBLE_UNMAP, 1).op(OpKind.UNMAP_UNKNOWN, 1).op(OpKind.SYNC_OUTSIDE, 1)
            .op(OpKind.SYNC_WRONG_DIR, 1).op(OpKind.UNMAP_SG_RETURNED_COUNT, 1)
            .build();

    /** Everything at once. */
    public static final DmaProfile MIXED = builder("mixed", "every operation on every kind of platform")
            .op(OpKind.MAP_PHYS, 3).op(OpKind.MAP_PAGE, 1).op(OpKind.MAP_SG, 4).op(OpKind.MAP_RESOURCE, 1)
            .op(OpKind.UNMAP, 3).op(OpKind.UNMAP_SG, 2).op(OpKind.SYNC_SINGLE, 1.5).op(OpKind.SYNC_SG, 1)
            .op(OpKind.IOVA_TRY_ALLOC, 1).op(OpKind.IOVA_LINK, 1.5).op(OpKind.IOVA_SYNC, 0.7)
            .op(OpKind.IOVA_UNLINK, 0.5).op(OpKind.IOVA_DESTROY, 0.7).op(OpKind.IOVA_FREE, 0.3)
            .op(OpKind.ALLOC_COHERENT, 0.5).op(OpKind.FREE_COHERENT, 0.4)
            .op(OpKind.CPU_WRITE, 1).op(OpKind.CPU_READ, 1).op(OpKind.DEVICE_WRITE, 1.5).op(OpKind.DEVICE_READ, 1.5)
            .op(OpKind.TICK, 0.7)
            .knob(PlatformGen.ROLE, 3, 1, 1.5)
            .knob(DeviceGen.SEG_BOUNDARY, 3, 1, 3, 2, 2)
            .knob(BufferGen.SG_ENTRY, 2, 3, 1)
            .build();

    private static final List<DmaProfile> ALL = List.of(SINGLE_MAPS, SG, RESOURCE_P2P, TWO_STEP, SWIOTLB_PRESSURE,
            LAZY_FLUSH, NONCOHERENT_SYNCS, MISUSE, MIXED);

    /** Every predefined profile, one per area, then {@link #MIXED}. */
    public static List<DmaProfile> all() {
        return ALL;
    }

    /** The predefined profile called {@code name}; the error lists the known names. */
    public static DmaProfile named(String name) {
        for (DmaProfile p : ALL) {
            if (p.name.equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown DMA profile '" + name + "'; known: "
                + ALL.stream().map(DmaProfile::name).toList());
    }

    public static Builder builder(String name, String description) {
        return new Builder(name, description);
    }

    /** A builder starting from this profile's settings, to derive a variant. */
    public Builder toBuilder(String newName, String newDescription) {
        Builder b = new Builder(newName, newDescription);
        b.weights.putAll(weights);
        b.ops.putAll(ops);
        b.maxSteps = maxSteps;
        b.averageSteps = averageSteps;
        return b;
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    /** The weights this profile gives {@code knob}'s values (its defaults unless overridden). */
    public double[] weights(Knob<?> knob) {
        double[] w = weights.get(knob);
        return w != null ? w : knob.defaultWeights();
    }

    /** The weight of an operation kind; 0 means the kind is never generated. */
    public double opWeight(OpKind kind) {
        return ops.getOrDefault(kind, 0.0);
    }

    /** Operation kinds with a positive weight, in {@link OpKind} order. */
    public List<OpKind> opKinds() {
        List<OpKind> out = new ArrayList<>();
        for (OpKind k : OpKind.values()) {
            if (opWeight(k) > 0) {
                out.add(k);
            }
        }
        return out;
    }

    /** Whether this profile generates contract-breaking steps. */
    public boolean misuse() {
        return opKinds().stream().anyMatch(OpKind::misuse);
    }

    public int maxSteps() {
        return maxSteps;
    }

    public double averageSteps() {
        return averageSteps;
    }

    @Override
    public String toString() {
        return name;
    }

    /** Builds a profile; unspecified knobs keep their default weights, unspecified ops weigh 0. */
    public static final class Builder {
        private final String name;
        private final String description;
        private final Map<Knob<?>, double[]> weights = new HashMap<>();
        private final Map<OpKind, Double> ops = new EnumMap<>(OpKind.class);
        private int maxSteps = 60;
        private double averageSteps = 20;

        private Builder(String name, String description) {
            this.name = Objects.requireNonNull(name, "name");
            this.description = Objects.requireNonNull(description, "description");
        }

        /** Weights for {@code knob}'s values, one per value. */
        public Builder knob(Knob<?> knob, double... w) {
            Knob.checkWeights(name + "/" + knob.name(), knob.values().size(), w);
            weights.put(knob, w.clone());
            return this;
        }

        /** The weight of an operation kind (0 removes it). */
        public Builder op(OpKind kind, double weight) {
            if (!(weight >= 0) || Double.isInfinite(weight)) {
                throw new IllegalArgumentException("profile " + name + ": weight of " + kind + " must be finite and >= 0");
            }
            ops.put(kind, weight);
            return this;
        }

        /** Sequences of at most {@code max} steps, {@code average} expected when searching. */
        public Builder steps(int max, double average) {
            if (max < 1 || !(average > 0) || average > max) {
                throw new IllegalArgumentException("profile " + name + ": bad step bounds max=" + max
                        + " average=" + average);
            }
            this.maxSteps = max;
            this.averageSteps = average;
            return this;
        }

        public DmaProfile build() {
            return new DmaProfile(this);
        }
    }
}
