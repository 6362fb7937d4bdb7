package org.dmacheck.gen;

/** A function of three arguments, for {@link Gens#combine(Gen, Gen, Gen, Function3)}. */
@FunctionalInterface
public interface Function3<A, B, C, R> {

    /** Applies the function. */
    R apply(A a, B b, C c);
}
