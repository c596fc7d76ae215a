package io.serenity.p2p.host;

import static io.serenity.p2p.host.TestHosts.await;
import static io.serenity.p2p.host.TestHosts.dialAddr;
import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.protocol.identify.Identify;
import io.serenity.p2p.protocol.ping.Ping;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@org.junit.jupiter.api.extension.ExtendWith(NettyLeakCheck.class)
class HostIdentifyTest {

  private final TestHosts hosts = new TestHosts();

  @AfterEach
  void close() {
    hosts.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/ip4/127.0.0.1/tcp/0", "/ip6/::1/tcp/0"})
  void connectIdentifiesBothWays(String listen) {
    Host a = hosts.start(KeyType.SECP256K1, HostConfig.defaults(), listen);
    Host b = hosts.start(KeyType.ED25519, HostConfig.defaults(), listen);
    b.setStreamHandler("/test/extra/1.0.0", Stream::reset);
    EventRecorder aEvents = new EventRecorder(a);
    EventRecorder bEvents = new EventRecorder(b);

    Connection c = await(a.connect(dialAddr(b)));
    assertThat(c.remotePeer()).isEqualTo(b.peerId());

    aEvents.await(HostEvent.PeerIdentified.class, e -> e.peer().equals(b.peerId()));
    bEvents.await(HostEvent.PeerIdentified.class, e -> e.peer().equals(a.peerId()));
    aEvents.await(HostEvent.PeerConnected.class, e -> e.peer().equals(b.peerId()));
    bEvents.await(HostEvent.PeerConnected.class, e -> e.peer().equals(a.peerId()));

    // a learnt about b
    assertThat(a.peerStore().protocols(b.peerId()))
        .contains(Identify.PROTOCOL_ID, Ping.PROTOCOL_ID, "/test/extra/1.0.0");
    assertThat(a.peerStore().agentVersion(b.peerId())).contains("serenity-p2p/0.1.0");
    assertThat(a.peerStore().protocolVersion(b.peerId())).contains("ipfs/0.1.0");
    assertThat(a.peerStore().addrs(b.peerId())).containsAll(b.listenAddrs());
    assertThat(a.peerStore().publicKey(b.peerId())).contains(b.privateKey().publicKey());
    assertThat(a.peerStore().observedAddr(b.peerId())).contains(c.localAddr());
    // and b about a, including a's listen address (a dialled, so b saw only an ephemeral port)
    assertThat(b.peerStore().protocols(a.peerId())).contains(Identify.PROTOCOL_ID, Ping.PROTOCOL_ID);
    assertThat(b.peerStore().agentVersion(a.peerId())).contains("serenity-p2p/0.1.0");
    assertThat(b.peerStore().addrs(a.peerId())).containsAll(a.listenAddrs());
    assertThat(b.peerStore().publicKey(a.peerId())).contains(a.privateKey().publicKey());
  }

  @Test
  void protocolChangeIsPushed() {
    Host a = hosts.start();
    Host b = hosts.start();
    EventRecorder aEvents = new EventRecorder(a);
    await(a.connect(dialAddr(b)));
    aEvents.await(HostEvent.PeerIdentified.class, e -> e.peer().equals(b.peerId()));

    b.setStreamHandler("/test/late/1.0.0", Stream::reset);

    aEvents.await(
        HostEvent.PeerIdentified.class,
        e -> e.peer().equals(b.peerId()) && e.info().protocols().contains("/test/late/1.0.0"));
    assertThat(a.peerStore().protocols(b.peerId())).contains("/test/late/1.0.0");

    b.removeStreamHandler("/test/late/1.0.0");
    aEvents.await(
        HostEvent.PeerIdentified.class,
        e -> e.peer().equals(b.peerId()) && !e.info().protocols().contains("/test/late/1.0.0"));
  }

  @Test
  void connectReusesTheConnectionAndSharesConcurrentDials() {
    Host a = hosts.start();
    Host b = hosts.start();
    var f1 = a.connect(dialAddr(b));
    var f2 = a.connect(dialAddr(b));
    Connection c1 = await(f1);
    Connection c2 = await(f2);
    assertThat(c1).isSameAs(c2);
    assertThat(await(a.connect(dialAddr(b)))).isSameAs(c1);
    assertThat(a.connections()).hasSize(1);
  }

  @Test
  void disconnectEmitsPeerDisconnectedOnBothSides() {
    Host a = hosts.start();
    Host b = hosts.start();
    EventRecorder aEvents = new EventRecorder(a);
    EventRecorder bEvents = new EventRecorder(b);
    await(a.connect(dialAddr(b)));
    bEvents.await(HostEvent.PeerConnected.class, e -> e.peer().equals(a.peerId()));
    await(a.disconnect(b.peerId()));
    aEvents.await(HostEvent.PeerDisconnected.class, e -> e.peer().equals(b.peerId()));
    bEvents.await(HostEvent.PeerDisconnected.class, e -> e.peer().equals(a.peerId()));
    assertThat(a.connection(b.peerId())).isEmpty();
  }
}
