package io.serenity.p2p.discv5.service;

import static io.serenity.p2p.discv5.service.TestNodes.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.discv5.table.NodeId;
import io.serenity.p2p.discv5.table.TableEntry;
import io.serenity.p2p.eth2.enr.Enr;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Sixteen services in one JVM, bootstrapped from node 0, find each other with lookups. */
class Discv5NetworkTest {

  private static final int N = 16;
  private static final long DEADLINE_MS = 60_000;
  private final TestNodes nodes = new TestNodes();

  @AfterEach
  void stop() throws Exception {
    nodes.close();
  }

  @Test
  void everyNodeFindsEveryOtherAndLookupsMatchBruteForce() throws Exception {
    List<Discv5Service> net = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      net.add(nodes.start());
    }
    Enr boot = net.get(0).localEnr();
    for (int i = 1; i < N; i++) {
      await(net.get(i).addEnr(boot));
    }
    Set<NodeId> all = new HashSet<>();
    net.forEach(s -> all.add(s.localNodeId()));

    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MS);
    Random targets = new Random(7);
    int rounds = 0;
    while (!everyTableIsComplete(net, all)) {
      assertThat(System.nanoTime() - deadline).as("tables complete within %d ms", DEADLINE_MS).isNegative();
      rounds++;
      List<CompletableFuture<List<Enr>>> lookups = new ArrayList<>();
      for (Discv5Service s : net) {
        lookups.add(s.lookup(s.localNodeId()));
        byte[] t = new byte[32];
        targets.nextBytes(t);
        lookups.add(s.lookup(new NodeId(t)));
      }
      for (CompletableFuture<List<Enr>> l : lookups) {
        await(l);
      }
    }
    assertThat(rounds).isLessThanOrEqualTo(10);

    for (String hex : List.of("00".repeat(32), "ff".repeat(32), "80" + "00".repeat(31))) {
      NodeId target = NodeId.fromHex(hex);
      for (Discv5Service s : List.of(net.get(0), net.get(5), net.get(N - 1))) {
        List<NodeId> expected = all.stream().filter(id -> !id.equals(s.localNodeId()))
            .sorted(target::compareDistance).limit(16).toList();
        List<NodeId> found = await(s.lookup(target)).stream().map(e -> new NodeId(e.nodeId())).toList();
        assertThat(found).as("lookup of %s from %s", target, s.localNodeId()).isEqualTo(expected);
      }
    }
  }

  private static boolean everyTableIsComplete(List<Discv5Service> net, Set<NodeId> all) throws Exception {
    for (Discv5Service s : net) {
      Set<NodeId> known = new HashSet<>();
      for (TableEntry e : await(s.table())) {
        known.add(e.id());
      }
      known.add(s.localNodeId());
      if (!known.equals(all)) {
        return false;
      }
    }
    return true;
  }
}
