package org.dmacheck.impl.iommu;

import java.util.SplittableRandom;

/**
 * One domain's IOVA space in granule frames ({@code struct iova_domain}, {@code drivers/iommu/iova.c}).
 *
 * <p>Like iova.c it keeps every occupied range — allocated, waiting in a flush queue, or reserved —
 * as a node of a balanced search tree ordered by {@code pfn_lo}, with an anchor node above the top of
 * the space. Allocation is top-down and size-aligned like {@code alloc_iova(..., size_aligned=true)}:
 * the result is the <em>highest</em> start frame {@code p} with {@code p} a multiple of
 * {@code roundup_pow_of_two(size)}, {@code p >= start_pfn}, {@code p + size - 1 <= limit_pfn}, and
 * {@code [p, p + size)} free. (iova.c approximates that with a cached-node walk; the placement rules
 * it guarantees are the same.) There is no range cache, so a freed range is free at once and a
 * queued range stays occupied until its flush-queue entry is released.
 *
 * <p>Complexity. The tree is a treap (expected depth O(log n), n = occupied ranges) whose nodes carry
 * the free gap just below them and the largest such gap in their subtree. The search walks down in
 * descending address order and prunes every subtree whose largest gap is smaller than the request, so
 * it only inspects gaps that are large enough; an inspected gap fails only if it straddles the limit
 * or the start frame (at most two such gaps) or if it is shorter than {@code size + align - 1} and
 * holds no aligned start. Alloc is therefore O((2 + m) log n) where m counts those rare misaligned
 * near-fits above the result, O(log n) when there are none; free, reserve and lookup are O(log n).
 *
 * <p>Frame numbers are non-negative longs: the granule is at least 4 bytes, so a 64-bit address
 * space has at most 2^62 frames.
 */
final class IovaAllocator {
    /** A range occupying frames {@code [lo, hi]}. */
    private static final class Node {
        final long lo;
        final long hi;
        final boolean reserved;
        final int priority;
        /** First free frame below this node: predecessor's {@code hi + 1}, or 0 for the first node. */
        long gapLo;
        /** Largest {@code lo - gapLo} in this subtree. */
        long maxGap;
        Node left;
        Node right;

        Node(long lo, long hi, boolean reserved, int priority) {
            this.lo = lo;
            this.hi = hi;
            this.reserved = reserved;
            this.priority = priority;
        }

        long gap() {
            return lo - gapLo;
        }
    }

    /** What a lookup by frame finds. */
    record Range(long pfnLo, long pfnHi, boolean reserved) {
        long pages() {
            return pfnHi - pfnLo + 1;
        }
    }

    private final SplittableRandom priorities = new SplittableRandom(0x10fa_c0deL);
    private final long startPfn;
    private final long anchorPfn;
    private Node root;
    private long allocatedPages;

    /**
     * {@code init_iova_domain(iovad, granule, start_pfn)}.
     *
     * @param granuleShift log2 of the granule, at least 2
     * @param startPfn     the lowest frame ever handed out; at least 1 so frame 0 (IOVA 0) is never used
     */
    IovaAllocator(int granuleShift, long startPfn) {
        if (granuleShift < 2 || granuleShift > 62) {
            throw new IllegalArgumentException("IOVA granule shift " + granuleShift + " is outside 2..62");
        }
        if (startPfn < 1) {
            throw new IllegalArgumentException("IOVA start_pfn " + startPfn + " must be at least 1");
        }
        this.startPfn = startPfn;
        // IOVA_ANCHOR: one frame above the last frame of the 64-bit space.
        this.anchorPfn = (-1L >>> granuleShift) + 1;
        root = insert(root, newNode(anchorPfn, anchorPfn, true));
        fixGapBelow(anchorPfn);
    }

    /** Frames currently allocated (handed out or queued), reserved ranges excluded. */
    long allocatedPages() {
        return allocatedPages;
    }

    /**
     * {@code alloc_iova_fast(iovad, size, limit_pfn)} without a range cache: sizes below 32 frames are
     * rounded up to a power of two (so a later free of the same request frees the same order), then
     * {@code alloc_iova(size, limit_pfn, size_aligned=true)}.
     *
     * @return the first frame, or 0 when nothing fits
     */
    long allocFast(long pages, long limitPfn) {
        if (pages <= 0) {
            throw new IllegalArgumentException("IOVA allocation of " + pages + " frames");
        }
        long size = pages < 32 ? roundUpPowerOfTwo(pages) : pages;
        return alloc(size, limitPfn);
    }

    /**
     * {@code alloc_iova(iovad, size, limit_pfn, size_aligned=true)}: the highest free run of
     * {@code size} frames ending at or below {@code limitPfn} (inclusive) whose first frame is a
     * multiple of {@code roundup_pow_of_two(size)}.
     *
     * @return the first frame, or 0 when nothing fits
     */
    long alloc(long size, long limitPfn) {
        if (size <= 0 || size >= anchorPfn) {
            return 0;
        }
        long high = Math.min(limitPfn, anchorPfn - 1);
        if (high < startPfn || high - startPfn + 1 < size) {
            return 0;
        }
        long align = roundUpPowerOfTwo(size);
        long found = searchHighest(root, size, align, high);
        if (found < 0) {
            return 0;
        }
        long hi = found + size - 1;
        root = insert(root, newNode(found, hi, false));
        fixGapBelow(found);
        fixGapBelow(successorLo(hi));
        allocatedPages += size;
        return found;
    }

    /**
     * {@code reserve_iova(iovad, pfn_lo, pfn_hi)}: a permanent node. Overlapping or touching reserved
     * ranges are merged; a reservation may not overlap an allocated range.
     */
    void reserve(long pfnLo, long pfnHi) {
        if (pfnLo < 0 || pfnHi < pfnLo) {
            throw new IllegalArgumentException("reserve_iova: bad frame range " + pfnLo + ".." + pfnHi);
        }
        long lo = pfnLo;
        long hi = Math.min(pfnHi, anchorPfn - 1);
        if (hi < lo) {
            return;
        }
        // Merge with the reserved nodes that overlap [lo, hi] (reserve_iova extends an existing node).
        for (Node n = floor(hi); n != null && n.hi >= lo; n = floor(hi)) {
            if (!n.reserved) {
                throw new IllegalStateException("reserve_iova: frames " + lo + ".." + hi
                        + " overlap allocated frames " + n.lo + ".." + n.hi);
            }
            lo = Math.min(lo, n.lo);
            hi = Math.max(hi, n.hi);
            removeNode(n.lo);
        }
        root = insert(root, newNode(lo, hi, true));
        fixGapBelow(lo);
        fixGapBelow(successorLo(hi));
    }

    /** {@code find_iova}: the occupied range containing {@code pfn}, or null. */
    Range find(long pfn) {
        Node n = floor(pfn);
        if (n == null || n.hi < pfn || n.lo == anchorPfn) {
            return null;
        }
        return new Range(n.lo, n.hi, n.reserved);
    }

    /**
     * {@code free_iova(iovad, pfn)}: removes the allocated range containing {@code pfn}.
     *
     * @return the number of frames freed; 0 if no allocated range contains it (reserved ranges are
     *         never freed)
     */
    long free(long pfn) {
        Node n = floor(pfn);
        if (n == null || n.hi < pfn || n.reserved) {
            return 0;
        }
        long pages = n.hi - n.lo + 1;
        removeNode(n.lo);
        allocatedPages -= pages;
        return pages;
    }

    static long roundUpPowerOfTwo(long x) {
        return x <= 1 ? 1 : Long.highestOneBit(x - 1) << 1;
    }

    // ---- search -------------------------------------------------------------------------------

    /** Highest aligned start in gaps of this subtree that ends at or below {@code high}; -1 if none. */
    private long searchHighest(Node n, long size, long align, long high) {
        if (n == null || n.maxGap < size) {
            return -1;
        }
        // Every gap in the right subtree starts at or above n.hi + 1.
        if (n.hi < high) {
            long r = searchHighest(n.right, size, align, high);
            if (r >= 0) {
                return r;
            }
        }
        if (n.gap() >= size) {
            long top = Math.min(n.lo - 1, high);
            long bottom = Math.max(n.gapLo, startPfn);
            if (top >= bottom && top - bottom + 1 >= size) {
                long p = (top - size + 1) & -align;
                if (p >= bottom) {
                    return p;
                }
            }
        }
        // Every gap in the left subtree lies below n.gapLo.
        if (n.gapLo > startPfn) {
            return searchHighest(n.left, size, align, high);
        }
        return -1;
    }

    // ---- treap plumbing -----------------------------------------------------------------------

    private Node newNode(long lo, long hi, boolean reserved) {
        return new Node(lo, hi, reserved, priorities.nextInt());
    }

    private static void update(Node n) {
        long m = n.gap();
        if (n.left != null && n.left.maxGap > m) {
            m = n.left.maxGap;
        }
        if (n.right != null && n.right.maxGap > m) {
            m = n.right.maxGap;
        }
        n.maxGap = m;
    }

    private static Node rotateRight(Node n) {
        Node l = n.left;
        n.left = l.right;
        l.right = n;
        update(n);
        update(l);
        return l;
    }

    private static Node rotateLeft(Node n) {
        Node r = n.right;
        n.right = r.left;
        r.left = n;
        update(n);
        update(r);
        return r;
    }

    private static Node insert(Node n, Node x) {
        if (n == null) {
            update(x);
            return x;
        }
        if (x.lo < n.lo) {
            n.left = insert(n.left, x);
            if (n.left.priority > n.priority) {
                return rotateRight(n);
            }
        } else {
            n.right = insert(n.right, x);
            if (n.right.priority > n.priority) {
                return rotateLeft(n);
            }
        }
        update(n);
        return n;
    }

    private static Node delete(Node n, long lo) {
        if (n == null) {
            return null;
        }
        if (lo < n.lo) {
            n.left = delete(n.left, lo);
        } else if (lo > n.lo) {
            n.right = delete(n.right, lo);
        } else {
            if (n.left == null) {
                return n.right;
            }
            if (n.right == null) {
                return n.left;
            }
            if (n.left.priority > n.right.priority) {
                n = rotateRight(n);
                n.right = delete(n.right, lo);
            } else {
                n = rotateLeft(n);
                n.left = delete(n.left, lo);
            }
        }
        update(n);
        return n;
    }

    private void removeNode(long lo) {
        Node succ = ceiling(lo + 1);
        root = delete(root, lo);
        if (succ != null) {
            fixGapBelow(succ.lo);
        }
    }

    /** Recomputes {@code gapLo} of the node starting at {@code lo} and the augmentation on its path. */
    private void fixGapBelow(long lo) {
        Node pred = floor(lo - 1);
        long gapLo = pred == null ? 0 : pred.hi + 1;
        setGapLo(root, lo, gapLo);
    }

    private static void setGapLo(Node n, long lo, long gapLo) {
        if (n == null) {
            return;
        }
        if (lo < n.lo) {
            setGapLo(n.left, lo, gapLo);
        } else if (lo > n.lo) {
            setGapLo(n.right, lo, gapLo);
        } else {
            n.gapLo = gapLo;
        }
        update(n);
    }

    private long successorLo(long pfn) {
        Node s = ceiling(pfn + 1);
        return s == null ? anchorPfn : s.lo;
    }

    /** The node with the greatest {@code lo <= key}. */
    private Node floor(long key) {
        Node n = root;
        Node best = null;
        while (n != null) {
            if (n.lo <= key) {
                best = n;
                n = n.right;
            } else {
                n = n.left;
            }
        }
        return best;
    }

    /** The node with the least {@code lo >= key}. */
    private Node ceiling(long key) {
        Node n = root;
        Node best = null;
        while (n != null) {
            if (n.lo >= key) {
                best = n;
                n = n.left;
            } else {
                n = n.right;
            }
        }
        return best;
    }
}
