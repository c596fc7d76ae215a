package io.serenity.p2p.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.discv5.crypto.RandomSource;
import io.serenity.p2p.discv5.service.Discv5Service;
import io.serenity.p2p.discv5.table.NodeId;
import io.serenity.p2p.discv5.table.TableEntry;
import io.serenity.p2p.eth2.enr.Enr;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A mixed network on 127.0.0.1: 10 Java {@link Discv5Service} nodes in this JVM and 10
 * {@code @chainsafe/discv5} 11.0.0 processes, chained so that each node knows only the one before it
 * (a ring, alternating Java and js). Rounds of lookups (a self lookup first, then random targets) run
 * until every node's table holds all 19 others, bounded in rounds and time; then Java lookups for fixed
 * targets must return the 16 closest ids by brute force over the 20.
 */
class Discv5NetworkInteropTest {

  private static final int JAVA_NODES = 10;
  private static final int JS_NODES = 10;
  private static final int MAX_ROUNDS = 8;
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  private final List<Discv5Service> java = new ArrayList<>();
  private final List<JsDiscv5Peer> js = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (JsDiscv5Peer p : js) {
      p.close();
    }
    for (Discv5Service s : java) {
      s.stop().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void everyNodeFindsEveryOtherThroughLookups() throws Exception {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    // js processes start slowly: start them all at once, then the Java nodes while they boot.
    for (int i = 0; i < JS_NODES; i++) {
      js.add(JsDiscv5Peer.start("--request-timeout-ms", "2000", "--timeout-ms", "20000"));
    }
    for (int i = 0; i < JAVA_NODES; i++) {
      Discv5Service s = new Discv5Service(
          Discv5InteropTest.javaConfig(RandomSource.secure().ephemeralKey()).build());
      java.add(s);
      s.start().get(10, TimeUnit.SECONDS);
    }
    // The ring: position 2k is Java node k, 2k + 1 is js node k; each node is told of its predecessor only.
    List<Enr> ring = new ArrayList<>();
    for (int k = 0; k < JAVA_NODES; k++) {
      ring.add(java.get(k).localEnr());
      ring.add(Enr.fromText(js.get(k).enr()));
    }
    int n = ring.size();
    for (int k = 0; k < JAVA_NODES; k++) {
      Enr before = ring.get((2 * k - 1 + n) % n);
      assertThat(Discv5InteropTest.await(java.get(k).addEnr(before))).isTrue();
    }
    for (int k = 0; k < JS_NODES; k++) {
      js.get(k).request(js.get(k).command("add-enr").put("enr", ring.get(2 * k).toText()), Duration.ofSeconds(20));
    }
    List<String> allIds = ring.stream().map(e -> new NodeId(e.nodeId()).toString()).toList();

    int rounds = 0;
    List<String> missing = missing(allIds);
    while (!missing.isEmpty()) {
      assertThat(rounds).as("rounds of lookups; still missing: %s", missing).isLessThan(MAX_ROUNDS);
      assertThat(System.nanoTime()).as("deadline of %s; still missing: %s", DEADLINE, missing).isLessThan(deadline);
      String target = rounds == 0 ? "self" : "random";
      List<CompletableFuture<List<Enr>>> javaLookups = new ArrayList<>();
      for (Discv5Service s : java) {
        javaLookups.add(s.lookup(rounds == 0 ? s.localNodeId() : randomId()));
      }
      // js lookups ask every node they hear of: one at a time keeps crossing handshakes between js nodes
      // (each costs a request timeout) rare.
      for (JsDiscv5Peer p : js) {
        if (!jsTable(p).containsAll(others(allIds, p.nodeId()))) {
          p.request(p.command("lookup").put("target", target), Duration.ofSeconds(25));
        }
      }
      for (CompletableFuture<List<Enr>> f : javaLookups) {
        f.get(70, TimeUnit.SECONDS);
      }
      rounds++;
      missing = missing(allIds);
    }

    System.out.printf("discv5 mixed network: %d Java + %d js nodes complete after %d round(s) of lookups, %d ms%n",
        JAVA_NODES, JS_NODES, rounds, (System.nanoTime() - deadline + DEADLINE.toNanos()) / 1_000_000);
    // Every table is complete; Java lookups now find the true 16 closest (js lookups do not sort: see docs).
    for (int t = 0; t < 3; t++) {
      NodeId target = randomId();
      Discv5Service asker = java.get(t);
      List<String> expected = allIds.stream().filter(id -> !id.equals(asker.localNodeId().toString()))
          .map(NodeId::fromHex).sorted(target::compareDistance)
          .limit(16).map(NodeId::toString).toList();
      List<String> got = Discv5InteropTest.await(asker.lookup(target)).stream()
          .map(e -> new NodeId(e.nodeId()).toString()).toList();
      // a node that fails its query twice is rightly left out: the stats show drops and failures
      assertThat(got).as("lookup of %s from Java node %d (its stats: %s)", target, t,
          Discv5InteropTest.await(asker.stats())).containsExactlyElementsOf(expected);
    }
  }

  /** For each node whose table lacks some of the others: "node: missing ids" (empty when all are complete). */
  private List<String> missing(List<String> allIds) throws Exception {
    List<String> out = new ArrayList<>();
    for (Discv5Service s : java) {
      Set<String> have = new HashSet<>();
      for (TableEntry e : Discv5InteropTest.await(s.table())) {
        have.add(e.id().toString());
      }
      List<String> lacking = others(allIds, s.localNodeId().toString()).stream()
          .filter(id -> !have.contains(id)).toList();
      if (!lacking.isEmpty()) {
        out.add("java " + s.localNodeId() + " lacks " + lacking.size());
      }
    }
    for (JsDiscv5Peer p : js) {
      Set<String> have = jsTable(p);
      List<String> lacking = others(allIds, p.nodeId()).stream().filter(id -> !have.contains(id)).toList();
      if (!lacking.isEmpty()) {
        out.add("js " + p.nodeId() + " lacks " + lacking.size());
      }
    }
    return out;
  }

  private static Set<String> jsTable(JsDiscv5Peer p) {
    return new HashSet<>(p.request(p.command("table"), Duration.ofSeconds(20)).strings("nodeIds"));
  }

  private static List<String> others(List<String> allIds, String self) {
    return allIds.stream().filter(id -> !id.equals(self)).toList();
  }

  private static NodeId randomId() {
    return new NodeId(RandomSource.secure().bytes(32));
  }
}
