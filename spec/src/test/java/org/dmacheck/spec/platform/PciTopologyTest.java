package org.dmacheck.spec.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Worked examples of {@code calc_map_type_and_dist()} (§8.2). Distances are counted by hand: the
 * hops from the provider up to the common ancestor plus the hops from the client up to it; without a
 * common ancestor, the full upward path lengths (nodes up to and including the root-bus node).
 */
class PciTopologyTest {
    private static final String HB = "pci0000:00";

    /** Root port 00:01.0 with a two-function device 01:00.{0,1}; root port 00:02.0 with a switch. */
    private static PlatformBuilder tree(boolean allowListed, boolean acsOnDownstream) {
        return Platform.builder()
                .hostBridge(HB, allowListed)
                .rootPort("0000:00:01.0", HB, false)
                .endpoint("0000:01:00.0", "0000:00:01.0")
                .endpoint("0000:01:00.1", "0000:00:01.0")
                .rootPort("0000:00:02.0", HB, false)
                .switchUpstream("0000:02:00.0", "0000:00:02.0")
                .switchDownstream("0000:03:00.0", "0000:02:00.0", false)
                .switchDownstream("0000:03:01.0", "0000:02:00.0", acsOnDownstream)
                .endpoint("0000:04:00.0", "0000:03:00.0")
                .endpoint("0000:05:00.0", "0000:03:01.0");
    }

    private static P2pPath type(PlatformBuilder b, String provider, String client) {
        return b.build().pci().p2pMapType(provider, client);
    }

    @Test
    void sameFunctionIsBusAddressAtDistanceZero() {
        // a = provider = client: found at once on both sides.
        assertThat(type(tree(false, false), "0000:01:00.0", "0000:01:00.0"))
                .isEqualTo(new P2pPath(P2pMapType.BUS_ADDR, 0));
    }

    @Test
    void twoFunctionsOfOneDeviceMeetAtTheirRootPort() {
        // 01:00.0 -> 00:01.0 is 1 hop; 01:00.1 -> 00:01.0 is 1 hop: distance 2.
        assertThat(type(tree(false, false), "0000:01:00.0", "0000:01:00.1"))
                .isEqualTo(new P2pPath(P2pMapType.BUS_ADDR, 2));
    }

    @Test
    void twoEndpointsUnderOneSwitchMeetAtTheUpstreamPort() {
        // 04:00.0 -> 03:00.0 -> 02:00.0 is 2 hops, 05:00.0 -> 03:01.0 -> 02:00.0 is 2 hops: 4.
        // The host bridge is not allow-listed: it is never consulted on a BUS_ADDR path.
        assertThat(type(tree(false, false), "0000:04:00.0", "0000:05:00.0"))
                .isEqualTo(new P2pPath(P2pMapType.BUS_ADDR, 4));
    }

    @Test
    void acsRedirectOnTheClientSideSendsTrafficThroughTheHostBridge() {
        // Same meeting point (distance 4) but 03:01.0 below it redirects: THRU_HOST_BRIDGE if the
        // bridge is allow-listed, else NOT_SUPPORTED; the distance is still 4.
        assertThat(type(tree(true, true), "0000:04:00.0", "0000:05:00.0"))
                .isEqualTo(new P2pPath(P2pMapType.THRU_HOST_BRIDGE, 4));
        assertThat(type(tree(false, true), "0000:04:00.0", "0000:05:00.0"))
                .isEqualTo(new P2pPath(P2pMapType.NOT_SUPPORTED, 4));
    }

    @Test
    void acsRedirectOnTheProviderSideCountsToo() {
        // Swap roles: now 03:01.0 is on the provider's side of the walk.
        assertThat(type(tree(true, true), "0000:05:00.0", "0000:04:00.0"))
                .isEqualTo(new P2pPath(P2pMapType.THRU_HOST_BRIDGE, 4));
    }

    @Test
    void twoRootPortsOfAnAllowListedHostBridge() {
        // No common bridge: provider path 01:00.0, 00:01.0 (2); client path 04:00.0, 03:00.0,
        // 02:00.0, 00:02.0 (4): distance 6, through the listed host bridge.
        assertThat(type(tree(true, false), "0000:01:00.0", "0000:04:00.0"))
                .isEqualTo(new P2pPath(P2pMapType.THRU_HOST_BRIDGE, 6));
    }

    @Test
    void twoRootPortsOfANonListedHostBridge() {
        assertThat(type(tree(false, false), "0000:01:00.0", "0000:04:00.0"))
                .isEqualTo(new P2pPath(P2pMapType.NOT_SUPPORTED, 6));
    }

    @Test
    void cpuSupportingP2pForwardsThroughAnyHostBridge() {
        assertThat(type(tree(false, false).cpuSupportsP2p(true), "0000:01:00.0", "0000:04:00.0"))
                .isEqualTo(new P2pPath(P2pMapType.THRU_HOST_BRIDGE, 6));
    }

    private static PlatformBuilder twoHostBridges(HostBridge a, HostBridge b) {
        return Platform.builder()
                .hostBridge(a).hostBridge(b)
                .rootPort("0000:00:01.0", a.id(), false).endpoint("0000:01:00.0", "0000:00:01.0")
                .rootPort("0001:00:01.0", b.id(), false).endpoint("0001:01:00.0", "0001:00:01.0");
    }

    @Test
    void twoHostBridgesMustBothBeListedWithoutRequireSameHostBridge() {
        // Paths of 2 nodes each: distance 4.
        HostBridge listedA = new HostBridge("pci0000:00", true, false);
        HostBridge listedB = new HostBridge("pci0001:00", true, false);
        HostBridge unlistedB = new HostBridge("pci0001:00", false, false);
        HostBridge sameOnlyA = new HostBridge("pci0000:00", true, true);
        HostBridge sameOnlyB = new HostBridge("pci0001:00", true, true);
        assertThat(type(twoHostBridges(listedA, listedB), "0000:01:00.0", "0001:01:00.0"))
                .isEqualTo(new P2pPath(P2pMapType.THRU_HOST_BRIDGE, 4));
        assertThat(type(twoHostBridges(listedA, unlistedB), "0000:01:00.0", "0001:01:00.0"))
                .isEqualTo(new P2pPath(P2pMapType.NOT_SUPPORTED, 4));
        assertThat(type(twoHostBridges(listedA, sameOnlyB), "0000:01:00.0", "0001:01:00.0"))
                .isEqualTo(new P2pPath(P2pMapType.NOT_SUPPORTED, 4));
        assertThat(type(twoHostBridges(sameOnlyA, listedB), "0000:01:00.0", "0001:01:00.0"))
                .isEqualTo(new P2pPath(P2pMapType.NOT_SUPPORTED, 4));
    }

    @Test
    void requireSameHostBridgeStillAllowsTrafficWithinThatBridge() {
        PlatformBuilder b = Platform.builder()
                .hostBridge(new HostBridge(HB, true, true))
                .rootPort("0000:00:01.0", HB, false).endpoint("0000:01:00.0", "0000:00:01.0")
                .rootPort("0000:00:02.0", HB, false).endpoint("0000:02:00.0", "0000:00:02.0");
        assertThat(type(b, "0000:01:00.0", "0000:02:00.0")).isEqualTo(new P2pPath(P2pMapType.THRU_HOST_BRIDGE, 4));
    }

    @Test
    void aNonPciClientIsNotSupported() {
        Platform p = tree(true, false).device(DeviceConfig.builder("platform-dev").build()).build();
        assertThat(p.p2pMapType("0000:01:00.0", DeviceId.of("platform-dev")))
                .isEqualTo(new P2pPath(P2pMapType.NOT_SUPPORTED, PciTopology.NO_DISTANCE));
        assertThat(p.isPci(DeviceId.of("platform-dev"))).isFalse();
        assertThat(p.isPci(DeviceId.of("0000:01:00.0"))).isTrue();
    }

    @Test
    void upstreamBridgeOfARootBusNodeIsEmpty() {
        PciTopology t = tree(false, false).build().pci();
        assertThat(t.upstreamBridge("0000:00:01.0")).isEmpty();
        assertThat(t.upstreamBridge("0000:04:00.0")).map(PciNode::bdf).contains("0000:03:00.0");
        assertThat(t.hostBridgeOf("0000:04:00.0")).map(HostBridge::id).contains(HB);
    }
}
