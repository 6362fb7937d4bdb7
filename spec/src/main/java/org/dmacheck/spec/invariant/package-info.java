/**
 * The law: the twelve invariants of ARCHITECTURE.md, one class each, checked incrementally after
 * every step by a {@link org.dmacheck.spec.invariant.Checker} (driver + ledger + an
 * {@link org.dmacheck.spec.invariant.InvariantSet}), with a full sweep and an end-state check at
 * teardown. Each failure is a {@link org.dmacheck.spec.violation.Violation} with exact evidence,
 * rendered in dma-debug's style. Invariants observe the platform only through side-effect-free
 * probes ({@code resolve}, {@code peekCpu}, {@code peekMemory}, page-table and IOTLB observation).
 */
package org.dmacheck.spec.invariant;
