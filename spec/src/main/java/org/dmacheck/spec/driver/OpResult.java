package org.dmacheck.spec.driver;

import java.util.List;
import org.dmacheck.spec.api.CoherentBuffer;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.api.Errno;
import org.dmacheck.spec.platform.DmaAccess;
import org.dmacheck.spec.platform.Unsigned;

/**
 * What one operation returned, as plain data: the engine's return value in the kernel's convention,
 * the bytes a CPU or device access moved, or why the operation could not run. The model and the
 * invariants read it; reports print it ({@link #describe()}).
 */
public sealed interface OpResult {

    /** A short description for reports: {@code 0xfffff000}, {@code -EREMOTEIO}, {@code 2 segments}. */
    String describe();

    /** A single-buffer map returned {@code dmaAddr}; {@link DmaEngine#DMA_MAPPING_ERROR} is a failure. */
    record Mapped(long dmaAddr) implements OpResult {
        public boolean failed() {
            return dmaAddr == DmaEngine.DMA_MAPPING_ERROR;
        }

        @Override
        public String describe() {
            return failed() ? "DMA_MAPPING_ERROR" : Unsigned.hex(dmaAddr);
        }
    }

    /**
     * {@code map_sg} returned {@code count}: the number of DMA segments, or a negative errno.
     * {@code entries} is the DMA side of every list entry after the call (the first {@code count}
     * are the segments).
     */
    record MappedSg(int count, List<SgSegment> entries) implements OpResult {
        public MappedSg {
            entries = List.copyOf(entries);
        }

        public boolean failed() {
            return count <= 0;
        }

        /** The DMA segments: the first {@code count} entries (empty on failure). */
        public List<SgSegment> segments() {
            return failed() ? List.of() : entries.subList(0, Math.min(count, entries.size()));
        }

        @Override
        public String describe() {
            return failed() ? Errno.name(count) : count + (count == 1 ? " segment" : " segments");
        }
    }

    /** {@code dma_iova_try_alloc} returned {@code ok}; the state then held {@code addr} and {@code rawSize}. */
    record IovaAllocated(boolean ok, long addr, long rawSize) implements OpResult {
        @Override
        public String describe() {
            return ok ? "true (addr=" + Unsigned.hex(addr) + " size=" + Unsigned.hex(rawSize) + ")" : "false";
        }
    }

    /** A call that returns 0 or a negative errno ({@code dma_iova_link}, {@code dma_iova_sync}). */
    record Status(int code) implements OpResult {
        public boolean failed() {
            return code != 0;
        }

        @Override
        public String describe() {
            return Errno.name(code);
        }
    }

    /** {@code dma_alloc_attrs} returned {@code buffer}, or null on failure. */
    record Allocated(CoherentBuffer buffer) implements OpResult {
        public boolean failed() {
            return buffer == null;
        }

        @Override
        public String describe() {
            return failed() ? "NULL" : "cpu=" + Unsigned.hex(buffer.cpuPhys()) + " dma=" + Unsigned.hex(buffer.dmaAddr());
        }
    }

    /** An unmap or free returned. */
    record Released() implements OpResult {
        @Override
        public String describe() {
            return "";
        }
    }

    /** A call without a result (sync, tick, CPU write) returned. */
    record Done() implements OpResult {
        @Override
        public String describe() {
            return "";
        }
    }

    /** A CPU read of {@code data} at {@code phys}. */
    record CpuData(long phys, byte[] data) implements OpResult {
        @Override
        public String describe() {
            return data.length + " bytes";
        }
    }

    /**
     * A device access completed: {@code data} was read from, or written to, DMA address
     * {@code dmaAddr}, which is {@code offset} bytes into segment {@code segment} of the handle.
     */
    record Transferred(int segment, long offset, long dmaAddr, byte[] data) implements OpResult {
        @Override
        public String describe() {
            return data.length + " bytes at " + Unsigned.hex(dmaAddr);
        }
    }

    /** A device access of {@code len} bytes at {@code dmaAddr} faulted; nothing was transferred. */
    record Faulted(int segment, long offset, long dmaAddr, int len, DmaAccess.Fault fault) implements OpResult {
        @Override
        public String describe() {
            return "fault at " + Unsigned.hex(fault.dmaAddr()) + ": " + fault.reason();
        }
    }

    /**
     * The operation did not run, so the sequence stays valid: its handle is not live (never bound,
     * its map failed, or an earlier step released it), or an access does not fit.
     */
    record Skipped(String reason) implements OpResult {
        @Override
        public String describe() {
            return "skipped: " + reason;
        }
    }

    /**
     * The engine threw. An {@link IllegalArgumentException} is the engine's documented way to
     * {@code BUG()} on misuse ({@link #bugStyle()}); anything else is an engine failure.
     */
    record Threw(Throwable exception) implements OpResult {
        public boolean bugStyle() {
            return exception instanceof IllegalArgumentException;
        }

        @Override
        public String describe() {
            return "threw " + exception;
        }
    }
}
