package org.dmacheck.impl.swiotlb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The bit-set search against a literal transcription of Linux's scan (one slot at a time from the
 * area cursor, wrapping once, first acceptable run wins), over a fixed pseudo-random sequence of
 * allocations and releases with mixed sizes, alignments and boundaries.
 */
class SlotPoolDifferentialTest {
    /** Linux's {@code swiotlb_search_pool_area} as a per-slot scan over a used[] array. */
    private static final class ScanPool {
        final boolean[] used;
        final int nareas;
        final int areaNslabs;
        final int[] cursor;
        final int[] areaUsed;

        ScanPool(int nslabs, int nareas) {
            this.used = new boolean[nslabs];
            this.nareas = nareas;
            this.areaNslabs = nslabs / nareas;
            this.cursor = new int[nareas];
            this.areaUsed = new int[nareas];
        }

        int allocate(int nslots, long period, long residue, long shift, long boundary) {
            for (int a = 0; a < nareas; a++) {
                if (nslots > areaNslabs - areaUsed[a]) {
                    continue;
                }
                int base = a * areaNslabs;
                for (int k = 0; k < areaNslabs; k++) {
                    int rel = (cursor[a] + k) % areaNslabs;
                    int s = base + rel;
                    if (Math.floorMod(s - residue, period) != 0 || !fits(s, nslots, base + areaNslabs)) {
                        continue;
                    }
                    if (((shift + s) & (boundary - 1)) + nslots > boundary) {
                        continue;
                    }
                    for (int i = s; i < s + nslots; i++) {
                        used[i] = true;
                    }
                    cursor[a] = rel + nslots >= areaNslabs ? 0 : rel + nslots;
                    areaUsed[a] += nslots;
                    return s;
                }
            }
            return -1;
        }

        boolean fits(int s, int n, int areaEnd) {
            if (s + n > areaEnd || s / 128 != (s + n - 1) / 128) {
                return false;
            }
            for (int i = s; i < s + n; i++) {
                if (used[i]) {
                    return false;
                }
            }
            return true;
        }

        void release(int s, int n) {
            for (int i = s; i < s + n; i++) {
                used[i] = false;
            }
            areaUsed[s / areaNslabs] -= n;
        }
    }

    @ParameterizedTest
    @CsvSource({"1024, 1, 1", "4096, 4, 2", "2048, 2, 3"})
    void sameChoicesAsTheSlotByslotScan(int nslabs, int nareas, long seed) {
        SlotPool fast = new SlotPool(nslabs, nareas);
        ScanPool scan = new ScanPool(nslabs, nareas);
        SplittableRandom rnd = new SplittableRandom(seed);
        List<int[]> live = new ArrayList<>();
        long[] periods = {1, 1, 2, 4, 32, 256};
        long[] boundaries = {1L << 53, 1L << 53, 32, 64};
        for (int step = 0; step < 2500; step++) {
            if (!live.isEmpty() && rnd.nextInt(5) < 2) {
                int[] a = live.remove(rnd.nextInt(live.size()));
                fast.release(a[0], a[1]);
                scan.release(a[0], a[1]);
                continue;
            }
            int nslots = rnd.nextInt(8) == 0 ? 1 + rnd.nextInt(128) : 1 + rnd.nextInt(8);
            long period = periods[rnd.nextInt(periods.length)];
            long residue = rnd.nextLong(period);
            long boundary = boundaries[rnd.nextInt(boundaries.length)];
            long shift = rnd.nextInt(4) == 0 ? rnd.nextInt(64) : 0;
            int got = fast.allocate(nslots, period, residue, shift, boundary);
            int want = scan.allocate(nslots, period, residue, shift, boundary);
            assertThat(got).as("step %d: %d slots, period %d residue %d boundary %d shift %d",
                    step, nslots, period, residue, boundary, shift).isEqualTo(want);
            if (got >= 0) {
                live.add(new int[] {got, nslots});
            }
        }
        long used = live.stream().mapToLong(a -> a[1]).sum();
        assertThat(fast.used()).isEqualTo(used);
    }
}
