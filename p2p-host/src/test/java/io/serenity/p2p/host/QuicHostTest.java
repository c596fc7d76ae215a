package io.serenity.p2p.host;

import static io.serenity.p2p.host.TestHosts.await;
import static io.serenity.p2p.host.TestHosts.dialAddr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.core.PeerInfo;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.protocol.identify.Identify;
import io.serenity.p2p.protocol.ping.Ping;
import io.serenity.p2p.quic.QuicConfig;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A host over QUIC: the same connections, streams, identify, ping and limits as over TCP. */
@org.junit.jupiter.api.extension.ExtendWith(NettyLeakCheck.class)
class QuicHostTest {

  private static final String QUIC = "/ip4/127.0.0.1/udp/0/quic-v1";

  private final TestHosts hosts = new TestHosts();

  @AfterEach
  void close() {
    hosts.close();
  }

  @Test
  void connectIdentifyAndPingOverQuic() {
    Host a = hosts.start(KeyType.SECP256K1, HostConfig.defaults(), QUIC);
    Host b = hosts.start(KeyType.ED25519, HostConfig.defaults(), QUIC);
    assertThat(b.listenAddrs().get(0).toString()).startsWith("/ip4/127.0.0.1/udp/").endsWith("/quic-v1");
    EventRecorder aEvents = new EventRecorder(a);
    EventRecorder bEvents = new EventRecorder(b);

    Connection c = await(a.connect(dialAddr(b)));
    assertThat(c.remotePeer()).isEqualTo(b.peerId());
    assertThat(c.muxer()).isEqualTo("quic-v1");
    assertThat(c.remoteAddr()).isEqualTo(b.listenAddrs().get(0));

    aEvents.await(HostEvent.PeerIdentified.class, e -> e.peer().equals(b.peerId()));
    bEvents.await(HostEvent.PeerIdentified.class, e -> e.peer().equals(a.peerId()));
    assertThat(a.peerStore().protocols(b.peerId())).contains(Identify.PROTOCOL_ID, Ping.PROTOCOL_ID);
    assertThat(a.peerStore().publicKey(b.peerId())).contains(b.privateKey().publicKey());
    assertThat(b.peerStore().publicKey(a.peerId())).contains(a.privateKey().publicKey());
    assertThat(a.peerStore().observedAddr(b.peerId())).contains(c.localAddr());
    assertThat(b.peerStore().addrs(a.peerId())).containsAll(a.listenAddrs());

    assertThat(await(Ping.ping(a, b.peerId()))).isPositive();
    assertThat(await(Ping.ping(b, a.peerId()))).isPositive();
  }

  @Test
  void echoStreamsOverQuic() {
    Host a = hosts.start(KeyType.ED25519, HostConfig.defaults(), QUIC);
    Host b = hosts.start(KeyType.ED25519, HostConfig.defaults(), QUIC);
    b.setStreamHandler(Echo.PROTOCOL_ID, Echo::serve);
    await(a.connect(dialAddr(b)));
    List<CompletableFuture<byte[]>> digests = new ArrayList<>();
    List<byte[]> expected = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      byte[] data = new byte[256 * 1024];
      new Random(i).nextBytes(data);
      expected.add(Echo.sha256().digest(data));
      digests.add(a.newStream(b.peerId(), Echo.PROTOCOL_ID).thenCompose(s -> Echo.roundTrip(s, data, 16 * 1024)));
    }
    for (int i = 0; i < digests.size(); i++) {
      assertThat(await(digests.get(i))).isEqualTo(expected.get(i));
    }
  }

  @Test
  void aDialPrefersQuicWhenThePeerOffersBoth() {
    Host a = hosts.start(KeyType.ED25519, HostConfig.defaults(), "/ip4/127.0.0.1/tcp/0",
        builder -> builder.listen(QUIC));
    // a first QUIC connection loads the native library and warms the handshake code up, so the
    // measured dial is not slowed past the head start QUIC gets over TCP
    Host warm = hosts.start(KeyType.ED25519, HostConfig.defaults(), QUIC);
    await(a.connect(dialAddr(warm)));
    Host b = hosts.start(KeyType.ED25519, HostConfig.defaults(), "/ip4/127.0.0.1/tcp/0",
        builder -> builder.listen(QUIC));
    List<Multiaddr> addrs = b.listenAddrs();
    assertThat(addrs.get(0).toString()).contains("/tcp/"); // TCP listed first: the order does not decide
    Connection c = await(a.connect(new PeerInfo(b.peerId(), addrs)));
    assertThat(c.remoteAddr().toString()).endsWith("/quic-v1");
    assertThat(c.transport()).isEqualTo(Connection.QUIC);
  }

  @Test
  void aDeadQuicAddressFallsBackToTcpWithinASecond() throws Exception {
    // a listens on QUIC too, so its QUIC transport (native library, certificate) is made before the dial
    Host a = hosts.start(KeyType.ED25519, HostConfig.defaults(), "/ip4/127.0.0.1/tcp/0",
        builder -> builder.listen(QUIC));
    Host b = hosts.start(KeyType.ED25519, HostConfig.defaults(), "/ip4/127.0.0.1/tcp/0");
    try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      Multiaddr dead = Multiaddr.quic(new InetSocketAddress(InetAddress.getLoopbackAddress(), silent.getLocalPort()));
      long start = System.nanoTime();
      Connection c = await(a.connect(new PeerInfo(b.peerId(), List.of(dead, b.listenAddrs().get(0)))));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
      assertThat(c.remoteAddr().toString()).contains("/tcp/");
      assertThat(c.transport()).isEqualTo(Connection.TCP);
    }
  }

  @Test
  void theStreamLimitCapsWhatThePeerMayOpenAtOnce() {
    HostConfig small = HostConfig.builder().quic(QuicConfig.defaults().withMaxStreams(8)).build();
    Host a = hosts.start(KeyType.ED25519, HostConfig.defaults(), QUIC);
    Host b = hosts.start(KeyType.ED25519, small, QUIC);
    b.setStreamHandler(Echo.PROTOCOL_ID, Echo::serve);
    await(a.connect(dialAddr(b)));
    // more echo streams than b grants at once: they queue for credit and all complete
    List<CompletableFuture<byte[]>> digests = new ArrayList<>();
    byte[] data = new byte[4096];
    for (int i = 0; i < 40; i++) {
      digests.add(a.newStream(b.peerId(), Echo.PROTOCOL_ID).thenCompose(s -> Echo.roundTrip(s, data, 1024)));
    }
    byte[] expected = Echo.sha256().digest(data);
    for (CompletableFuture<byte[]> d : digests) {
      assertThat(await(d)).isEqualTo(expected);
    }
  }

  @Test
  void aQuietQuicConnectionOutlivesTheIdleTimeout() {
    // QUIC closes a connection that carries no packet for the idle timeout; a healthy connection may carry
    // no application traffic for hours, so the host keeps it alive. 600 ms idle timeout, both sides.
    HostConfig quick = HostConfig.builder().quic(QuicConfig.defaults().withMaxIdleTimeout(Duration.ofMillis(600)))
        .build();
    Host a = hosts.start(KeyType.ED25519, quick, QUIC);
    Host b = hosts.start(KeyType.ED25519, quick, QUIC);
    EventRecorder bEvents = new EventRecorder(b);
    Connection c = await(a.connect(dialAddr(b)));
    bEvents.await(HostEvent.PeerIdentified.class, e -> e.peer().equals(a.peerId()));
    // five idle timeouts without application traffic: the connection must not close in that time
    assertThatThrownBy(() -> c.closeFuture().get(3, java.util.concurrent.TimeUnit.SECONDS))
        .as("the quiet connection closed").isInstanceOf(java.util.concurrent.TimeoutException.class);
    assertThat(c.isOpen()).isTrue();
    assertThat(await(Ping.ping(a, b.peerId()))).isPositive();
  }
}
