package org.dmacheck.gen;

import java.util.function.Function;

/**
 * Recursive structures of bounded depth. Every node, leaf or branch, is a span with the same label,
 * so the shrinker can replace a node with one of its descendants.
 *
 * <p>Encoding per node: one choice, 0 = leaf and 1 = branch (at the depth limit, where only leaves
 * are allowed, a forced 0 is recorded), followed by the leaf's or the branch's choices. The encoding
 * of a node thus does not depend on its depth, and a sub-tree's choices decode to the same sub-tree
 * wherever the shrinker moves them.
 */
final class Recursive<T> implements Gen<T> {

    private final Level<T> top;
    private final Gen<? extends T> leaf;
    private final int maxDepth;

    Recursive(Gen<? extends T> leaf, Function<Gen<T>, Gen<? extends T>> branch, int maxDepth) {
        if (maxDepth < 0) {
            throw new IllegalArgumentException("maxDepth must be >= 0: " + maxDepth);
        }
        Level<T> level = new Level<T>(this, leaf, null);
        for (int depth = 1; depth <= maxDepth; depth++) {
            level = new Level<>(this, leaf, branch.apply(level));
        }
        this.top = level;
        this.leaf = leaf;
        this.maxDepth = maxDepth;
    }

    @Override
    public T generate(ChoiceStream in) {
        return top.generate(in);
    }

    @Override
    public String describe() {
        return "recursive(" + leaf.describe() + ", depth " + maxDepth + ")";
    }

    @Override
    public String toString() {
        return describe();
    }

    /** The nodes allowed at one remaining depth; {@code branch == null} at the depth limit. */
    private static final class Level<T> implements Gen<T>, SpanLabelled {

        private final Object label;
        private final Gen<? extends T> leaf;
        private final Gen<? extends T> branch;

        Level(Object label, Gen<? extends T> leaf, Gen<? extends T> branch) {
            this.label = label;
            this.leaf = leaf;
            this.branch = branch;
        }

        @Override
        public T generate(ChoiceStream in) {
            boolean branching = branch == null ? in.drawForced(0) == 1 : in.drawBoolean(0.5);
            return branching ? branch.generate(in) : leaf.generate(in);
        }

        @Override
        public Object spanLabel() {
            return label;
        }
    }
}
