package org.dmacheck.spec.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A write-back CPU data cache in front of {@link PhysicalMemory}, as a non-coherent DMA master sees
 * it (arm64-style). Lines are grouped in blocks of 64 so one {@code long} holds a block's valid bits
 * and one its dirty bits; a block exists only while it holds a valid line.
 *
 * <ul>
 *   <li>CPU read: a valid line answers, else the line is filled from memory (clean).</li>
 *   <li>CPU write: the line is filled if needed, written and marked dirty.</li>
 *   <li>{@link #clean}: dirty lines in the range are written back and stay valid
 *       ({@code arch_sync_dma_for_device}, {@code dcache_clean_poc}).</li>
 *   <li>{@link #invalidate}: lines wholly inside the range are dropped, dirty data discarded
 *       ({@code dcache_inval_poc}); a partial edge line is cleaned first, then dropped.</li>
 *   <li>A coherent master snoops ({@link #snoopRead}, {@link #coherentWrite}); a non-coherent one
 *       goes to memory and never sees the cache.</li>
 * </ul>
 */
final class CpuCache {
    private static final int LINES_PER_BLOCK = 64;

    private final PhysicalMemory memory;
    private final int lineSize;
    private final int lineShift;
    private final int blockShift;
    private final TreeMap<Long, Block> blocks = new TreeMap<>();

    private static final class Block {
        final byte[] data;
        long valid;
        long dirty;

        Block(int size) {
            data = new byte[size];
        }
    }

    CpuCache(PhysicalMemory memory, int lineSize) {
        this.memory = memory;
        this.lineSize = lineSize;
        this.lineShift = Integer.numberOfTrailingZeros(lineSize);
        this.blockShift = lineShift + 6;
    }

    int lineSize() {
        return lineSize;
    }

    /** Number of valid lines (for tests and reports). */
    long validLines() {
        long n = 0;
        for (Block b : blocks.values()) {
            n += Long.bitCount(b.valid);
        }
        return n;
    }

    /** Number of dirty lines. */
    long dirtyLines() {
        long n = 0;
        for (Block b : blocks.values()) {
            n += Long.bitCount(b.dirty);
        }
        return n;
    }

    void cpuRead(long phys, byte[] dst, int off, int len) {
        forEachBlockSpan(phys, len, true, (block, blockStart, mask, from, n) -> {
            fillMissing(block, blockStart, mask);
            System.arraycopy(block.data, (int) (from - blockStart), dst, off + (int) (from - phys), n);
        });
    }

    void cpuWrite(long phys, byte[] src, int off, int len) {
        long last = phys + len - 1;
        forEachBlockSpan(phys, len, true, (block, blockStart, mask, from, n) -> {
            fillMissing(block, blockStart, mask & partialLines(blockStart, phys, last));
            System.arraycopy(src, off + (int) (from - phys), block.data, (int) (from - blockStart), n);
            block.valid |= mask;
            block.dirty |= mask;
        });
    }

    /** Writes back dirty lines overlapping the range; they stay valid. */
    void clean(long phys, long size) {
        for (Map.Entry<Long, Block> e : blocksIn(phys, size)) {
            long blockStart = e.getKey() << blockShift;
            Block block = e.getValue();
            long mask = lineMask(blockStart, phys, phys + size - 1);
            writeBack(block, blockStart, block.dirty & mask);
            block.dirty &= ~mask;
        }
    }

    /** Drops lines inside the range; partial edge lines are cleaned first. */
    void invalidate(long phys, long size) {
        long last = phys + size - 1;
        for (Map.Entry<Long, Block> e : blocksIn(phys, size)) {
            long blockStart = e.getKey() << blockShift;
            Block block = e.getValue();
            long mask = lineMask(blockStart, phys, last);
            writeBack(block, blockStart, block.dirty & mask & partialLines(blockStart, phys, last));
            drop(e.getKey(), block, mask);
        }
    }

    /** Drops lines overlapping the range without writing anything back (fresh pages). */
    void discard(long phys, long size) {
        for (Map.Entry<Long, Block> e : blocksIn(phys, size)) {
            long blockStart = e.getKey() << blockShift;
            drop(e.getKey(), e.getValue(), lineMask(blockStart, phys, phys + size - 1));
        }
    }

    /** What a CPU load would return, without allocating lines: valid line data, else memory. */
    void peek(long phys, byte[] dst, int off, int len) {
        overlay(phys, dst, off, len, false);
    }

    /** A coherent master's read: dirty line data where the CPU holds it, memory elsewhere. */
    void snoopRead(long phys, byte[] dst, int off, int len) {
        overlay(phys, dst, off, len, true);
    }

    /** Memory, overlaid with the dirty (or all valid) lines over the range. */
    private void overlay(long phys, byte[] dst, int off, int len, boolean dirtyOnly) {
        memory.read(phys, dst, off, len);
        long last = phys + len - 1;
        for (Map.Entry<Long, Block> e : blocksIn(phys, len)) {
            long blockStart = e.getKey() << blockShift;
            Block block = e.getValue();
            long lines = (dirtyOnly ? block.dirty : block.valid) & lineMask(blockStart, phys, last);
            while (lines != 0) {
                int line = Long.numberOfTrailingZeros(lines);
                lines &= lines - 1;
                long lineStart = blockStart + ((long) line << lineShift);
                long from = Unsigned.max(lineStart, phys);
                long to = Unsigned.min(lineStart + lineSize - 1, last);
                System.arraycopy(block.data, (int) (from - blockStart), dst, off + (int) (from - phys),
                        (int) (to - from + 1));
            }
        }
    }

    /** A coherent master's write: overlapping dirty lines are written back and dropped, then memory is written. */
    void coherentWrite(long phys, byte[] src, int off, int len) {
        for (Map.Entry<Long, Block> e : blocksIn(phys, len)) {
            long blockStart = e.getKey() << blockShift;
            Block block = e.getValue();
            long mask = lineMask(blockStart, phys, phys + len - 1);
            writeBack(block, blockStart, block.dirty & mask);
            drop(e.getKey(), block, mask);
        }
        memory.write(phys, src, off, len);
    }

    private interface SpanAction {
        void apply(Block block, long blockStart, long lineMask, long from, int n);
    }

    /** Calls {@code action} once per block overlapping the range, creating blocks when asked. */
    private void forEachBlockSpan(long phys, int len, boolean create, SpanAction action) {
        long last = phys + len - 1;
        long from = phys;
        while (true) {
            long key = from >>> blockShift;
            long blockStart = key << blockShift;
            long blockLast = blockStart + (1L << blockShift) - 1;
            long to = Unsigned.min(blockLast, last);
            Block block = blocks.get(key);
            if (block == null && create) {
                block = new Block(1 << blockShift);
                blocks.put(key, block);
            }
            action.apply(block, blockStart, lineMask(blockStart, from, to), from, (int) (to - from + 1));
            if (to == last) {
                return;
            }
            from = to + 1;
        }
    }

    private List<Map.Entry<Long, Block>> blocksIn(long phys, long size) {
        long last = phys + size - 1;
        return new ArrayList<>(blocks.subMap(phys >>> blockShift, true, last >>> blockShift, true).entrySet());
    }

    /** The lines of the block at {@code blockStart} that overlap {@code [from, to]}. */
    private long lineMask(long blockStart, long from, long to) {
        long blockLast = blockStart + (1L << blockShift) - 1;
        int first = Unsigned.lt(from, blockStart) ? 0 : (int) ((from - blockStart) >>> lineShift);
        int lastLine = Unsigned.lt(blockLast, to) ? LINES_PER_BLOCK - 1 : (int) ((to - blockStart) >>> lineShift);
        return (-1L >>> (LINES_PER_BLOCK - 1 - lastLine)) & (-1L << first);
    }

    /** The (at most two) lines of this block only partly covered by {@code [from, last]}. */
    private long partialLines(long blockStart, long from, long last) {
        long key = blockStart >>> blockShift;
        long mask = 0;
        if ((from & (lineSize - 1)) != 0 && from >>> blockShift == key) {
            mask |= lineMask(blockStart, from, from);
        }
        if (((last + 1) & (lineSize - 1)) != 0 && last >>> blockShift == key) {
            mask |= lineMask(blockStart, last, last);
        }
        return mask;
    }

    private void fillMissing(Block block, long blockStart, long lines) {
        long missing = lines & ~block.valid;
        while (missing != 0) {
            int line = Long.numberOfTrailingZeros(missing);
            missing &= missing - 1;
            memory.read(blockStart + ((long) line << lineShift), block.data, line << lineShift, lineSize);
            block.valid |= 1L << line;
        }
    }

    private void writeBack(Block block, long blockStart, long lines) {
        while (lines != 0) {
            int line = Long.numberOfTrailingZeros(lines);
            lines &= lines - 1;
            memory.write(blockStart + ((long) line << lineShift), block.data, line << lineShift, lineSize);
        }
    }

    private void drop(long key, Block block, long mask) {
        block.valid &= ~mask;
        block.dirty &= ~mask;
        if (block.valid == 0) {
            blocks.remove(key);
        }
    }
}
