package org.dmacheck.prop;

import java.util.Collection;
import org.dmacheck.gen.dma.DmaModelState;
import org.dmacheck.spec.driver.Binding;
import org.dmacheck.spec.driver.Executed;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.Platform;

/** A {@link CaseRun} as the DMA generators see it: each drawn step runs and is judged at once. */
record CaseTarget(CaseRun run) implements DmaModelState {
    @Override
    public Platform platform() {
        return run.platform();
    }

    @Override
    public Collection<Binding> bindings() {
        return run.bindings();
    }

    @Override
    public Executed execute(Op op) {
        return run.step(op);
    }

    @Override
    public boolean halted() {
        return run.halted();
    }
}
