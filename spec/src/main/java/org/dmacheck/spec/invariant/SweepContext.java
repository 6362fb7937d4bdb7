package org.dmacheck.spec.invariant;

import org.dmacheck.spec.model.Ledger;
import org.dmacheck.spec.platform.Platform;

/** The live state for a full sweep: the ledger after the last step, and the platform. */
public record SweepContext(long step, Ledger ledger, Platform platform) {
}
