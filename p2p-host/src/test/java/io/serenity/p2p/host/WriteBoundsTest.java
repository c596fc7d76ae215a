package io.serenity.p2p.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.protocol.ping.Ping;
import io.serenity.p2p.transport.WriteBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Peers that stop reading TCP while our streams write to them, over real loopback connections. The
 * node's producers are honest (each awaits its write before the next), but many streams together
 * would queue far more than the bounds: the node holds no more than its per-connection and node
 * bounds, the stream or connection at fault is reset or closed, and a third peer is served all the
 * while.
 */
@org.junit.jupiter.api.extension.ExtendWith(NettyLeakCheck.class)
class WriteBoundsTest {

  private static final String FIREHOSE = "/test/firehose/1.0.0";
  private static final int MIB = 1 << 20;

  private final TestHosts hosts = new TestHosts();
  /** Completes with the first write that failed on any firehose stream. */
  private final CompletableFuture<Throwable> firstFailure = new CompletableFuture<>();

  @AfterEach
  void close() {
    hosts.close();
  }

  /**
   * Serves {@link #FIREHOSE}: once the peer sent a byte, writes {@code chunk}-byte blocks, each once
   * the previous one was written, until a write fails.
   */
  private void serveFirehose(Host h, int chunk) {
    byte[] block = new byte[chunk];
    h.setStreamHandler(FIREHOSE, s -> s.readExactly(1).thenRun(() -> Thread.ofVirtual().start(() -> {
      try {
        while (true) {
          s.write(block).get(TestHosts.TIMEOUT.toMillis() * 4, TimeUnit.MILLISECONDS);
        }
      } catch (Exception e) {
        firstFailure.complete(e.getCause() != null ? e.getCause() : e);
      }
    })));
  }

  /** Opens {@code n} firehose streams from {@code attacker} to {@code victim}, stops reading, starts them. */
  private static Connection flood(Host attacker, Host victim, int n) {
    Connection c = TestHosts.await(attacker.connect(TestHosts.dialAddr(victim)));
    List<Stream> streams = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      streams.add(TestHosts.await(c.newStream(FIREHOSE)));
    }
    c.channel().config().setAutoRead(false); // from now on the attacker reads nothing
    for (Stream s : streams) {
      s.write(new byte[] {1});
    }
    return c;
  }

  private Host victim(String muxer, long perConnection, long node, int chunk) {
    Host h = hosts.start(KeyType.SECP256K1, HostConfig.builder().muxers(muxer).writeBuffers(perConnection, node).build());
    serveFirehose(h, chunk);
    return h;
  }

  private void honestPeerIsServed(Host victim) {
    Host honest = hosts.start();
    TestHosts.await(honest.connect(TestHosts.dialAddr(victim)));
    assertThat(TestHosts.await(Ping.ping(honest, victim.peerId(), 3))).hasSize(3);
  }

  @Test
  void mplexResetsTheStreamsWhoseWritesWouldPassTheConnectionBound() {
    Host victim = victim(HostConfig.MPLEX, MIB, 64L * MIB, 512 * 1024);
    Host attacker = hosts.start(KeyType.SECP256K1, HostConfig.builder().muxers(HostConfig.MPLEX).build());

    flood(attacker, victim, 64); // 64 x 512 KiB in flight: 32 MiB, far beyond the kernel's buffers

    Throwable failure = TestHosts.await(firstFailure);
    assertThat(failure).hasMessageContaining("connection write buffer limit");
    WriteBudget budget = victim.writeBudget();
    assertThat(budget.maxSocketQueuedBytes()).isLessThanOrEqualTo(MIB);
    assertThat(budget.maxQueuedBytes()).isLessThanOrEqualTo(MIB);
    assertThat(budget.hits()).containsKey(new WriteBudget.Hit(WriteBudget.Scope.CONNECTION, "mplex"));
    honestPeerIsServed(victim);
  }

  @Test
  void yamuxClosesAConnectionWhosePeerGrantsWindowButDoesNotRead() {
    Host victim = victim(HostConfig.YAMUX, MIB, 64L * MIB, 64 * 1024);
    EventRecorder events = new EventRecorder(victim);
    Host attacker = hosts.start(KeyType.SECP256K1, HostConfig.builder().muxers(HostConfig.YAMUX).build());

    // each stream may send its 256 KiB window: 128 of them would put 32 MiB in the socket buffer
    flood(attacker, victim, 128);

    events.await(HostEvent.PeerDisconnected.class, e -> e.peer().equals(attacker.peerId()));
    WriteBudget budget = victim.writeBudget();
    assertThat(budget.maxSocketQueuedBytes()).isLessThanOrEqualTo(MIB);
    assertThat(budget.hits()).containsKey(new WriteBudget.Hit(WriteBudget.Scope.CONNECTION, "yamux"));
    honestPeerIsServed(victim);
    assertThat(budget.queuedBytes()).as("everything of the closed connection was given back")
        .isLessThan(MIB);
  }

  @Test
  void overTheNodeBoundTheConnectionHoldingTheMostIsClosed() {
    Host victim = victim(HostConfig.MPLEX, 4L * MIB, 6L * MIB, 512 * 1024);
    EventRecorder events = new EventRecorder(victim);
    Host first = hosts.start(KeyType.SECP256K1, HostConfig.builder().muxers(HostConfig.MPLEX).build());
    Host second = hosts.start(KeyType.SECP256K1, HostConfig.builder().muxers(HostConfig.MPLEX).build());

    flood(first, victim, 64);
    // the first attacker's connection reached its own bound (4 MiB): a stream was reset there
    TestHosts.await(firstFailure);
    flood(second, victim, 64);

    // 4 MiB + the second's growing share pass 6 MiB: the first, holding the most, is closed
    events.await(HostEvent.PeerDisconnected.class, e -> e.peer().equals(first.peerId()));
    WriteBudget budget = victim.writeBudget();
    assertThat(budget.maxQueuedBytes()).isLessThanOrEqualTo(6L * MIB);
    assertThat(budget.hits()).containsKey(new WriteBudget.Hit(WriteBudget.Scope.NODE, "mplex"));
    assertThat(victim.connection(second.peerId())).isPresent();
    honestPeerIsServed(victim);
  }
}
