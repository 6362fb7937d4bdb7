package org.dmacheck.spec.platform;

import java.util.Objects;

/**
 * A PCI function or port in the topology tree.
 *
 * @param bdf         its name, e.g. {@code 0000:01:00.0}
 * @param kind        root port, switch port or endpoint
 * @param parent      the BDF of its upstream bridge ({@code pci_upstream_bridge}), or the id of its
 *                    host bridge when it sits on a root bus (root ports and integrated endpoints)
 * @param acsRedirect ACS P2P request/completion redirect or egress control enabled on this port
 *                    ({@code pci_bridge_has_acs_redir})
 */
public record PciNode(String bdf, Kind kind, String parent, boolean acsRedirect) {
    public enum Kind { ROOT_PORT, SWITCH_UPSTREAM, SWITCH_DOWNSTREAM, ENDPOINT }

    public PciNode {
        Objects.requireNonNull(bdf, "bdf");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(parent, "parent of " + bdf);
    }
}
