/**
 * Generation for the dmacheck property engine: choice streams and shrinkable generators. This
 * package knows nothing of DMA.
 *
 * <p>Every random decision a generator makes is a bounded unsigned integer drawn from a
 * {@link org.dmacheck.gen.ChoiceStream}: searching draws from a seeded Commons RNG source and records;
 * replaying reads a {@link org.dmacheck.gen.ChoiceSequence} and yields 0 past its end. Generators
 * ({@link org.dmacheck.gen.Gen}, factories in {@link org.dmacheck.gen.Gens}) are total, and map
 * smaller choices to simpler values, so shrinking can edit choice lists freely and exact replay is
 * just regeneration. Generators mark {@link org.dmacheck.gen.Span spans} (list elements,
 * alternatives, tree nodes, steps) that the shrinker deletes and rearranges as units.
 *
 * <p>See {@code docs/property-engine.md} for a tutorial.
 */
package org.dmacheck.gen;
