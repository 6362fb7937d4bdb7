package org.dmacheck.spec.platform;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Physical memory as the CPU and DMA masters reach it: the CPU through its write-back cache for
 * cacheable memory (RAM and the swiotlb pool, except pages mapped uncached for coherent allocations),
 * coherent masters by snooping, non-coherent masters straight to memory. Without a non-coherent
 * device the cache is left out: every path then reads and writes memory, with identical results.
 */
final class MemorySystem {
    /** CPU copies and fills go through a bounded staging buffer of this size. */
    private static final int CHUNK = 64 * 1024;

    private final PhysicalMemory memory;
    private final CpuCache cache;
    /** Uncached page ranges (coherent allocations): start -> last. */
    private final TreeMap<Long, Long> uncached = new TreeMap<>(Long::compareUnsigned);
    private final Consumer<String> log;
    private final Touched touched;

    /**
     * @param cache   the CPU cache, or null when every master is coherent
     * @param touched where every change of bytes is recorded
     */
    MemorySystem(PhysicalMemory memory, CpuCache cache, Consumer<String> log, Touched touched) {
        this.memory = memory;
        this.cache = cache;
        this.log = log;
        this.touched = touched;
    }

    MemoryRegion regionOf(long phys) {
        return memory.regionOf(phys);
    }

    long backedFrames() {
        return memory.backedFrames();
    }

    CpuCache cache() {
        return cache;
    }

    byte[] cpuRead(long phys, int len) {
        return readThrough(phys, len, "CPU read", true);
    }

    /** What {@link #cpuRead} would return, without touching the cache. */
    byte[] peekCpu(long phys, int len) {
        return readThrough(phys, len, "CPU peek", false);
    }

    /** A CPU-view read; {@code allocate} says whether missing lines are filled (a load) or not (a peek). */
    private byte[] readThrough(long phys, int len, String what, boolean allocate) {
        byte[] out = new byte[len];
        forEachCpuChunk(phys, len, what, (a, off, n, cached) -> {
            if (!cached) {
                memory.read(a, out, off, n);
            } else if (allocate) {
                cache.cpuRead(a, out, off, n);
            } else {
                cache.peek(a, out, off, n);
            }
        });
        return out;
    }

    /** The bytes in memory itself, as a non-coherent device would read them. */
    byte[] peekMemory(long phys, int len) {
        byte[] out = new byte[len];
        forEachCpuChunk(phys, len, "memory peek", (a, off, n, cached) -> memory.read(a, out, off, n));
        return out;
    }

    void cpuWrite(long phys, byte[] data) {
        store(phys, data, "CPU store");
    }

    private void store(long phys, byte[] data, String by) {
        touched.memory(phys, data.length, by);
        forEachCpuChunk(phys, data.length, "CPU write", (a, off, n, cached) -> {
            if (cached) {
                cache.cpuWrite(a, data, off, n);
            } else {
                memory.write(a, data, off, n);
            }
        });
    }

    void cpuCopy(long dst, long src, long len) {
        for (long done = 0; Unsigned.lt(done, len); ) {
            int n = (int) Unsigned.min(len - done, CHUNK);
            store(dst + done, cpuRead(src + done, n), "memcpy");
            done += n;
        }
    }

    void cpuFill(long phys, long len, byte value) {
        byte[] pattern = new byte[(int) Unsigned.min(len, CHUNK)];
        Arrays.fill(pattern, value);
        for (long done = 0; Unsigned.lt(done, len); ) {
            int n = (int) Unsigned.min(len - done, CHUNK);
            store(phys + done, n == pattern.length ? pattern : Arrays.copyOf(pattern, n), "memset");
            done += n;
        }
    }

    /** {@code arch_sync_dma_for_device}: clean the cacheable part of the range. */
    void clean(long phys, long size, String who) {
        if (cache != null && checkSyncRange(phys, size, who)) {
            touchLines(phys, size, who);
            cache.clean(phys, size);
        }
    }

    /** {@code arch_sync_dma_for_cpu}: invalidate the cacheable part of the range. */
    void invalidate(long phys, long size, String who) {
        if (cache != null && checkSyncRange(phys, size, who)) {
            touchLines(phys, size, who);
            cache.invalidate(phys, size);
        }
    }

    /** A device read of {@code [phys, phys+len)}, known to lie in one region. */
    void deviceRead(long phys, byte[] dst, int off, int len, boolean coherent) {
        if (cache != null && coherent && regionOf(phys).kind().cacheable()) {
            cache.snoopRead(phys, dst, off, len);
        } else {
            memory.read(phys, dst, off, len);
        }
    }

    /** A device write of {@code [phys, phys+len)}, known to lie in one region. */
    void deviceWrite(long phys, byte[] src, int off, int len, boolean coherent) {
        touched.memory(phys, len, "device write");
        if (cache != null && coherent && regionOf(phys).kind().cacheable()) {
            cache.coherentWrite(phys, src, off, len);
        } else {
            memory.write(phys, src, off, len);
        }
    }

    /**
     * Pages handed out for a coherent allocation: zeroed in memory, with no cache line over them, and
     * mapped uncached for the CPU until {@link #releaseUncached} ({@code arch_dma_prep_coherent} plus
     * the uncached remap of {@code dma_direct_alloc}).
     */
    void zeroUncached(long phys, long size) {
        touched.memory(phys, size, "zeroed coherent pages");
        if (cache != null) {
            cache.discard(phys, size);
        }
        memory.fill(phys, size, (byte) 0);
        uncached.put(phys, phys + size - 1);
    }

    void releaseUncached(long phys) {
        Long last = uncached.remove(phys);
        if (last != null) {
            touched.memory(phys, last - phys + 1, "freed coherent pages");
        }
    }

    /** Records the whole cache lines over {@code [phys, phys+size)} (a clean or invalidate moves lines). */
    private void touchLines(long phys, long size, String who) {
        long line = cache.lineSize();
        long start = Unsigned.alignDown(phys, line);
        long end = Unsigned.alignUp(phys + size, line);
        touched.memory(start, end - start, who); // end wraps to 0 at 2^64: still the length
    }

    private boolean isUncached(long phys) {
        Map.Entry<Long, Long> e = uncached.floorEntry(phys);
        return e != null && Unsigned.le(phys, e.getValue());
    }

    private boolean checkSyncRange(long phys, long size, String who) {
        if (size == 0) {
            return false;
        }
        if (!Unsigned.fits(phys, size) || regionOf(phys) == null) {
            log.accept(who + ": " + Unsigned.hex(phys) + "+" + Unsigned.hex(size) + " is not memory; ignored");
            return false;
        }
        return true;
    }

    private interface ChunkAction {
        void apply(long phys, int off, int n, boolean cached);
    }

    /** Splits a CPU access at region and frame boundaries; every byte must be in a region. */
    private void forEachCpuChunk(long phys, int len, String what, ChunkAction action) {
        if (len < 0) {
            throw new IllegalArgumentException(what + " of negative length " + len);
        }
        if (len == 0) {
            return;
        }
        if (!Unsigned.fits(phys, len)) {
            throw new IllegalArgumentException(what + " at " + Unsigned.hex(phys) + " of " + len + " bytes wraps past 2^64");
        }
        int off = 0;
        while (off < len) {
            long a = phys + off;
            MemoryRegion r = regionOf(a);
            if (r == null) {
                throw new IllegalArgumentException(what + " at " + Unsigned.hex(a) + ": address is in no memory region");
            }
            long frameLeft = PhysicalMemory.FRAME_SIZE - (a & (PhysicalMemory.FRAME_SIZE - 1));
            int n = (int) Unsigned.min(Unsigned.min(len - off, frameLeft), r.last() - a + 1);
            action.apply(a, off, n, cache != null && r.kind().cacheable() && !isUncached(a));
            off += n;
        }
    }
}
