package org.dmacheck.spec.platform;

/** The result of {@code calc_map_type_and_dist}: how a client reaches a provider, and how far. */
public record P2pPath(P2pMapType type, int distance) {
}
