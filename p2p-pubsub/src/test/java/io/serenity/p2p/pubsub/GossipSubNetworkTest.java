package io.serenity.p2p.pubsub;

import static io.serenity.p2p.host.TestHosts.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.host.Host;
import io.serenity.p2p.host.TestHosts;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Twenty Java gossipsub nodes on loopback in a sparse topology: every message reaches every other
 * subscriber exactly once, and after a third of the nodes are stopped, delivery among the rest stays
 * complete.
 */
class GossipSubNetworkTest {
  private static final String TOPIC = "net";
  private static final long SEED = 7;
  private final TestHosts hosts = new TestHosts();
  private final List<PubSub> nodes = new ArrayList<>();
  private final List<Host> hostList = new ArrayList<>();

  @AfterEach
  void close() {
    nodes.forEach(PubSub::close);
    hosts.close();
  }

  @Test
  void twentyNodesDeliverEverythingAndSurviveLosingAThird() throws Exception {
    int n = 20;
    int survivors = 13;
    Random random = new Random(SEED);
    List<Set<String>> received = new ArrayList<>();
    List<CountDownLatch[]> latches = new ArrayList<>();
    java.util.concurrent.atomic.AtomicInteger duplicates = new java.util.concurrent.atomic.AtomicInteger();
    CountDownLatch phase1 = new CountDownLatch(n * 10 - 10);
    CountDownLatch phase2 = new CountDownLatch(survivors * 10 - 10);
    for (int i = 0; i < n; i++) {
      Host h = hosts.start();
      hostList.add(h);
      PubSub ps = PubSub.gossipsub(h, PubSubConfig.defaults(), GossipSubParams.defaults());
      await(ps.start());
      nodes.add(ps);
      Set<String> got = ConcurrentHashMap.newKeySet();
      received.add(got);
      boolean survivor = i < survivors;
      ps.subscribe(TOPIC, m -> {
        String text = new String(m.data(), StandardCharsets.UTF_8);
        if (!got.add(text)) {
          duplicates.incrementAndGet();
        }
        if (text.startsWith("a")) {
          phase1.countDown();
        } else if (survivor) {
          phase2.countDown();
        }
      });
    }
    // survivors form a ring among themselves; everyone gets two random extra links
    Set<String> edges = new HashSet<>();
    for (int i = 0; i < survivors; i++) {
      link(i, (i + 1) % survivors, edges);
    }
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < 2; k++) {
        link(i, random.nextInt(n), edges);
      }
    }
    for (PubSub ps : nodes) {
      await(ps.whenMesh(TOPIC, 1));
    }

    for (int m = 0; m < 10; m++) {
      await(nodes.get(random.nextInt(n)).publish(TOPIC, ("a" + m).getBytes(StandardCharsets.UTF_8)));
    }
    assertThat(phase1.await(30, TimeUnit.SECONDS)).as("phase 1 deliveries left: %d", phase1.getCount()).isTrue();

    for (int i = survivors; i < n; i++) {
      nodes.get(i).close();
      hostList.get(i).close();
    }
    for (int i = 0; i < survivors; i++) {
      await(nodes.get(i).whenMesh(TOPIC, 1));
    }
    int[] published = new int[survivors];
    for (int m = 0; m < 10; m++) {
      int from = random.nextInt(survivors);
      published[from]++;
      await(nodes.get(from).publish(TOPIC, ("b" + m).getBytes(StandardCharsets.UTF_8)));
    }
    assertThat(phase2.await(30, TimeUnit.SECONDS)).as("phase 2 deliveries left: %d", phase2.getCount()).isTrue();
    assertThat(duplicates.get()).as("messages delivered twice to one subscriber").isZero();
    for (int i = 0; i < survivors; i++) {
      long mine = received.get(i).stream().filter(s -> s.startsWith("b")).count();
      // everything but its own messages (those are not delivered back)
      assertThat(mine).as("node %d", i).isEqualTo(10L - published[i]);
    }
  }

  private void link(int a, int b, Set<String> edges) {
    if (a == b || !edges.add(Math.min(a, b) + "-" + Math.max(a, b))) {
      return;
    }
    await(hostList.get(a).connect(TestHosts.dialAddr(hostList.get(b))));
  }
}
