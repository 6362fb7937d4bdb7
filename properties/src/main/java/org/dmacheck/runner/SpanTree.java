package org.dmacheck.runner;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.dmacheck.gen.Span;

/** Navigation over the spans of one choice record (pre-order list with parent links). */
final class SpanTree {

    private final List<Span> spans;
    private final int[] nextSibling;
    private final int[] previousSibling;
    private final int[] subtreeEnd;
    private final int[] restEnd;

    SpanTree(List<Span> spans, int length) {
        this.spans = spans;
        int n = spans.size();
        nextSibling = new int[n];
        previousSibling = new int[n];
        Arrays.fill(nextSibling, -1);
        Arrays.fill(previousSibling, -1);
        int[] lastChild = new int[n + 1];
        Arrays.fill(lastChild, -1);
        for (int i = 0; i < n; i++) {
            int slot = spans.get(i).parent() + 1;
            int previous = lastChild[slot];
            if (previous >= 0) {
                nextSibling[previous] = i;
                previousSibling[i] = previous;
            }
            lastChild[slot] = i;
        }
        subtreeEnd = new int[n];
        for (int i = n - 1; i >= 0; i--) {
            int end = i + 1;
            while (end < n && spans.get(end).depth() > spans.get(i).depth()) {
                end = subtreeEnd[end];
            }
            subtreeEnd[i] = end;
        }
        restEnd = new int[length];
        int[] restLength = new int[length];
        Arrays.fill(restLength, Integer.MAX_VALUE);
        for (int i = 0; i < length; i++) {
            restEnd[i] = i + 1;
        }
        for (Span span : spans) {
            for (int i = span.start(); i < Math.min(span.end(), length) - 1; i++) {
                if (span.length() < restLength[i]) {
                    restLength[i] = span.length();
                    restEnd[i] = span.end();
                }
            }
        }
    }

    /**
     * End of the innermost span that contains choice {@code position} and continues after it, or
     * {@code position + 1} if there is none.
     */
    int restOfSpan(int position) {
        return restEnd[position];
    }

    int size() {
        return spans.size();
    }

    Span span(int index) {
        return spans.get(index);
    }

    /** Indexes of the spans inside span {@code index}, in pre-order. */
    int descendantsFrom(int index) {
        return index + 1;
    }

    /** One past the last descendant of span {@code index}. */
    int descendantsTo(int index) {
        return subtreeEnd[index];
    }

    /** The next sibling if it starts where span {@code index} ends and has the same label, else -1. */
    int nextLike(int index) {
        int next = nextSibling[index];
        return next >= 0 && adjacentAlike(index, next) ? next : -1;
    }

    /** Whether span {@code index} is one of a run of adjacent same-label siblings (a collection element). */
    boolean isElement(int index) {
        int previous = previousSibling[index];
        return nextLike(index) >= 0 || previous >= 0 && adjacentAlike(previous, index);
    }

    /** Ends of the adjacent same-label siblings following span {@code index}, nearest first. */
    List<Integer> endsOfFollowingRun(int index) {
        List<Integer> ends = new ArrayList<>();
        for (int next = nextLike(index); next >= 0; next = nextLike(next)) {
            ends.add(spans.get(next).end());
        }
        return ends;
    }

    /** Start positions of index spans ({@link Span#isIndex()}) starting at or after {@code position}. */
    List<Integer> indexChoicesFrom(int position) {
        List<Integer> positions = new ArrayList<>();
        for (Span span : spans) {
            if (span.isIndex() && span.start() >= position && span.length() == 1) {
                positions.add(span.start());
            }
        }
        return positions;
    }

    /** Positions just before span {@code index} and before each of its ancestors, nearest first. */
    List<Integer> positionsBeforeAncestors(int index, int maxAncestors) {
        List<Integer> positions = new ArrayList<>();
        int current = index;
        for (int level = 0; current >= 0 && level <= maxAncestors; level++) {
            int before = spans.get(current).start() - 1;
            if (before >= 0 && !positions.contains(before)) {
                positions.add(before);
            }
            current = spans.get(current).parent();
        }
        return positions;
    }

    private boolean adjacentAlike(int first, int second) {
        Span a = spans.get(first);
        Span b = spans.get(second);
        return a.end() == b.start() && Objects.equals(a.label(), b.label());
    }
}
