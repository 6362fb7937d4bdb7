/**
 * Stateful sequences: {@link org.dmacheck.gen.stateful.Commands} generates sequences of steps from
 * {@link org.dmacheck.gen.stateful.Command commands} whose arguments depend on a model state run
 * forward during generation, so that every edit of the choices (in particular deleting earlier
 * steps) still decodes to a valid {@link org.dmacheck.gen.stateful.CommandSequence}. Executing a
 * sequence against a system and checking invariants after every step is the runner's job
 * ({@code org.dmacheck.runner.SequenceCheck}).
 */
package org.dmacheck.gen.stateful;
