package org.dmacheck.spec.platform;

/**
 * A PCI host bridge (root complex).
 *
 * @param id                    its name, referenced as {@link PciNode#parent()} by root-bus nodes
 * @param p2pAllowListed        on {@code pci_p2pdma_whitelist}: P2P traffic may go through it
 * @param requireSameHostBridge {@code REQ_SAME_HOST_BRIDGE}: P2P only within this bridge
 */
public record HostBridge(String id, boolean p2pAllowListed, boolean requireSameHostBridge) {
}
