package org.dmacheck.spec.platform;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sparse, byte-addressable physical memory: the bytes behind every region, with no cache in front.
 * Backing frames of {@link #FRAME_SIZE} bytes are created on the first non-zero write; an unbacked
 * frame reads as zeros. The region map answers {@code regionOf} in O(log n).
 */
final class PhysicalMemory {
    /** Size of one backing frame; independent of {@code PAGE_SIZE} so sparse use stays cheap. */
    static final int FRAME_SIZE = 4096;
    static final int FRAME_SHIFT = 12;

    private final TreeMap<Long, MemoryRegion> regions = new TreeMap<>(Long::compareUnsigned);
    private final Map<Long, byte[]> frames = new HashMap<>();

    PhysicalMemory(List<MemoryRegion> regionList) {
        for (MemoryRegion r : regionList) {
            regions.put(r.start(), r);
        }
    }

    /** The region containing {@code phys}, or null. */
    MemoryRegion regionOf(long phys) {
        Map.Entry<Long, MemoryRegion> e = regions.floorEntry(phys);
        return e != null && e.getValue().contains(phys) ? e.getValue() : null;
    }

    long backedFrames() {
        return frames.size();
    }

    void read(long phys, byte[] dst, int off, int len) {
        while (len > 0) {
            int inFrame = (int) (phys & (FRAME_SIZE - 1));
            int n = Math.min(len, FRAME_SIZE - inFrame);
            byte[] frame = frames.get(phys >>> FRAME_SHIFT);
            if (frame == null) {
                Arrays.fill(dst, off, off + n, (byte) 0);
            } else {
                System.arraycopy(frame, inFrame, dst, off, n);
            }
            phys += n;
            off += n;
            len -= n;
        }
    }

    void write(long phys, byte[] src, int off, int len) {
        while (len > 0) {
            int inFrame = (int) (phys & (FRAME_SIZE - 1));
            int n = Math.min(len, FRAME_SIZE - inFrame);
            byte[] frame = frames.get(phys >>> FRAME_SHIFT);
            if (frame == null && !allZero(src, off, n)) {
                frame = new byte[FRAME_SIZE];
                frames.put(phys >>> FRAME_SHIFT, frame);
            }
            if (frame != null) {
                System.arraycopy(src, off, frame, inFrame, n);
            }
            phys += n;
            off += n;
            len -= n;
        }
    }

    /** {@code memset} of {@code len} bytes; zero-filling a whole frame releases its backing. */
    void fill(long phys, long len, byte value) {
        while (len > 0) {
            int inFrame = (int) (phys & (FRAME_SIZE - 1));
            int n = (int) Math.min(len, FRAME_SIZE - inFrame);
            long key = phys >>> FRAME_SHIFT;
            byte[] frame = frames.get(key);
            if (value == 0 && n == FRAME_SIZE) {
                frames.remove(key);
            } else {
                if (frame == null && value != 0) {
                    frame = new byte[FRAME_SIZE];
                    frames.put(key, frame);
                }
                if (frame != null) {
                    Arrays.fill(frame, inFrame, inFrame + n, value);
                }
            }
            phys += n;
            len -= n;
        }
    }

    private static boolean allZero(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
