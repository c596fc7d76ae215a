package io.serenity.p2p.discv5.service;

import static io.serenity.p2p.discv5.service.TestNodes.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.discv5.crypto.Secp256k1;
import io.serenity.p2p.discv5.table.NodeId;
import io.serenity.p2p.discv5.table.TableEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Periodic table refresh on 127.0.0.1: lookups nobody asked for fill the table. */
class TableRefreshTest {

  private final TestNodes nodes = new TestNodes();

  @AfterEach
  void tearDown() throws Exception {
    nodes.close();
  }

  @Test
  void refreshLookupsFillTheTable() throws Exception {
    // A hub that knows (and has heard from) 8 nodes; A knows only the hub and never runs a lookup itself.
    // The 8 sit at log distance 256 from the hub: a lookup asks the hub for three distances around the
    // target's distance from it, so a node at a small random distance (248, say) would only be found by the
    // rare random target near it, and the test would fail by chance (it did, once in a CI run). At 256,
    // half of all random targets, and the self lookup's neighbours, ask for their distance.
    Discv5Service hub = nodes.start(TestNodes.newKey(), b -> b.refresh(Duration.ZERO));
    List<NodeId> others = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Discv5Service o = nodes.start(keyAtDistance256(hub.localNodeId()), b -> b.refresh(Duration.ZERO));
      await(hub.ping(o.localEnr()));
      others.add(o.localNodeId());
    }
    Discv5Service a = nodes.start(TestNodes.newKey(), b -> b.refresh(Duration.ofMillis(200)));
    await(a.addEnr(hub.localEnr()));

    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    int polls = 0;
    Set<NodeId> known = Set.of();
    while (!known.containsAll(others)) {
      assertThat(System.nanoTime()).as("A's table after %d polls: %s", polls, known).isLessThan(deadline);
      assertThat(polls++).isLessThan(600);
      known = await(a.table()).stream().map(TableEntry::id).collect(Collectors.toSet());
      if (!known.containsAll(others)) {
        // Polling an eventual state (the refresh runs every 200 ms), bounded in polls and time.
        LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
      }
    }
    assertThat(known).contains(hub.localNodeId()).containsAll(others);
  }

  /** A fresh key whose node id differs from {@code from} in the first bit (log distance 256). */
  private static byte[] keyAtDistance256(NodeId from) {
    for (int i = 0; i < 1000; i++) {
      byte[] key = TestNodes.newKey();
      NodeId id = new NodeId(Secp256k1.nodeId(Secp256k1.publicKey(key)));
      if (from.logDistance(id) == 256) {
        return key;
      }
    }
    throw new AssertionError("no key at distance 256 in 1000 tries (each has a chance of one half)");
  }

  @Test
  void refreshIsOffWhenZeroAndThirtyMinutesByDefault() {
    assertThat(TestNodes.config(TestNodes.newKey()).build().refreshInterval()).isEqualTo(Duration.ofMinutes(30));
    Discv5Config off = TestNodes.config(TestNodes.newKey()).refresh(Duration.ZERO).build();
    assertThat(off.refreshInterval()).isZero();
  }
}
