package org.dmacheck.spec.platform;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The PCI tree of a platform: host bridges, root ports, switch ports and endpoints, and how a P2PDMA
 * client reaches a provider ({@link #p2pMapType}). Immutable; results are cached because the map type
 * is a pure function of the tree, as Linux caches it per provider.
 */
public final class PciTopology {
    /** Distance reported when either side is not a PCI function. */
    public static final int NO_DISTANCE = -1;

    private final Map<String, HostBridge> hostBridges = new LinkedHashMap<>();
    private final Map<String, PciNode> nodes = new LinkedHashMap<>();
    private final boolean cpuSupportsP2p;
    private final Map<List<String>, P2pPath> cache = new HashMap<>();

    /** Builds the tree; the lists must already be validated (known parents, no cycles). */
    PciTopology(List<HostBridge> hostBridges, List<PciNode> nodes, boolean cpuSupportsP2p) {
        for (HostBridge hb : hostBridges) {
            this.hostBridges.put(hb.id(), hb);
        }
        for (PciNode n : nodes) {
            this.nodes.put(n.bdf(), n);
        }
        this.cpuSupportsP2p = cpuSupportsP2p;
    }

    /** Whether {@code bdf} names a PCI function or port of this tree ({@code dev_is_pci}). */
    public boolean contains(String bdf) {
        return nodes.containsKey(bdf);
    }

    public Optional<PciNode> node(String bdf) {
        return Optional.ofNullable(nodes.get(bdf));
    }

    public List<PciNode> nodes() {
        return List.copyOf(nodes.values());
    }

    public List<HostBridge> hostBridges() {
        return List.copyOf(hostBridges.values());
    }

    /**
     * {@code pci_upstream_bridge(dev)}: the bridge above {@code bdf}, or empty for a node on a root
     * bus (its parent is a host bridge) and for an unknown name.
     */
    public Optional<PciNode> upstreamBridge(String bdf) {
        PciNode n = nodes.get(bdf);
        return n == null ? Optional.empty() : Optional.ofNullable(nodes.get(n.parent()));
    }

    /** {@code pci_find_host_bridge(dev->bus)}: the host bridge at the top of {@code bdf}'s path. */
    public Optional<HostBridge> hostBridgeOf(String bdf) {
        PciNode n = nodes.get(bdf);
        int guard = nodes.size();
        while (n != null && guard-- >= 0) {
            HostBridge hb = hostBridges.get(n.parent());
            if (hb != null) {
                return Optional.of(hb);
            }
            n = nodes.get(n.parent());
        }
        return Optional.empty();
    }

    /**
     * {@code pci_p2pdma_map_type(provider, client)} via {@code calc_map_type_and_dist()}
     * ({@code drivers/pci/p2pdma.c}, §8.2). Walks up from the provider; for each ancestor {@code a}
     * (counting ACS redirect on {@code a}) it searches {@code a} on the client's upward path. When
     * found, ACS redirect on the client's path below {@code a} is counted too and the distance is the
     * sum of hops on both sides: no ACS redirect gives {@link P2pMapType#BUS_ADDR}. Otherwise the
     * traffic goes through the host bridge ({@link P2pMapType#THRU_HOST_BRIDGE}), which is
     * {@link P2pMapType#NOT_SUPPORTED} unless the CPU is known to forward P2P or the host bridges pass
     * {@code host_bridge_whitelist()}.
     *
     * <p>Examples (distance in brackets): the same function [0]; two functions of one device [2];
     * two endpoints under one switch [4]; two root ports of one host bridge [4].
     *
     * @return the map type and distance; {@link #NO_DISTANCE} with NOT_SUPPORTED when either name is
     *         not a PCI function of this tree
     */
    public P2pPath p2pMapType(String provider, String client) {
        List<String> key = List.of(provider, client);
        P2pPath cached = cache.get(key);
        if (cached == null) {
            cached = calcMapTypeAndDist(provider, client);
            cache.put(key, cached);
        }
        return cached;
    }

    private P2pPath calcMapTypeAndDist(String provider, String client) {
        if (!nodes.containsKey(provider) || !nodes.containsKey(client)) {
            return new P2pPath(P2pMapType.NOT_SUPPORTED, NO_DISTANCE);
        }
        List<String> clientPath = upwardPath(client);
        int acsCount = 0;
        int distA = 0;
        int distB = 0;
        String a = provider;
        while (a != null) {
            if (nodes.get(a).acsRedirect()) {
                acsCount++;
            }
            int found = clientPath.indexOf(a);
            if (found >= 0) {
                // check_b_path_acs: redirects on the client's side below the common ancestor
                for (int i = 0; i < found; i++) {
                    if (nodes.get(clientPath.get(i)).acsRedirect()) {
                        acsCount++;
                    }
                }
                int dist = distA + found;
                if (acsCount == 0) {
                    return new P2pPath(P2pMapType.BUS_ADDR, dist);
                }
                return throughHostBridge(provider, client, dist);
            }
            distB = clientPath.size();
            a = upstreamBridge(a).map(PciNode::bdf).orElse(null);
            distA++;
        }
        return throughHostBridge(provider, client, distA + distB);
    }

    /** {@code map_through_host_bridge:} in {@code calc_map_type_and_dist()}. */
    private P2pPath throughHostBridge(String provider, String client, int dist) {
        if (cpuSupportsP2p || hostBridgeWhitelist(provider, client)) {
            return new P2pPath(P2pMapType.THRU_HOST_BRIDGE, dist);
        }
        return new P2pPath(P2pMapType.NOT_SUPPORTED, dist);
    }

    /**
     * {@code host_bridge_whitelist()}: within one host bridge it must be listed; across two, both
     * must be listed and neither may carry {@code REQ_SAME_HOST_BRIDGE}.
     */
    private boolean hostBridgeWhitelist(String provider, String client) {
        HostBridge ha = hostBridgeOf(provider).orElse(null);
        HostBridge hb = hostBridgeOf(client).orElse(null);
        if (ha == null || hb == null) {
            return false;
        }
        if (ha.equals(hb)) {
            return ha.p2pAllowListed();
        }
        return ha.p2pAllowListed() && !ha.requireSameHostBridge()
                && hb.p2pAllowListed() && !hb.requireSameHostBridge();
    }

    /** {@code client}, {@code pci_upstream_bridge(client)}, ... up to the node on the root bus. */
    private List<String> upwardPath(String bdf) {
        List<String> path = new ArrayList<>();
        String b = bdf;
        while (b != null) {
            path.add(b);
            b = upstreamBridge(b).map(PciNode::bdf).orElse(null);
        }
        return path;
    }
}
