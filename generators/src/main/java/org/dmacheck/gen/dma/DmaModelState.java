package org.dmacheck.gen.dma;

import java.util.Collection;
import org.dmacheck.spec.driver.Binding;
import org.dmacheck.spec.driver.Driver;
import org.dmacheck.spec.driver.Executed;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.Platform;

/**
 * The seam between operation generation and execution: what the generator sees of the running
 * system while it generates. Generation interleaves with execution, so each step is chosen from
 * the state the previous steps actually produced (which mappings succeeded, what map_sg returned),
 * and a step that needs a live handle picks "the k-th live one" of the current state.
 *
 * <p>The harness implements it around the spec's {@link Driver}, adding whatever it checks after
 * each step (invariants, coverage); {@link #of(Driver)} is the plain adapter.
 */
public interface DmaModelState {
    /** The platform the sequence runs on; buffers are allocated from its {@code BufferAllocator}. */
    Platform platform();

    /** The live bindings, oldest first (as {@link Driver#bindings()}). */
    Collection<Binding> bindings();

    /** Executes {@code op} as the next step. */
    Executed execute(Op op);

    /**
     * Whether the sequence should end here (e.g. a property already failed): then no further step is
     * generated. Default: never.
     */
    default boolean halted() {
        return false;
    }

    /** The driver itself, executing every step and never halting. */
    static DmaModelState of(Driver driver) {
        return new DmaModelState() {
            @Override
            public Platform platform() {
                return driver.platform();
            }

            @Override
            public Collection<Binding> bindings() {
                return driver.bindings();
            }

            @Override
            public Executed execute(Op op) {
                return driver.execute(op);
            }
        };
    }
}
