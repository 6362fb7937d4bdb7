package org.dmacheck.spec.contract;

import java.util.List;
import java.util.Objects;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.violation.Evidence;
import org.dmacheck.spec.violation.Violation;

/**
 * One broken driver-contract rule, as plain data: which dma-debug check, where the caller saw the
 * offending event, on which device, debug.c's message, the bracketed evidence in debug.c's order,
 * and where the entry concerned was booked (dma-debug prints that entry's stack trace).
 *
 * @param check    the check that fired
 * @param at       the caller's location of the event (step or trace line)
 * @param device   the device
 * @param evidence the bracketed facts, in debug.c's print order
 * @param mappedAt where the entry concerned was mapped or allocated; {@link Location#NONE} when
 *                 there is none (U1, U2, S1, M5, M6)
 */
public record ContractViolation(Check check, Location at, DeviceId device, List<Evidence> evidence,
                                Location mappedAt) {
    public ContractViolation {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(mappedAt, "mappedAt");
        evidence = List.copyOf(evidence);
    }

    /** The check's id: {@code U3}. */
    public String id() {
        return check.id();
    }

    /** debug.c's message for the check. */
    public String message() {
        return check.message();
    }

    /** The value of the first evidence item named {@code key}, or null. */
    public String evidence(String key) {
        return evidence.stream().filter(e -> e.key().equals(key)).map(Evidence::value).findFirst().orElse(null);
    }

    /**
     * The message and the evidence, as debug.c prints them after the device:
     * {@code device driver frees DMA memory with different size [device address=0x00000000fff00000]
     * [map size=4096 bytes] [unmap size=512 bytes]}. The leak message puts debug.c's
     * {@code One of leaked entries details:} after its count.
     */
    public String describe() {
        StringBuilder sb = new StringBuilder(message());
        for (int i = 0; i < evidence.size(); i++) {
            sb.append(' ').append(evidence.get(i));
            if (i == 0 && check == Check.L1) {
                sb.append(" One of leaked entries details:");
            }
        }
        return sb.toString();
    }

    /**
     * {@code DMA-API: 0000:01:00.0: } + {@link #describe()} + the location and where the entry was
     * mapped: {@code ... [unmap size=512 bytes] [step 9] (mapped at step 7)}.
     */
    public String render() {
        StringBuilder sb = new StringBuilder("DMA-API: ").append(device.name()).append(": ").append(describe());
        if (at.unit() != Location.Unit.NONE) {
            sb.append(" [").append(at).append(']');
        }
        if (mappedAt.unit() != Location.Unit.NONE) {
            sb.append(" (mapped at ").append(mappedAt).append(')');
        }
        return sb.toString();
    }

    /**
     * The same facts as the shared {@link Violation} the invariants report: kind = check id, and the
     * step when {@link #at} is one (0 otherwise).
     */
    public Violation toViolation() {
        long step = at.unit() == Location.Unit.STEP ? at.value() : 0;
        return new Violation(check.id(), step, device, message(), evidence);
    }

    @Override
    public String toString() {
        return check.id() + ": " + render();
    }
}
