/**
 * The executor: {@link org.dmacheck.spec.driver.Driver} runs {@link org.dmacheck.spec.op.Op}s against
 * a {@link org.dmacheck.spec.api.DmaEngine} on a {@link org.dmacheck.spec.platform.Platform} the way a
 * kernel driver would, binding each handle to the live object its map returned
 * ({@link org.dmacheck.spec.driver.Binding}) and returning an {@link org.dmacheck.spec.driver.Executed}
 * step with a plain {@link org.dmacheck.spec.driver.OpResult}. Operations on dead handles are skipped,
 * so any subsequence of a valid sequence stays valid; engine exceptions become results; contract
 * breaches are flagged as misuse. Shared by the harness, trace replay and out-of-process validation.
 */
package org.dmacheck.spec.driver;
