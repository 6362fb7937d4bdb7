package org.dmacheck.spec.invariant;

import org.dmacheck.spec.model.Ledger;
import org.dmacheck.spec.platform.Platform;

/**
 * The end of a run: every handle released and time advanced past the flush-queue timeout.
 * {@code baseline} is the usage before the first step, {@code now} the usage at the end, and
 * {@code misused} whether any step misused a handle (then the engine may keep what it refused).
 */
public record TeardownContext(long step, Ledger ledger, Platform platform, Usage baseline, Usage now,
                              boolean misused) {
}
