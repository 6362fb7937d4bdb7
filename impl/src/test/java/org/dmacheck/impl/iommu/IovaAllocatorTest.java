package org.dmacheck.impl.iommu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** alloc_iova / free_iova / reserve_iova rules, frame numbers computed by hand (granule 4 KiB). */
class IovaAllocatorTest {
    /** DMA_BIT_MASK(32) >> 12: the last frame below 4 GiB. */
    private static final long PFN_4G_LAST = 0xF_FFFFL;

    @Test
    void allocatesTopDownBelowTheLimit() {
        IovaAllocator a = new IovaAllocator(12, 1);
        // Highest free frame at or below the limit.
        assertThat(a.allocFast(1, PFN_4G_LAST)).isEqualTo(0xF_FFFFL);
        assertThat(a.allocFast(1, PFN_4G_LAST)).isEqualTo(0xF_FFFEL);
        // 2 frames are 2-aligned: 0xFFFFE/0xFFFFF are taken, so [0xFFFFC, 0xFFFFD].
        assertThat(a.allocFast(2, PFN_4G_LAST)).isEqualTo(0xF_FFFCL);
        assertThat(a.allocatedPages()).isEqualTo(4);
    }

    @Test
    void smallSizesRoundToAPowerOfTwoAndEverySizeIsNaturallyAligned() {
        IovaAllocator a = new IovaAllocator(12, 1);
        // 3 frames < 32: rounded to 4, aligned to 4: (0xFFFFF - 4 + 1) & ~3 = 0xFFFFC.
        assertThat(a.allocFast(3, PFN_4G_LAST)).isEqualTo(0xF_FFFCL);
        assertThat(a.find(0xF_FFFFL)).isEqualTo(new IovaAllocator.Range(0xF_FFFCL, 0xF_FFFFL, false));
        // 33 frames >= 32: not rounded, but aligned to 64: (0xFFFFB - 33 + 1) & ~63 = 0xFFFDB & ~0x3F = 0xFFFC0.
        assertThat(a.allocFast(33, PFN_4G_LAST)).isEqualTo(0xF_FFC0L);
        assertThat(a.find(0xF_FFC0L)).isEqualTo(new IovaAllocator.Range(0xF_FFC0L, 0xF_FFE0L, false));
        assertThat(a.allocatedPages()).isEqualTo(4 + 33);
    }

    @Test
    void reservedFramesAreNeverHandedOutNorFreed() {
        IovaAllocator a = new IovaAllocator(12, 1);
        a.reserve(0xF_FFF0L, 0xF_FFFFL);
        a.reserve(0xF_FFE8L, 0xF_FFF3L); // overlaps: merged into [0xFFFE8, 0xFFFFF]
        assertThat(a.find(0xF_FFF0L)).isEqualTo(new IovaAllocator.Range(0xF_FFE8L, 0xF_FFFFL, true));
        assertThat(a.allocFast(1, PFN_4G_LAST)).isEqualTo(0xF_FFE7L);
        assertThat(a.free(0xF_FFF0L)).isZero();
        assertThat(a.allocatedPages()).isEqualTo(1);
    }

    @Test
    void frameZeroIsNeverUsed() {
        // start_pfn = 1, limit frame 3: frames 3, 2, 1, then nothing (frame 0 would mean "failed").
        IovaAllocator a = new IovaAllocator(12, 1);
        assertThat(a.allocFast(1, 3)).isEqualTo(3);
        assertThat(a.allocFast(1, 3)).isEqualTo(2);
        assertThat(a.allocFast(1, 3)).isEqualTo(1);
        assertThat(a.allocFast(1, 3)).isZero();
        assertThatThrownBy(() -> new IovaAllocator(12, 0)).hasMessageContaining("start_pfn 0");
    }

    @Test
    void example25OversizedRequestFailsAndNeverWrapsBelowStart() {
        // Domain at 0x1_F000_0000, 10 MiB: start_pfn 0x1F0000, limit 0x1F0000 + 2560 - 1 = 0x1F09FF.
        IovaAllocator a = new IovaAllocator(12, 0x1F_0000L);
        long limit = 0x1F_09FFL;
        assertThat(a.allocFast(2816, limit)).isZero(); // 11 MiB
        // 2560 frames align to 4096; 0x1F0000 is a multiple of 0x1000, so the whole domain fits.
        assertThat(a.allocFast(2560, limit)).isEqualTo(0x1F_0000L);
        assertThat(a.free(0x1F_0000L)).isEqualTo(2560);
        // Take the top frame; now 2560 frames no longer fit anywhere at or above start_pfn.
        assertThat(a.allocFast(1, limit)).isEqualTo(0x1F_09FFL);
        assertThat(a.allocFast(2560, limit)).isZero();
        assertThat(a.free(0x1F_09FFL)).isEqualTo(1);
        assertThat(a.allocFast(2560, limit)).isEqualTo(0x1F_0000L);
    }

    @Test
    void aFreedHoleIsReusedFirstWhenItIsHighest() {
        IovaAllocator a = new IovaAllocator(12, 1);
        long x = a.allocFast(1, PFN_4G_LAST);
        long y = a.allocFast(1, PFN_4G_LAST);
        long z = a.allocFast(1, PFN_4G_LAST);
        assertThat(List.of(x, y, z)).containsExactly(0xF_FFFFL, 0xF_FFFEL, 0xF_FFFDL);
        assertThat(a.free(y)).isEqualTo(1);
        assertThat(a.free(0x1234)).isZero();
        assertThat(a.allocFast(1, PFN_4G_LAST)).isEqualTo(y);
    }

    @Test
    void framesNearTheTopOfA64BitSpaceCompareUnsigned() {
        // 64 KiB granule: the last frame of the 64-bit space is 2^48 - 1.
        IovaAllocator a = new IovaAllocator(16, 1);
        long top = (-1L >>> 16);
        assertThat(a.allocFast(1, top)).isEqualTo(top);
        assertThat(a.allocFast(2, top)).isEqualTo(top - 3);
        // 2^46 frames align to 2^46: [3*2^46, 2^48) holds the taken frames, so the next slot down.
        assertThat(a.allocFast(1L << 46, top)).isEqualTo(1L << 47);
    }

    /**
     * Against a brute-force bitmap model of the same rule (highest naturally aligned free run at or
     * below the limit, at or above start_pfn): random allocations, frees and reservations.
     */
    @Test
    void agreesWithABruteForceModel() {
        SplittableRandom rnd = new SplittableRandom(42);
        for (int round = 0; round < 20; round++) {
            long start = 1 + rnd.nextInt(8);
            int space = 512;
            IovaAllocator a = new IovaAllocator(12, start);
            BitSet used = new BitSet();
            BitSet reservedBits = new BitSet();
            List<long[]> live = new ArrayList<>();
            for (int r = 0; r < 3; r++) {
                int lo = rnd.nextInt(space);
                int hi = Math.min(space - 1, lo + rnd.nextInt(20));
                if (used.get(lo, hi + 1).equals(reservedBits.get(lo, hi + 1))) {
                    a.reserve(lo, hi);
                    used.set(lo, hi + 1);
                    reservedBits.set(lo, hi + 1);
                }
            }
            for (int step = 0; step < 400; step++) {
                if (!live.isEmpty() && rnd.nextInt(3) == 0) {
                    long[] victim = live.remove(rnd.nextInt(live.size()));
                    assertThat(a.free(victim[0] + rnd.nextLong(victim[1]))).isEqualTo(victim[1]);
                    used.clear((int) victim[0], (int) (victim[0] + victim[1]));
                    continue;
                }
                long pages = 1 + rnd.nextInt(rnd.nextBoolean() ? 4 : 40);
                long limit = rnd.nextInt(space);
                long size = pages < 32 ? IovaAllocator.roundUpPowerOfTwo(pages) : pages;
                long expected = bruteForce(used, start, size, limit);
                long got = a.allocFast(pages, limit);
                assertThat(got).as("round %d step %d: %d frames below %d", round, step, pages, limit).isEqualTo(expected);
                if (got != 0) {
                    used.set((int) got, (int) (got + size));
                    live.add(new long[] {got, size});
                }
            }
            long expectedPages = live.stream().mapToLong(l -> l[1]).sum();
            assertThat(a.allocatedPages()).isEqualTo(expectedPages);
        }
    }

    private static long bruteForce(BitSet used, long start, long size, long limit) {
        long align = IovaAllocator.roundUpPowerOfTwo(size);
        if (limit + 1 < size) {
            return 0;
        }
        for (long p = (limit - size + 1) & -align; p >= start; p -= align) {
            int next = used.nextSetBit((int) p);
            if (next < 0 || next >= p + size) {
                return p;
            }
        }
        return 0;
    }
}
