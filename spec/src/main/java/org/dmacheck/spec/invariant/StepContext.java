package org.dmacheck.spec.invariant;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.dmacheck.spec.api.DmaEngine;
import org.dmacheck.spec.driver.Executed;
import org.dmacheck.spec.driver.OpResult;
import org.dmacheck.spec.model.Ledger;
import org.dmacheck.spec.model.LedgerChange;
import org.dmacheck.spec.op.Op;
import org.dmacheck.spec.platform.DeviceId;
import org.dmacheck.spec.platform.Platform;
import org.dmacheck.spec.platform.Resolution;
import org.dmacheck.spec.platform.Touched;

/**
 * Everything an invariant may look at after one step: the step, what it changed in the ledger, the
 * ledger after it, resources before and after, and the platform (probed through {@link #resolve},
 * which is side-effect free and memoised per step).
 */
public final class StepContext {
    private final Executed executed;
    private final LedgerChange change;
    private final Ledger ledger;
    private final Platform platform;
    private final DmaEngine engine;
    private final Usage before;
    private final Usage after;
    private final int faultsBefore;
    private final Map<Probe, Resolution> probes = new HashMap<>();

    private record Probe(DeviceId dev, long addr, boolean write) {
    }

    public StepContext(Executed executed, LedgerChange change, Ledger ledger, Platform platform, DmaEngine engine,
                       Usage before, Usage after, int faultsBefore) {
        this.executed = Objects.requireNonNull(executed, "executed");
        this.change = Objects.requireNonNull(change, "change");
        this.ledger = ledger;
        this.platform = platform;
        this.engine = engine;
        this.before = before;
        this.after = after;
        this.faultsBefore = faultsBefore;
    }

    public Executed executed() {
        return executed;
    }

    public long step() {
        return executed.step();
    }

    public Op op() {
        return executed.op();
    }

    public OpResult result() {
        return executed.result();
    }

    /** Whether the step broke the driver contract (misuse mode); see {@link Executed#misuse()}. */
    public boolean misuse() {
        return executed.isMisuse();
    }

    public LedgerChange change() {
        return change;
    }

    public Ledger ledger() {
        return ledger;
    }

    public Platform platform() {
        return platform;
    }

    public DmaEngine engine() {
        return engine;
    }

    public Usage before() {
        return before;
    }

    public Usage after() {
        return after;
    }

    /** How many device faults the platform had recorded before this step. */
    public int faultsBefore() {
        return faultsBefore;
    }

    /**
     * What the step changed in the hardware ({@link Platform#touched}, which the {@link Checker}
     * clears as the step starts): memory ranges, and IOVA ranges per IOMMU domain.
     */
    public Touched touched() {
        return platform.touched();
    }

    /** {@link Platform#resolve}, memoised for this step. */
    public Resolution resolve(DeviceId dev, long addr, boolean write) {
        return probes.computeIfAbsent(new Probe(dev, addr, write), p -> platform.resolve(p.dev(), p.addr(), p.write()));
    }
}
