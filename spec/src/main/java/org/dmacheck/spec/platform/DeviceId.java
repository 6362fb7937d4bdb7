package org.dmacheck.spec.platform;

import java.util.Objects;

/** A device by name; for PCI functions the name is the BDF, e.g. {@code 0000:01:00.0}. */
public record DeviceId(String name) implements Comparable<DeviceId> {
    public DeviceId {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("device name must not be blank");
        }
    }

    public static DeviceId of(String name) {
        return new DeviceId(name);
    }

    @Override
    public int compareTo(DeviceId o) {
        return name.compareTo(o.name);
    }

    @Override
    public String toString() {
        return name;
    }
}
