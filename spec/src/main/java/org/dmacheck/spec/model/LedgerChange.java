package org.dmacheck.spec.model;

import java.util.List;

/**
 * What one step did to the ledger: mappings it created, released (correctly), changed (a two-step
 * state's links) or abandoned (a misused call touched them, so the engine may or may not hold them).
 */
public record LedgerChange(List<Mapping> created, List<Mapping> released, List<Update> updated,
                           List<Mapping> abandoned) {
    public LedgerChange {
        created = List.copyOf(created);
        released = List.copyOf(released);
        updated = List.copyOf(updated);
        abandoned = List.copyOf(abandoned);
    }

    /** A mapping's value before and after the step. */
    public record Update(Mapping before, Mapping after) {
    }

    public boolean isEmpty() {
        return created.isEmpty() && released.isEmpty() && updated.isEmpty() && abandoned.isEmpty();
    }
}
