package org.dmacheck.gen.dma;

import java.util.ArrayList;
import java.util.List;
import org.dmacheck.gen.ChoiceStream;
import org.dmacheck.spec.platform.HostBridge;
import org.dmacheck.spec.platform.PlatformBuilder;

/**
 * The PCI part of a generated platform: host bridges {@code pci0000..}, each with one or two root
 * ports; below a root port either one endpoint or a switch with one to three downstream ports, one
 * endpoint each. Root ports and downstream ports may have ACS redirect. Each endpoint is a DMA
 * client, a P2P provider, or both; there is always at least one client.
 *
 * @param endpoints every endpoint BDF, in tree order
 * @param clients   endpoints that are DMA clients (get a {@code DeviceConfig})
 * @param providers endpoints that provide P2P memory (get a BAR)
 */
record PciTree(List<String> endpoints, List<String> clients, List<String> providers) {

    /** Draws the tree and adds its host bridges and nodes to {@code b}. */
    static PciTree generate(ChoiceStream in, DmaProfile p, PlatformBuilder b) {
        List<String> endpoints = new ArrayList<>();
        int bridges = PlatformGen.HOST_BRIDGES.draw(in, p);
        for (int h = 0; h < bridges; h++) {
            String hb = "pci" + hex(h, 4);
            b.hostBridge(new HostBridge(hb, PlatformGen.ALLOW_LISTED.draw(in, p),
                    PlatformGen.SAME_HOST_BRIDGE_ONLY.draw(in, p)));
            int nextBus = 1;
            int ports = PlatformGen.ROOT_PORTS.draw(in, p);
            for (int r = 0; r < ports; r++) {
                String rootPort = bdf(h, 0, r + 1);
                b.rootPort(rootPort, hb, PlatformGen.ACS_REDIRECT.draw(in, p));
                int secondary = nextBus++;
                if (!PlatformGen.SWITCH.draw(in, p)) {
                    endpoints.add(endpoint(b, bdf(h, secondary, 0), rootPort));
                    continue;
                }
                String upstream = bdf(h, secondary, 0);
                b.switchUpstream(upstream, rootPort);
                int internal = nextBus++;
                int downstream = PlatformGen.DOWNSTREAM_PORTS.draw(in, p);
                for (int d = 0; d < downstream; d++) {
                    String port = bdf(h, internal, d);
                    b.switchDownstream(port, upstream, PlatformGen.ACS_REDIRECT.draw(in, p));
                    endpoints.add(endpoint(b, bdf(h, nextBus++, 0), port));
                }
            }
        }
        List<String> clients = new ArrayList<>();
        List<String> providers = new ArrayList<>();
        for (String e : endpoints) {
            PlatformGen.Role role = PlatformGen.ROLE.draw(in, p);
            if (role != PlatformGen.Role.PROVIDER) {
                clients.add(e);
            }
            if (role != PlatformGen.Role.CLIENT) {
                providers.add(e);
            }
        }
        if (clients.isEmpty()) {
            clients.add(endpoints.get(0));
        }
        return new PciTree(List.copyOf(endpoints), List.copyOf(clients), List.copyOf(providers));
    }

    private static String endpoint(PlatformBuilder b, String bdf, String parent) {
        b.endpoint(bdf, parent);
        return bdf;
    }

    /** {@code %04x:%02x:%02x.0}, without the cost of a formatter. */
    private static String bdf(int domain, int bus, int device) {
        return hex(domain, 4) + ':' + hex(bus, 2) + ':' + hex(device, 2) + ".0";
    }

    private static String hex(int value, int digits) {
        String h = Integer.toHexString(value);
        return "0".repeat(Math.max(0, digits - h.length())) + h;
    }
}
