package org.dmacheck.spec.platform;

/** The outcome of a device-side access: the bytes read (or written), or a recorded fault. */
public sealed interface DmaAccess {
    /** The access completed; for a read, {@code data} holds the bytes, for a write it is empty. */
    record Done(byte[] data) implements DmaAccess {
    }

    /** The access faulted at {@code dmaAddr} (the first byte that could not be reached). */
    record Fault(DeviceId device, long dmaAddr, boolean write, String reason) implements DmaAccess {
        @Override
        public String toString() {
            return "DMA " + (write ? "write" : "read") + " fault from " + device + " at "
                    + Unsigned.hex(dmaAddr) + ": " + reason;
        }
    }

    default boolean faulted() {
        return this instanceof Fault;
    }
}
