package io.serenity.p2p.server;

import static io.serenity.p2p.server.TestServers.await;
import static io.serenity.p2p.server.TestServers.loopback;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.event.FeedClosedException;
import io.serenity.p2p.event.Subscription;
import io.serenity.p2p.host.NettyLeakCheck;
import io.serenity.p2p.server.testpb.Puzzle;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
@ExtendWith(NettyLeakCheck.class)
class ServerLifecycleTest {

  @Test
  void statusSaysWhyItIsNotHealthy() {
    try (TestServers t = new TestServers()) {
      Server a = t.create(loopback().minPeers(1).build());
      assertThat(a.status().healthy()).isFalse();
      assertThat(a.status().problem()).contains("not started");
      a.start();
      assertThat(a.status().problem()).contains("fewer than 1 peers (have 0)");
      assertThatThrownBy(() -> a.status().orThrow()).hasMessage("fewer than 1 peers (have 0)");

      Server b = t.start(c -> {}, s -> {});
      await(b.connect(TestServers.addr(a)));
      assertThat(b.status().healthy()).isTrue();
      assertThat(b.status().peers()).isEqualTo(1);
      assertThat(b.status().orThrow().problem()).isEmpty();

      a.stop();
      assertThat(a.status().problem()).contains("stopped");
    }
  }

  @Test
  void aGossipLimitAboveTheHostsDefaultReadBufferStillStarts() {
    // 6 MiB gossip messages need RPC reads above the host's default 4 MiB stream read buffer
    try (TestServers t = new TestServers()) {
      Server a = t.create(loopback().maxGossipMessageSize(6 << 20).maxDirectMessageSize(1 << 20).build());
      a.start();
      assertThat(a.status().problem()).as("started and healthy").isEmpty();
    }
  }

  @Test
  void aTakenPortIsReportedAtStart() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        TestServers t = new TestServers()) {
      int port = taken.getLocalPort();
      Server s = t.create(loopback().listen("/ip4/127.0.0.1/tcp/" + port).build());
      assertThatThrownBy(s::start)
          .isInstanceOf(ServerException.class)
          .hasMessageStartingWith("port " + port + " already taken");
      assertThat(s.status().problem()).contains("stopped");
      assertThatThrownBy(s::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("stopped");
    }
  }

  @Test
  void anUnreadableKeyFileIsReportedAtStart(@TempDir Path dir) {
    Path missing = dir.resolve("missing.key");
    try (TestServers t = new TestServers()) {
      Server s = t.create(loopback().privateKeyFile(missing).build());
      assertThatThrownBy(s::start)
          .isInstanceOf(ServerException.class)
          .hasMessage("cannot read private key file " + missing + ": no such file");
    }
  }

  @Test
  void aBadKeyFileIsReportedAtStart(@TempDir Path dir) throws Exception {
    Path junk = dir.resolve("junk.key");
    Files.writeString(junk, "not hex at all");
    try (TestServers t = new TestServers()) {
      Server s = t.create(loopback().privateKeyFile(junk).build());
      assertThatThrownBy(s::start)
          .isInstanceOf(ServerException.class)
          .hasMessageStartingWith("cannot read private key file " + junk + ": ");
    }
  }

  @Test
  void theKeyFileGivesTheIdentity(@TempDir Path dir) {
    PrivateKey key = PrivateKey.generate(KeyType.SECP256K1);
    Path file = dir.resolve("node.key");
    key.saveHex(file);
    try (TestServers t = new TestServers()) {
      Server s = t.create(loopback().privateKeyFile(file).build());
      s.start();
      assertThat(s.peerId()).isEqualTo(PeerId.fromPublicKey(key.publicKey()));
      assertThat(TestServers.addr(s)).endsWith("/p2p/" + s.peerId());
    }
  }

  @Test
  void badAddressesAreReportedAtStart() {
    try (TestServers t = new TestServers()) {
      Server listen = t.create(loopback().listen("ip4/127.0.0.1/tcp/0").build());
      assertThatThrownBy(listen::start)
          .isInstanceOf(ServerException.class)
          .hasMessage("bad listen address 'ip4/127.0.0.1/tcp/0': invalid multiaddr, must begin with /");
      Server statics = t.create(loopback().staticPeers("/ip4/127.0.0.1/tcp/1").build());
      assertThatThrownBy(statics::start)
          .isInstanceOf(ServerException.class)
          .hasMessageStartingWith("bad static peer address '/ip4/127.0.0.1/tcp/1': ");
      Server boot = t.create(loopback().bootstrapPeers("/dns4/x/tcp/1/p2p/notapeerid0").build());
      assertThatThrownBy(boot::start)
          .isInstanceOf(ServerException.class)
          .hasMessageStartingWith("bad bootstrap peer address '/dns4/x/tcp/1/p2p/notapeerid0': ");
    }
  }

  @Test
  void advertisedAddressesGoToTheHostAheadOfTheListenAddresses() {
    try (TestServers t = new TestServers()) {
      Server s = t.start(b -> b.advertise("/ip4/203.0.113.7/tcp/13000", "/dns4/node.example.org/tcp/13000"), x -> {});
      String me = "/p2p/" + s.peerId().toBase58();
      assertThat(s.host().config().advertiseAddrs()).containsExactly(
          Multiaddr.parse("/ip4/203.0.113.7/tcp/13000"), Multiaddr.parse("/dns4/node.example.org/tcp/13000"));
      assertThat(s.advertisedAddrs()).containsExactly(
          Multiaddr.parse("/ip4/203.0.113.7/tcp/13000" + me),
          Multiaddr.parse("/dns4/node.example.org/tcp/13000" + me),
          s.listenAddrs().get(0));
    }
  }

  @Test
  void badAdvertiseAddressesAreReportedAtStart() {
    try (TestServers t = new TestServers()) {
      Server text = t.create(loopback().advertise("ip4/203.0.113.7/tcp/13000").build());
      assertThatThrownBy(text::start)
          .isInstanceOf(ServerException.class)
          .hasMessageStartingWith("bad advertise address 'ip4/203.0.113.7/tcp/13000': ");
      Server wildcard = t.create(loopback().advertise("/ip4/0.0.0.0/tcp/13000").build());
      assertThatThrownBy(wildcard::start)
          .isInstanceOf(ServerException.class)
          .hasMessageStartingWith("bad advertise address: ")
          .hasMessageContaining("wildcard");
    }
  }

  @Test
  void stopIsIdempotentReleasesThePortAndLaterCallsFailClearly() throws Exception {
    try (TestServers t = new TestServers()) {
      Server a = t.create(loopback().build());
      a.registerTopic("puzzles", Puzzle.class);
      LinkedBlockingQueue<Message<Puzzle>> q = new LinkedBlockingQueue<>();
      Subscription sub = a.feed(Puzzle.class).subscribe(q);
      a.start();
      int port = a.listenAddrs().get(0).toTcpSocketAddress().getPort();
      PeerId id = a.peerId();
      a.stop();
      a.stop();
      a.close();

      assertThat(sub.isActive()).isFalse();
      assertThat(sub.err())
          .failsWithin(Duration.ofSeconds(5))
          .withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(FeedClosedException.class);
      Puzzle p = Puzzle.newBuilder().setChallenge("x").build();
      assertThatThrownBy(() -> a.broadcast(p)).isInstanceOf(IllegalStateException.class).hasMessage("server is stopped");
      assertThatThrownBy(() -> a.send(p, id)).isInstanceOf(IllegalStateException.class).hasMessage("server is stopped");
      assertThatThrownBy(() -> a.registerTopic("other", io.serenity.p2p.server.testpb.Note.class))
          .isInstanceOf(IllegalStateException.class).hasMessage("server is stopped");
      assertThatThrownBy(() -> a.feed(Puzzle.class)).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(a::peers).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(a::start).isInstanceOf(IllegalStateException.class);

      // the port is free again
      Server b = t.create(loopback().listen("/ip4/127.0.0.1/tcp/" + port).build());
      b.start();
      assertThat(b.listenAddrs().get(0).toTcpSocketAddress().getPort()).isEqualTo(port);
    }
  }

  @Test
  void callsBeforeStartFailClearly() {
    try (TestServers t = new TestServers()) {
      Server a = t.create(loopback().build());
      assertThatThrownBy(() -> a.broadcast(Puzzle.getDefaultInstance()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("server is not started");
      // registering and subscribing before start is fine
      a.registerTopic("puzzles", Puzzle.class);
      a.subscribe(Puzzle.class, m -> {});
      a.start();
      assertThatThrownBy(a::start).isInstanceOf(IllegalStateException.class).hasMessage("server is already started");
    }
  }
}
