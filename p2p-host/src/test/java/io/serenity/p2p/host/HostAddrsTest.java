package io.serenity.p2p.host;

import static io.serenity.p2p.host.TestHosts.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a host reports as its addresses: wildcards expanded, advertised addresses first in identify. */
@org.junit.jupiter.api.extension.ExtendWith(NettyLeakCheck.class)
class HostAddrsTest {

  private final TestHosts hosts = new TestHosts();

  @AfterEach
  void close() {
    hosts.close();
  }

  private static int port(Host h) {
    return h.boundAddrs().get(0).toTcpSocketAddress().getPort();
  }

  private static Multiaddr on(String ipAndTcp, Host h) {
    return Multiaddr.parse(ipAndTcp + "/" + port(h) + "/p2p/" + h.peerId().toBase58());
  }

  private static boolean isWildcard(Multiaddr a) {
    InetSocketAddress s = a.toTcpSocketAddress();
    return s.getAddress() != null && s.getAddress().isAnyLocalAddress();
  }

  @Test
  void anIpv4WildcardIsReportedAsTheMachinesIpv4Addresses() {
    Host a = hosts.start(KeyType.SECP256K1, HostConfig.defaults(), "/ip4/0.0.0.0/tcp/0");
    int port = port(a);

    assertThat(a.boundAddrs()).containsExactly(Multiaddr.parse("/ip4/0.0.0.0/tcp/" + port));
    assertThat(a.listenAddrs())
        .contains(Multiaddr.parse("/ip4/127.0.0.1/tcp/" + port))
        .allSatisfy(addr -> {
          assertThat(isWildcard(addr)).as("%s is a wildcard", addr).isFalse();
          assertThat(addr.has(Multiaddr.Protocol.IP4)).as("%s is IPv4", addr).isTrue();
          assertThat(addr.toTcpSocketAddress().getPort()).isEqualTo(port);
        });
    assertThat(a.advertisedAddrs()).isEqualTo(a.listenAddrs());
    assertThat(a.peerInfo().addrs()).isEqualTo(a.listenAddrs());

    Host b = hosts.start();
    assertThat(await(b.connect(on("/ip4/127.0.0.1/tcp", a))).remotePeer()).isEqualTo(a.peerId());
  }

  @Test
  void anIpv6WildcardIsDualStackAndLeavesOutLinkLocal() {
    Host a = hosts.start(KeyType.SECP256K1, HostConfig.defaults(), "/ip6/::/tcp/0");
    int port = port(a);

    assertThat(a.boundAddrs()).containsExactly(Multiaddr.parse("/ip6/::/tcp/" + port));
    assertThat(a.listenAddrs())
        .contains(Multiaddr.parse("/ip6/::1/tcp/" + port), Multiaddr.parse("/ip4/127.0.0.1/tcp/" + port))
        .noneMatch(HostAddrsTest::isWildcard)
        .noneMatch(addr -> addr.toTcpSocketAddress().getAddress().isLinkLocalAddress()
            && addr.has(Multiaddr.Protocol.IP6));

    // the IPv4 addresses are true: the socket accepts IPv4 too
    Host b = hosts.start();
    assertThat(await(b.connect(on("/ip4/127.0.0.1/tcp", a))).remotePeer()).isEqualTo(a.peerId());
  }

  @Test
  void identifyCarriesTheAdvertisedAddressesFirstThenTheExpandedOnes() {
    List<Multiaddr> external =
        List.of(Multiaddr.parse("/ip4/203.0.113.7/tcp/9000"), Multiaddr.parse("/dns4/node.example.org/tcp/9000"));
    Host a = hosts.start(KeyType.SECP256K1, HostConfig.builder().advertiseAddrs(external).build(), "/ip4/0.0.0.0/tcp/0");
    Host b = hosts.start();
    EventRecorder bEvents = new EventRecorder(b);

    await(b.connect(on("/ip4/127.0.0.1/tcp", a)));
    HostEvent.PeerIdentified seen = bEvents.await(HostEvent.PeerIdentified.class, e -> e.peer().equals(a.peerId()));

    List<Multiaddr> sent = seen.info().listenAddrs();
    assertThat(sent).isEqualTo(a.advertisedAddrs());
    assertThat(sent.subList(0, 2)).isEqualTo(external);
    assertThat(sent.subList(2, sent.size())).isEqualTo(a.listenAddrs());
    assertThat(sent).contains(Multiaddr.parse("/ip4/127.0.0.1/tcp/" + port(a))).noneMatch(HostAddrsTest::isWildcard);
    assertThat(b.peerStore().addrs(a.peerId())).containsAll(sent);
  }

  @Test
  void advertisedAddressesNameNoPeerAndNoWildcard() {
    String id = PeerId.fromPublicKey(PrivateKey.fromSeed(KeyType.SECP256K1, 1).publicKey()).toBase58();
    assertThatThrownBy(() -> HostConfig.builder()
            .advertiseAddrs(List.of(Multiaddr.parse("/ip4/203.0.113.7/tcp/9000/p2p/" + id))).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("advertiseAddrs").hasMessageContaining("/p2p");
    assertThatThrownBy(() -> HostConfig.builder()
            .advertiseAddrs(List.of(Multiaddr.parse("/ip6/::/tcp/9000"))).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("advertiseAddrs").hasMessageContaining("wildcard");
  }
}
