package org.dmacheck.gen;

/** A function of four arguments, for {@link Gens#combine(Gen, Gen, Gen, Gen, Function4)}. */
@FunctionalInterface
public interface Function4<A, B, C, D, R> {

    /** Applies the function. */
    R apply(A a, B b, C c, D d);
}
