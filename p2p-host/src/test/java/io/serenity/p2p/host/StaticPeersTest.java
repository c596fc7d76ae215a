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
  @org.junit.jupiter.api.Disabled("open bug (docs/testing.md, Open): under CPU load the redial after a cut "
      + "sometimes leaves no PeerConnected event and no connection the remote still holds; fails 5 to 7 of 8 runs "
      + "under scripts/hunt-flaky --load 2, whatever the backoff (20 ms or 1 s)")
  void aPeerThatDropsIsRedialledEachTime() throws Exception {
    Host a = hosts.start();
    Host b = hosts.start();
    LinkedBlockingQueue<Connection> seen = connections(a, b.peerId());
    StaticPeers kept = new StaticPeers(a, executor, List.of(info(b)), Duration.ofMillis(20), Duration.ofMillis(200));
    kept.start();
    Connection first = next(seen);
    assertThat(first.isInitiator()).isTrue();
    for (int i = 0; i < 3; i++) {
      // the remote cuts the connection (as a partition outlasting keep-alive would): we dial again
      await(b.disconnect(a.peerId()));
      Connection again = next(seen);
      assertThat(again.isInitiator()).as("redialled by us").isTrue();
      assertThat(again).isNotSameAs(first);
      first = again;
    }
    kept.stop();
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
