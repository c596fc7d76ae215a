package io.serenity.p2p.host;

import static io.serenity.p2p.host.TestHosts.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.core.PeerInfo;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link StaticPeers}: dials at start, redials a peer whenever it drops, reports failed dials. */
class StaticPeersTest {
  private final TestHosts hosts = new TestHosts();
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void close() {
    executor.shutdownNow();
    hosts.close();
  }

  private static PeerInfo info(Host h) {
    return PeerInfo.makePeer(TestHosts.dialAddr(h).toString()); // names the peer id
  }

  /** Connections to {@code peer} that {@code h} sees open, in order. */
  private static LinkedBlockingQueue<Connection> connections(Host h, PeerId peer) {
    LinkedBlockingQueue<Connection> q = new LinkedBlockingQueue<>();
    h.addListener(e -> {
      if (e instanceof HostEvent.PeerConnected c && c.peer().equals(peer)) {
        q.add(c.connection());
      }
    });
    return q;
  }

  private static Connection next(LinkedBlockingQueue<Connection> q) throws InterruptedException {
    Connection c = q.poll(TestHosts.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(c).as("a connection within " + TestHosts.TIMEOUT).isNotNull();
    return c;
  }

  @Test
  void aPeerThatDropsIsRedialledEachTime() throws Exception {
    Host a = hosts.start();
    Host b = hosts.start();
    LinkedBlockingQueue<Connection> seen = connections(a, b.peerId());
    LinkedBlockingQueue<Connection> seenByB = connections(b, a.peerId());
    StaticPeers kept = new StaticPeers(a, executor, List.of(info(b)), Duration.ofMillis(20), Duration.ofMillis(200));
    kept.start();
    Connection first = next(seen);
    assertThat(first.isInitiator()).isTrue();
    for (int i = 0; i < 3; i++) {
      // The dialer finishes its handshake before the listener does: cut only once b holds the
      // connection too, or b's disconnect finds nothing to close.
      Connection atB = next(seenByB);
      assertThat(atB.isInitiator()).as("b accepted it").isFalse();
      // the remote cuts the connection (as a partition outlasting keep-alive would): we dial again
      await(b.disconnect(a.peerId()));
      Connection again = next(seen);
      assertThat(again.isInitiator()).as("redialled by us").isTrue();
      assertThat(again).isNotSameAs(first);
      first = again;
    }
    kept.stop();
  }

  /**
   * A new connection can be adopted while the peer's previous one is closed but its close callback
   * has not run yet (the socket is closed on one event loop, the new connection registered on
   * another). The host must still report the disconnect and then the new connect. The window is
   * held open here by closing the old socket without completing its close future.
   */
  @Test
  void aReconnectAdoptedBeforeTheOldCloseCallbackIsStillReported() throws Exception {
    Host a = hosts.start();
    Host b = hosts.start();
    LinkedBlockingQueue<HostEvent> events = new LinkedBlockingQueue<>();
    b.addListener(e -> {
      if (e instanceof HostEvent.PeerConnected || e instanceof HostEvent.PeerDisconnected) {
        events.add(e);
      }
    });
    Connection c = await(a.connect(info(b)));
    HostEvent connected = events.poll(TestHosts.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(connected).isInstanceOf(HostEvent.PeerConnected.class);
    Connection old = ((HostEvent.PeerConnected) connected).connection();

    // Hold the window open: on the old connection's event loop, close its socket and then keep
    // that loop busy, so its close callback cannot run. b has two event loops, used in turn (its
    // listener took the first, the old connection the second), so the new connection is adopted
    // on the other one.
    CompletableFuture<Void> socketClosed = new CompletableFuture<>();
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    old.channel().eventLoop().execute(() -> {
      old.channel().unsafe().closeForcibly(); // the socket closes; the close future does not complete
      socketClosed.complete(null);
      try {
        release.await(TestHosts.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    HostEvent disconnected;
    HostEvent again;
    try {
      await(socketClosed);
      await(c.closeFuture()); // a saw the cut
      assertThat(old.closeFuture()).isNotDone();
      await(a.connect(info(b)));
      disconnected = events.poll(TestHosts.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      again = events.poll(TestHosts.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(old.closeFuture()).as("the window was held open").isNotDone();
    } finally {
      release.countDown();
    }
    assertThat(disconnected).as("the old connection's end").isInstanceOf(HostEvent.PeerDisconnected.class);
    assertThat(again).as("the new connection").isInstanceOf(HostEvent.PeerConnected.class);
    Connection current = ((HostEvent.PeerConnected) again).connection();
    assertThat(current).isNotSameAs(old);
    assertThat(current.channel().eventLoop()).isNotSameAs(old.channel().eventLoop());
    assertThat(b.connection(a.peerId())).contains(current);

    // the old close callback runs late: it must neither report again nor drop the new connection
    old.channel().close();
    await(old.closeFuture());
    assertThat(b.connection(a.peerId())).contains(current);
    current.close();
    await(current.closeFuture());
    assertThat(List.copyOf(events)).hasSize(1).first().isInstanceOf(HostEvent.PeerDisconnected.class);
  }

  @Test
  void anUnreachablePeerIsReportedAndRetried() throws Exception {
    Host a = hosts.start();
    Host absent = hosts.start();
    PeerInfo gone;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      // a port nobody listens on once this socket closes
      gone = PeerInfo.makePeer("/ip4/127.0.0.1/tcp/" + s.getLocalPort() + "/p2p/" + absent.peerId());
    }
    LinkedBlockingQueue<Throwable> failures = new LinkedBlockingQueue<>();
    StaticPeers kept = new StaticPeers(a, executor, List.of(gone), Duration.ofMillis(10), Duration.ofMillis(40));
    kept.onFailure((p, err) -> {
      assertThat(p.id()).isEqualTo(absent.peerId());
      failures.add(err);
    });
    kept.start();
    // reported at the 1st failure, then at the 2nd and 4th: the retries go on
    for (int i = 0; i < 3; i++) {
      assertThat(failures.poll(TestHosts.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).as("failure report %d", i).isNotNull();
    }
    kept.stop();
  }

  @Test
  void aBackoffThatIsNotPositiveOrInvertedIsRefused() {
    Host a = hosts.start();
    assertThatThrownBy(() -> new StaticPeers(a, executor, List.of(), Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backoff");
    assertThatThrownBy(() -> new StaticPeers(a, executor, List.of(), Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backoff");
  }
}
