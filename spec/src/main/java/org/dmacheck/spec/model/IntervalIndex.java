package org.dmacheck.spec.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Inclusive unsigned 64-bit intervals {@code [start, last]} with values, overlaps allowed: a treap
 * ordered by start and augmented with the subtree's largest {@code last}, so adding, removing and
 * finding the intervals that overlap a range cost O(log n + answers). Used for CPU ranges of live
 * mappings, which may legitimately overlap (the same buffer mapped twice).
 */
public final class IntervalIndex<V> {
    /** One stored interval; keep it to remove the interval later. */
    public static final class Entry<V> {
        private final long start;
        private final long last;
        private final V value;
        private final long seq;
        private final int prio;
        private long maxLast;
        private Entry<V> left;
        private Entry<V> right;

        private Entry(long start, long last, V value, long seq, int prio) {
            this.start = start;
            this.last = last;
            this.value = value;
            this.seq = seq;
            this.prio = prio;
            this.maxLast = last;
        }

        public long start() {
            return start;
        }

        public long last() {
            return last;
        }

        public V value() {
            return value;
        }
    }

    private final Random prios = new Random(0x5eed);
    private Entry<V> root;
    private long seq;
    private int size;

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Adds {@code [start, last]} (inclusive, unsigned, {@code start <= last}). */
    public Entry<V> add(long start, long last, V value) {
        if (Long.compareUnsigned(last, start) < 0) {
            throw new IllegalArgumentException("interval ends before it starts: " + Long.toHexString(start)
                    + "-" + Long.toHexString(last));
        }
        Entry<V> e = new Entry<>(start, last, value, seq++, prios.nextInt());
        root = insert(root, e);
        size++;
        return e;
    }

    /** Removes an entry returned by {@link #add}; false when it is not stored. */
    public boolean remove(Entry<V> e) {
        int before = size;
        root = delete(root, e);
        return size < before;
    }

    /** Every stored interval that shares a byte with {@code [start, last]}, in start order. */
    public List<Entry<V>> overlapping(long start, long last) {
        List<Entry<V>> out = new ArrayList<>();
        collect(root, start, last, out);
        return out;
    }

    private void collect(Entry<V> n, long start, long last, List<Entry<V>> out) {
        if (n == null || Long.compareUnsigned(n.maxLast, start) < 0) {
            return;
        }
        collect(n.left, start, last, out);
        if (Long.compareUnsigned(n.start, last) <= 0) {
            if (Long.compareUnsigned(n.last, start) >= 0) {
                out.add(n);
            }
            collect(n.right, start, last, out);
        }
    }

    private static int compare(Entry<?> a, Entry<?> b) {
        int c = Long.compareUnsigned(a.start, b.start);
        if (c == 0) {
            c = Long.compareUnsigned(a.last, b.last);
        }
        return c != 0 ? c : Long.compare(a.seq, b.seq);
    }

    private Entry<V> insert(Entry<V> n, Entry<V> e) {
        if (n == null) {
            return e;
        }
        if (compare(e, n) < 0) {
            n.left = insert(n.left, e);
            if (n.left.prio > n.prio) {
                n = rotateRight(n);
            }
        } else {
            n.right = insert(n.right, e);
            if (n.right.prio > n.prio) {
                n = rotateLeft(n);
            }
        }
        update(n);
        return n;
    }

    private Entry<V> delete(Entry<V> n, Entry<V> e) {
        if (n == null) {
            return null;
        }
        int c = compare(e, n);
        if (c < 0) {
            n.left = delete(n.left, e);
        } else if (c > 0) {
            n.right = delete(n.right, e);
        } else if (n != e) {
            return n;
        } else {
            size--;
            return merge(n.left, n.right);
        }
        update(n);
        return n;
    }

    private Entry<V> merge(Entry<V> a, Entry<V> b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        if (a.prio > b.prio) {
            a.right = merge(a.right, b);
            update(a);
            return a;
        }
        b.left = merge(a, b.left);
        update(b);
        return b;
    }

    private Entry<V> rotateRight(Entry<V> n) {
        Entry<V> l = n.left;
        n.left = l.right;
        l.right = n;
        update(n);
        update(l);
        return l;
    }

    private Entry<V> rotateLeft(Entry<V> n) {
        Entry<V> r = n.right;
        n.right = r.left;
        r.left = n;
        update(n);
        update(r);
        return r;
    }

    private static <V> void update(Entry<V> n) {
        long m = n.last;
        if (n.left != null && Long.compareUnsigned(n.left.maxLast, m) > 0) {
            m = n.left.maxLast;
        }
        if (n.right != null && Long.compareUnsigned(n.right.maxLast, m) > 0) {
            m = n.right.maxLast;
        }
        n.maxLast = m;
    }
}
