package org.dmacheck.spec.platform;

/** {@code enum dma_data_direction} ({@code include/linux/dma-direction.h}). */
public enum Direction {
    /** The device may read and write. */
    BIDIRECTIONAL(0),
    /** Memory to device: the device reads. */
    TO_DEVICE(1),
    /** Device to memory: the device writes. */
    FROM_DEVICE(2),
    /** Debugging only; invalid for every API call ({@code valid_dma_direction()}). */
    NONE(3);

    private final int value;

    Direction(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    /** {@code valid_dma_direction()}: only 0, 1 and 2 are valid for an API call. */
    public boolean isValid() {
        return this != NONE;
    }

    /** Whether a mapping of this direction lets the device read memory. */
    public boolean deviceMayRead() {
        return this == BIDIRECTIONAL || this == TO_DEVICE;
    }

    /** Whether a mapping of this direction lets the device write memory. */
    public boolean deviceMayWrite() {
        return this == BIDIRECTIONAL || this == FROM_DEVICE;
    }

    /** The direction as the kernel prints it in trace events, e.g. {@code FROM_DEVICE}. */
    public String traceName() {
        return name();
    }

    /** Parses a kernel trace name ({@code BIDIRECTIONAL}, {@code TO_DEVICE}, ...). */
    public static Direction parse(String text) {
        for (Direction d : values()) {
            if (d.name().equals(text)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown DMA direction '" + text + "'");
    }
}
