package org.dmacheck.impl.direct;

import org.dmacheck.spec.platform.Unsigned;

/**
 * The live streaming mappings of one device on the direct path, like dma-debug's hash: dma-direct
 * itself keeps no state, but the reference engine must tell a genuine unmap or sync from one of an
 * address that was never mapped (which it refuses, so misuse cannot touch other memory).
 *
 * <p>A treap ordered by (DMA address, insertion number), each node carrying the node of greatest
 * last byte in its subtree, so "is {@code [a, b]} inside some live mapping" costs O(log n) even
 * with overlapping mappings. Priorities come from a fixed mix of the insertion number, so the shape
 * is deterministic.
 */
final class LiveMappings {
    /** One live mapping: {@code [dma, dma+size)} reaches {@code phys} (the bounce slot if bounced). */
    record Mapping(long dma, long size, long phys, boolean mmio, boolean bounced) {
        long last() {
            return dma + size - 1;
        }

        boolean covers(long addr, long len) {
            return Unsigned.within(addr, dma, last()) && Unsigned.le(addr + len - 1, last())
                    && Unsigned.le(addr, addr + len - 1);
        }
    }

    private static final class Node {
        final Mapping m;
        final long seq;
        final long priority;
        Node left;
        Node right;
        Node maxLast;

        Node(Mapping m, long seq) {
            this.m = m;
            this.seq = seq;
            this.priority = mix(seq);
            this.maxLast = this;
        }
    }

    private Node root;
    private long nextSeq;
    private int size;

    int size() {
        return size;
    }

    void add(Mapping m) {
        root = insert(root, new Node(m, nextSeq++));
        size++;
    }

    /**
     * The live mapping starting at {@code dma}, preferring one of exactly {@code size} bytes; null
     * when none starts there.
     */
    Mapping findStart(long dma, long size) {
        Mapping any = null;
        for (Node n = ceiling(dma); n != null && n.m.dma == dma; n = successor(n)) {
            if (n.m.size == size) {
                return n.m;
            }
            if (any == null) {
                any = n.m;
            }
        }
        return any;
    }

    /** A live mapping holding every byte of {@code [addr, addr+len)}, or null. */
    Mapping covering(long addr, long len) {
        Node best = null;
        Node n = root;
        // the node of greatest last byte among those starting at or below addr
        while (n != null) {
            if (Unsigned.le(n.m.dma, addr)) {
                best = later(best, n.left == null ? null : n.left.maxLast);
                best = later(best, n);
                n = n.right;
            } else {
                n = n.left;
            }
        }
        return best != null && best.m.covers(addr, len) ? best.m : null;
    }

    /** Removes exactly this mapping (one instance of it). */
    void remove(Mapping m) {
        for (Node n = ceiling(m.dma); n != null && n.m.dma == m.dma; n = successor(n)) {
            if (n.m == m) {
                root = delete(root, n.m.dma, n.seq);
                size--;
                return;
            }
        }
    }

    private static Node later(Node a, Node b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return Unsigned.lt(a.m.last(), b.m.last()) ? b : a;
    }

    private static int compare(long dmaA, long seqA, long dmaB, long seqB) {
        int c = Long.compareUnsigned(dmaA, dmaB);
        return c != 0 ? c : Long.compare(seqA, seqB);
    }

    private static void update(Node n) {
        Node best = n;
        if (n.left != null) {
            best = later(best, n.left.maxLast);
        }
        if (n.right != null) {
            best = later(best, n.right.maxLast);
        }
        n.maxLast = best;
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

    private static Node insert(Node t, Node x) {
        if (t == null) {
            return x;
        }
        if (compare(x.m.dma, x.seq, t.m.dma, t.seq) < 0) {
            t.left = insert(t.left, x);
            if (t.left.priority > t.priority) {
                t = rotateRight(t);
            }
        } else {
            t.right = insert(t.right, x);
            if (t.right.priority > t.priority) {
                t = rotateLeft(t);
            }
        }
        update(t);
        return t;
    }

    private static Node delete(Node t, long dma, long seq) {
        if (t == null) {
            return null;
        }
        int c = compare(dma, seq, t.m.dma, t.seq);
        if (c < 0) {
            t.left = delete(t.left, dma, seq);
        } else if (c > 0) {
            t.right = delete(t.right, dma, seq);
        } else {
            if (t.left == null) {
                return t.right;
            }
            if (t.right == null) {
                return t.left;
            }
            if (t.left.priority > t.right.priority) {
                t = rotateRight(t);
                t.right = delete(t.right, dma, seq);
            } else {
                t = rotateLeft(t);
                t.left = delete(t.left, dma, seq);
            }
        }
        update(t);
        return t;
    }

    /** The first node with DMA address {@code >= dma}. */
    private Node ceiling(long dma) {
        Node best = null;
        for (Node n = root; n != null; ) {
            if (Unsigned.le(dma, n.m.dma)) {
                best = n;
                n = n.left;
            } else {
                n = n.right;
            }
        }
        return best;
    }

    /** The in-order successor of {@code x}, found from the root (nodes keep no parent links). */
    private Node successor(Node x) {
        Node best = null;
        for (Node n = root; n != null; ) {
            if (compare(x.m.dma, x.seq, n.m.dma, n.seq) < 0) {
                best = n;
                n = n.left;
            } else {
                n = n.right;
            }
        }
        return best;
    }

    /** SplitMix64 finaliser: a fixed, well-spread priority for each insertion number. */
    private static long mix(long x) {
        long z = x + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
