/**
 * THE single mirror of {@code kernel/dma/debug.c} (dma-debug) in dmacheck: every dma-debug-style
 * driver-contract check lives here, once; the trace checker and the harness feed it events and
 * never re-implement a check.
 *
 * <p>{@link org.dmacheck.spec.contract.DmaDebug} keeps dma-debug's books (one
 * {@link org.dmacheck.spec.contract.DebugEntry} per live mapping, sg segment or allocation, plus
 * the active-cacheline counts) and answers each {@link org.dmacheck.spec.contract.ContractEvent}
 * with plain {@link org.dmacheck.spec.contract.ContractViolation} records: the check's debug.c id
 * ({@link org.dmacheck.spec.contract.Check}: M5–M8, U1–U9, S1–S6, L1), its message in debug.c's
 * words, bracketed evidence and the caller's {@link org.dmacheck.spec.contract.Location} (a step
 * number or a trace line). Checking and rendering are separate: a violation is data, and
 * {@link org.dmacheck.spec.contract.ContractViolation#render()} prints it the way
 * {@code err_printk} would.
 *
 * <p>Inputs are independent of the driver and of ftrace. Device limits for the sg checks (max
 * segment size, segment boundary) come from an optional {@link org.dmacheck.spec.platform.DeviceConfig}
 * lookup; without one, M5 and M6 are not judged. {@link org.dmacheck.spec.contract.ExecutedFeed}
 * turns the harness's executed driver steps into events; the trace checker
 * ({@code org.dmacheck.trace.DebugFeed}) does the same for recorded kernel traces.
 *
 * <p>Not mirrored: M1–M4 (the address-space checks need a kernel virtual memory map), M9 (radix
 * tree allocation failure), the entry pool, the driver filter and the show-only-the-first-error
 * throttle (every violation is returned).
 */
package org.dmacheck.spec.contract;
