/**
 * Broken rules as plain data — {@link org.dmacheck.spec.violation.Violation} and its bracketed
 * {@link org.dmacheck.spec.violation.Evidence} — and their dma-debug-style rendering
 * ({@link org.dmacheck.spec.violation.DmaDebugFormat}). Shared by the invariants and the contract
 * checks.
 */
package org.dmacheck.spec.violation;
