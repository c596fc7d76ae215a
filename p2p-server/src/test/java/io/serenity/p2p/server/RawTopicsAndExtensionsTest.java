package io.serenity.p2p.server;

import static io.serenity.p2p.server.TestServers.addr;
import static io.serenity.p2p.server.TestServers.await;
import static io.serenity.p2p.server.TestServers.take;
import static io.serenity.p2p.server.TestServers.takeUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.event.Feed;
import io.serenity.p2p.host.HostConfig;
import io.serenity.p2p.host.NettyLeakCheck;
import io.serenity.p2p.pubsub.SignaturePolicy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the {@code p2p-node} command builds on: topics of raw bytes by name, extensions installed on
 * the host before it listens, and peer events that say enough to report a connection.
 */
@Timeout(120)
@ExtendWith(NettyLeakCheck.class)
class RawTopicsAndExtensionsTest {

  private static final byte[] HELLO = "hello".getBytes(StandardCharsets.UTF_8);

  @Test
  void aJoinedTopicDeliversTheBytesWithTheirAuthorForwarderAndId() {
    try (TestServers t = new TestServers()) {
      BlockingQueue<Message<byte[]>> got = new LinkedBlockingQueue<>();
      Server a = t.start(c -> {}, s -> s.joinTopic("chat").subscribe(got::add));
      Server b = t.start(c -> {}, s -> s.joinTopic("chat"));
      await(b.connect(addr(a)));
      await(b.whenTopicPeers("chat", 1));

      String id = await(b.publish("chat", HELLO));

      Message<byte[]> m = take(got);
      assertThat(m.data()).isEqualTo(HELLO);
      assertThat(m.peer()).isEqualTo(b.peerId());
      assertThat(m.context().topic()).isEqualTo("chat");
      assertThat(m.context().source()).isEqualTo(MessageContext.Source.PUBSUB);
      assertThat(m.context().messageId()).isEqualTo(id);
      assertThat(m.context().author()).contains(b.peerId()); // StrictSign: the signed author
      assertThat(m.context().receivedFrom()).contains(b.peerId());
      assertThat(a.droppedMessages("chat")).isZero();
    }
  }

  @Test
  void aHandedOverPayloadArrivesAsPublishedWithItsId() {
    try (TestServers t = new TestServers()) {
      BlockingQueue<Message<byte[]>> got = new LinkedBlockingQueue<>();
      Server a = t.start(c -> {}, s -> s.joinTopic("chat").subscribe(got::add));
      Server b = t.start(c -> {}, s -> s.joinTopic("chat"));
      await(b.connect(addr(a)));
      await(b.whenTopicPeers("chat", 1));

      String id = await(b.publishWithoutCopy("chat", HELLO.clone()));

      Message<byte[]> m = take(got);
      assertThat(m.data()).isEqualTo(HELLO);
      assertThat(m.context().messageId()).isEqualTo(id);
      assertThat(m.context().author()).contains(b.peerId());
    }
  }

  @Test
  void subscribersRunOnTheTopicsDeliveryThreadInArrivalOrder() {
    try (TestServers t = new TestServers()) {
      BlockingQueue<String> threads = new LinkedBlockingQueue<>();
      BlockingQueue<String> order = new LinkedBlockingQueue<>();
      Server a = t.start(c -> {}, s -> {
        Feed<Message<byte[]>> feed = s.joinTopic("chat");
        feed.subscribe(m -> {
          threads.add(Thread.currentThread().getName());
          order.add("first:" + new String(m.data(), StandardCharsets.UTF_8));
        });
        feed.subscribe(m -> order.add("second:" + new String(m.data(), StandardCharsets.UTF_8)));
      });
      Server b = t.start(c -> {}, s -> s.joinTopic("chat"));
      await(b.connect(addr(a)));
      await(b.whenTopicPeers("chat", 1));

      for (int i = 0; i < 3; i++) {
        await(b.publish("chat", ("m" + i).getBytes(StandardCharsets.UTF_8)));
      }

      // one hop from the router: the topic's own thread runs the consumers, no executor between
      for (int i = 0; i < 3; i++) {
        assertThat(take(threads)).startsWith("server-").contains("-topic-chat");
      }
      List<String> seen = new java.util.ArrayList<>();
      for (int i = 0; i < 6; i++) {
        seen.add(take(order));
      }
      assertThat(seen).containsExactly("first:m0", "second:m0", "first:m1", "second:m1", "first:m2", "second:m2");
    }
  }

  @Test
  void underStrictNoSignAMessageHasNoAuthorAndItsPeerIsTheForwarder() {
    try (TestServers t = new TestServers()) {
      BlockingQueue<Message<byte[]>> got = new LinkedBlockingQueue<>();
      Server a = t.start(c -> c.signaturePolicy(SignaturePolicy.STRICT_NO_SIGN),
          s -> s.joinTopic("chat").subscribe(got::add));
      Server b = t.start(c -> c.signaturePolicy(SignaturePolicy.STRICT_NO_SIGN), s -> s.joinTopic("chat"));
      await(b.connect(addr(a)));
      await(b.whenTopicPeers("chat", 1));

      await(b.publish("chat", HELLO));

      Message<byte[]> m = take(got);
      assertThat(m.context().author()).isEmpty();
      assertThat(m.context().receivedFrom()).contains(b.peerId());
      assertThat(m.peer()).isEqualTo(b.peerId());
    }
  }

  @Test
  void aTopicIsEitherJoinedOrRegisteredAndTooLargeAPublishIsRefused() {
    try (TestServers t = new TestServers()) {
      Server a = t.start(c -> c.maxGossipMessageSize(4), s -> s.joinTopic("chat"));
      assertThatThrownBy(() -> a.joinTopic("chat"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already joined");
      assertThatThrownBy(() -> a.registerTopic("chat", io.serenity.p2p.server.testpb.Puzzle.class))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already registered");
      assertThatThrownBy(() -> a.joinTopic("two words")).isInstanceOf(IllegalArgumentException.class);

      CompletableFuture<String> big = a.publish("chat", HELLO);
      assertThat(big).isCompletedExceptionally();
      assertThatThrownBy(big::join).hasCauseInstanceOf(ServerException.class)
          .hasMessageContaining("exceeds maxGossipMessageSize 4");
    }
  }

  @Test
  void anExtensionIsInstalledBeforeTheHostListensAndClosedWhenTheServerStops() {
    try (TestServers t = new TestServers()) {
      AtomicReference<List<?>> addrsAtInstall = new AtomicReference<>();
      AtomicBoolean closed = new AtomicBoolean();
      Server a = t.create(TestServers.loopback().build());
      a.addExtension(host -> {
        addrsAtInstall.set(host.listenAddrs());
        // the protocol is served from the first connection on
        host.setStreamHandler("/test/hello/1", s -> s.writeMessage(HELLO).thenCompose(v -> s.closeWrite()));
        return () -> closed.set(true);
      });
      a.start();
      assertThatThrownBy(() -> a.addExtension(h -> () -> {})).isInstanceOf(IllegalStateException.class);
      assertThat(addrsAtInstall.get()).isEmpty();

      Server b = t.start(c -> {}, s -> {});
      byte[] answer = await(b.connect(addr(a))
          .thenCompose(id -> b.host().newStream(id, "/test/hello/1"))
          .thenCompose(s -> s.readMessage(64)));
      assertThat(answer).isEqualTo(HELLO);

      a.stop();
      assertThat(closed).isTrue();
    }
  }

  @Test
  void anExtensionThatFailsToInstallFailsTheStartNamingIt() {
    try (TestServers t = new TestServers()) {
      Server a = t.create(TestServers.loopback().build());
      a.addExtension(host -> {
        throw new IllegalStateException("no such protocol");
      });
      assertThatThrownBy(a::start).isInstanceOf(ServerException.class).hasMessageContaining("no such protocol");
      assertThat(a.status().problem()).contains("stopped");
    }
  }

  @Test
  void peerEventsCarryAddressMuxerAndAgentAndReportAFailedStaticDial() throws Exception {
    try (TestServers t = new TestServers()) {
      Server b = t.start(c -> c.hostConfig(HostConfig.builder().agentVersion("peer-b/1.0").build()), s -> {});
      BlockingQueue<PeerEvent> events = new LinkedBlockingQueue<>();
      PeerId nobody = PeerId.fromPublicKey(PrivateKey.generate(KeyType.SECP256K1).publicKey());
      int deadPort;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        deadPort = s.getLocalPort(); // closed again: dials there are refused
      }
      Server a = t.start(
          c -> c.staticPeers(addr(b), "/ip4/127.0.0.1/tcp/" + deadPort + "/p2p/" + nobody),
          s -> s.peerEvents().subscribe(events));

      PeerEvent.Connected c = (PeerEvent.Connected) takeUntil(events,
          e -> e instanceof PeerEvent.Connected x && x.peer().equals(b.peerId()));
      assertThat(c.direction()).isEqualTo(Peer.Direction.OUTBOUND);
      assertThat(c.remoteAddr().toString()).startsWith("/ip4/127.0.0.1/tcp/");
      assertThat(c.muxer()).isEqualTo(HostConfig.YAMUX);
      PeerEvent.Identified i = (PeerEvent.Identified) takeUntil(events,
          e -> e instanceof PeerEvent.Identified x && x.peer().equals(b.peerId()));
      assertThat(i.agentVersion()).isEqualTo("peer-b/1.0");
      assertThat(i.protocols()).isNotEmpty();
      PeerEvent.DialFailed f = (PeerEvent.DialFailed) takeUntil(events, e -> e instanceof PeerEvent.DialFailed);
      assertThat(f.peer()).isEqualTo(nobody);
      assertThat(f.reason()).isNotBlank();
      assertThat(a.peers()).extracting(Peer::id).containsExactly(b.peerId());
    }
  }
}
