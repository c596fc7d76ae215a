package io.serenity.p2p.host;

import static io.serenity.p2p.host.TestHosts.await;
import static io.serenity.p2p.host.TestHosts.dialAddr;
import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.KeyType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Trimming between the watermarks by value, protections and the grace period. */
class ConnectionManagerTest {
  private final TestHosts hosts = new TestHosts();

  @AfterEach
  void close() {
    hosts.close();
  }

  private static Set<PeerId> disconnections(Host h, int count, CompletableFuture<Void> done) {
    Set<PeerId> gone = ConcurrentHashMap.newKeySet();
    h.addListener(e -> {
      if (e instanceof HostEvent.PeerDisconnected d && gone.add(d.peer()) && gone.size() >= count) {
        done.complete(null);
      }
    });
    return gone;
  }

  @Test
  void aCrowdOfIdlePeersIsTrimmedByValueAndProtectedPeersStay() {
    // no grace: every connection may be trimmed at once
    Host node = hosts.start(KeyType.SECP256K1,
        HostConfig.builder().connectionWatermarks(3, 5).connectionGracePeriod(Duration.ZERO).build());
    List<Host> crowd = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      crowd.add(hosts.start());
    }
    PeerId valuable = crowd.get(0).peerId();
    PeerId protectedPeer = crowd.get(1).peerId();
    node.connectionManager().tag(valuable, "mesh", 20);
    node.connectionManager().protect(protectedPeer, "static");
    node.connectionManager().tag(crowd.get(2).peerId(), "useful", 5);
    CompletableFuture<Void> trimmed = new CompletableFuture<>();
    Set<PeerId> gone = disconnections(node, 3, trimmed);
    for (Host h : crowd) {
      await(h.connect(dialAddr(node)));
    }
    // the sixth connection crossed the high watermark (5): trimmed to the low one (3)
    await(trimmed);
    assertThat(gone).hasSize(3).doesNotContain(valuable, protectedPeer, crowd.get(2).peerId());
    assertThat(node.connections()).hasSize(3);
    assertThat(node.connectionManager().trimmedCount()).isEqualTo(3);
  }

  @Test
  void connectionsInTheirGracePeriodAreNotTrimmed() throws Exception {
    AtomicLong now = new AtomicLong();
    Host node = hosts.start(KeyType.SECP256K1,
        HostConfig.builder().connectionWatermarks(1, 2).connectionGracePeriod(Duration.ofMinutes(10)).build(),
        "/ip4/127.0.0.1/tcp/0", b -> b.clock(now::get));
    java.util.concurrent.CountDownLatch threeConnected = new java.util.concurrent.CountDownLatch(3);
    node.addListener(e -> {
      if (e instanceof HostEvent.PeerConnected) {
        threeConnected.countDown();
      }
    });
    Host old = hosts.start();
    await(old.connect(dialAddr(node)));
    Host young1 = hosts.start();
    Host young2 = hosts.start();
    await(young1.connect(dialAddr(node)));
    await(young2.connect(dialAddr(node)));
    // the dialers' connects complete before the node has adopted the connections: await the node's side
    assertThat(threeConnected.await(TestHosts.TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)).isTrue();
    // all three are within the 10-minute grace period: nothing can be trimmed yet
    assertThat(node.connectionManager().trim()).isZero();
    assertThat(node.connections()).hasSize(3);
    // the node's clock, not the wall clock, ages the connections: past the grace all may go
    now.addAndGet(Duration.ofMinutes(10).toNanos());
    CompletableFuture<Void> twoGone = new CompletableFuture<>();
    disconnections(node, 2, twoGone);
    assertThat(node.connectionManager().trim()).isEqualTo(2);
    await(twoGone);
    assertThat(node.connections()).hasSize(1);
  }

  @Test
  void tagsAddUpAndProtectionsNest() {
    Host node = hosts.start();
    PeerId p = hosts.start().peerId();
    ConnectionManager cm = node.connectionManager();
    cm.tag(p, "a", 5);
    cm.tag(p, "b", -2);
    cm.tag(p, "a", 7);
    assertThat(cm.value(p)).isEqualTo(5);
    cm.untag(p, "b");
    assertThat(cm.value(p)).isEqualTo(7);
    cm.protect(p, "static");
    cm.protect(p, "direct");
    assertThat(cm.unprotect(p, "static")).isTrue();
    assertThat(cm.isProtected(p)).isTrue();
    assertThat(cm.unprotect(p, "direct")).isFalse();
    assertThat(cm.isProtected(p)).isFalse();
  }
}
