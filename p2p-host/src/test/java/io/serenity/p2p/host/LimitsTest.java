package io.serenity.p2p.host;

import static io.serenity.p2p.host.TestHosts.await;
import static io.serenity.p2p.host.TestHosts.dialAddr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.crypto.KeyType;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.extension.ExtendWith(NettyLeakCheck.class)
class LimitsTest {

  private static final String HOLD = "/test/hold/1.0.0";

  private final TestHosts hosts = new TestHosts();

  @AfterEach
  void close() {
    hosts.close();
  }

  /** Waits until every stream currently open on {@code c} (identify's) has closed. */
  private static void awaitQuiet(Connection c) {
    for (Stream s : c.streams()) {
      await(s.closeFuture());
    }
  }


  @Test
  void inboundConnectionLimitRefusesTheExtraConnection() {
    Host b = hosts.start(KeyType.SECP256K1, HostConfig.builder().maxInboundConnections(1).build());
    Host a = hosts.start();
    Host c = hosts.start();
    await(a.connect(dialAddr(b)));
    assertThatThrownBy(() -> c.connect(dialAddr(b)).join())
        .hasCauseInstanceOf(HostException.class)
        .hasMessageContaining(b.peerId().toBase58());
    assertThat(b.connections()).hasSize(1);
    assertThat(await(a.ping(b.peerId()))).isPositive();
  }

  @Test
  void outboundConnectionLimitFailsTheExtraDial() {
    Host a = hosts.start(KeyType.SECP256K1, HostConfig.builder().maxOutboundConnections(1).build());
    Host b = hosts.start();
    Host c = hosts.start();
    await(a.connect(dialAddr(b)));
    assertThatThrownBy(() -> a.connect(dialAddr(c)).join())
        .hasCauseInstanceOf(HostException.class)
        .hasMessageContaining("outbound connection limit 1");
    // the slot frees when the first connection closes
    await(a.disconnect(b.peerId()));
    assertThat(await(a.connect(dialAddr(c))).remotePeer()).isEqualTo(c.peerId());
  }

  @Test
  void stalledHandshakeIsCutOffAtTheTimeoutAndFreesTheSlot() throws IOException {
    Host b =
        hosts.start(
            KeyType.SECP256K1,
            HostConfig.builder().maxInboundConnections(1).handshakeTimeout(Duration.ofMillis(500)).build());
    Host a = hosts.start();
    try (Socket stalled = MisbehavingPeerTest.rawSocket(b)) {
      // a valid start: multistream header and /noise, then silence
      byte[] header = "\u0013/multistream/1.0.0\n\u0007/noise\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      stalled.getOutputStream().write(header);
      stalled.getOutputStream().flush();
      long start = System.nanoTime();
      try (Socket refused = MisbehavingPeerTest.rawSocket(b)) {
        assertThat(MisbehavingPeerTest.closedByRemote(refused)).as("over the inbound limit").isTrue();
      }
      assertThat(MisbehavingPeerTest.closedByRemote(stalled)).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
    }
    assertThat(await(a.connect(dialAddr(b))).remotePeer()).isEqualTo(b.peerId());
  }

  @Test
  void streamLimitResetsInboundAndRefusesOutbound() {
    Host a = hosts.start(KeyType.SECP256K1, HostConfig.builder().maxStreamsPerConnection(3).build());
    Host b = hosts.start(KeyType.SECP256K1, HostConfig.builder().maxStreamsPerConnection(3).build());
    a.setStreamHandler(HOLD, s -> {});
    b.setStreamHandler(HOLD, s -> {});
    EventRecorder aEvents = new EventRecorder(a);
    EventRecorder bEvents = new EventRecorder(b);
    Connection ab = await(a.connect(dialAddr(b)));
    aEvents.await(HostEvent.PeerIdentified.class, e -> e.peer().equals(b.peerId()));
    bEvents.await(HostEvent.PeerIdentified.class, e -> e.peer().equals(a.peerId()));
    awaitQuiet(ab);
    Connection ba = b.connection(a.peerId()).orElseThrow();
    awaitQuiet(ba);

    List<Stream> held = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      held.add(await(ab.newStream(HOLD)));
    }
    // outbound: refused locally
    assertThatThrownBy(() -> ab.newStream(HOLD).join())
        .hasCauseInstanceOf(HostException.class)
        .hasMessageContaining("stream limit 3");
    // inbound: b already holds 3 of a's streams, so b's own new stream is over a's limit too
    assertThatThrownBy(() -> ba.newStream(HOLD).join()).hasCauseInstanceOf(HostException.class);
    // freeing one makes room again
    held.get(0).reset();
    await(held.get(0).closeFuture());
    CompletableFuture<Stream> again = ab.newStream(HOLD);
    assertThat(await(again).protocol()).isEqualTo(HOLD);
  }

  @Test
  void idleStreamIsReset() {
    Host a = hosts.start();
    Host b =
        hosts.start(KeyType.SECP256K1, HostConfig.builder().idleStreamTimeout(Duration.ofMillis(300)).build());
    b.setStreamHandler(HOLD, s -> {});
    Stream s = await(a.connect(dialAddr(b)).thenCompose(c -> c.newStream(HOLD)));
    long start = System.nanoTime();
    await(s.closeFuture());
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    assertThat(a.connection(b.peerId())).isPresent();
  }

  @Test
  void longLivedProtocolStreamsOutliveTheIdleTimeoutBothWays() {
    String quiet = "/quiet/1.0.0";
    HostConfig shortIdle = HostConfig.builder().idleStreamTimeout(Duration.ofMillis(200)).build();
    Host a = hosts.start(KeyType.SECP256K1, shortIdle);
    Host b = hosts.start(KeyType.SECP256K1, shortIdle);
    a.markLongLived(quiet);
    b.markLongLived(quiet);
    CompletableFuture<Stream> inbound = new CompletableFuture<>();
    b.setStreamHandler(quiet, inbound::complete);
    b.setStreamHandler(HOLD, s -> {});
    Connection c = await(a.connect(dialAddr(b)));
    Stream longLived = await(c.newStream(quiet));
    Stream ordinary = await(c.newStream(HOLD));
    Stream remoteEnd = await(inbound);
    // the ordinary stream's reset proves the idle timer ran, over several periods, meanwhile
    await(ordinary.closeFuture());
    long quietUntil = System.nanoTime() + Duration.ofMillis(1000).toNanos();
    while (System.nanoTime() < quietUntil) { // silence is the behaviour under test: five timeouts' worth
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
    assertThat(longLived.closeFuture()).isNotDone();
    assertThat(remoteEnd.closeFuture()).isNotDone();
    await(longLived.write("still here".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  @Test
  void dialingTheWrongPeerIdFailsClearly() {
    Host a = hosts.start();
    Host b = hosts.start();
    Host c = hosts.start();
    Multiaddr wrong =
        b.listenAddrs().get(0).encapsulate(Multiaddr.parse("/p2p/" + c.peerId().toBase58()));
    assertThatThrownBy(() -> a.connect(wrong).join())
        .hasCauseInstanceOf(HostException.class)
        .hasMessageContaining(c.peerId().toBase58());
    assertThat(a.connection(c.peerId())).isEmpty();
    assertThat(a.connection(b.peerId())).isEmpty();
  }

  @Test
  void muxerChosenByMultistreamWhenNotInlined() {
    Host a =
        hosts.start(
            KeyType.ED25519,
            HostConfig.builder().inlineMuxerNegotiation(false).muxers(HostConfig.MPLEX, HostConfig.YAMUX).build());
    Host b = hosts.start();
    Connection c = await(a.connect(dialAddr(b)));
    assertThat(c.muxer()).isEqualTo(HostConfig.MPLEX);
    assertThat(await(a.ping(b.peerId()))).isPositive();
  }

  @Test
  void noCommonMuxerFailsTheDial() {
    Host a = hosts.start(KeyType.ED25519, HostConfig.builder().muxers(HostConfig.YAMUX).build());
    Host b = hosts.start(KeyType.ED25519, HostConfig.builder().muxers(HostConfig.MPLEX).build());
    assertThatThrownBy(() -> a.connect(dialAddr(b)).join()).hasCauseInstanceOf(HostException.class);
  }

  @Test
  void configValidationRejectsNonsense() {
    assertThatThrownBy(() -> HostConfig.builder().maxStreamsPerConnection(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxStreamsPerConnection");
    assertThatThrownBy(() -> HostConfig.builder().handshakeTimeout(Duration.ZERO).build())
        .hasMessageContaining("handshakeTimeout");
    assertThatThrownBy(() -> HostConfig.builder().muxers("/spdy/3.1.0").build())
        .hasMessageContaining("unknown muxer");
  }
}
