package io.serenity.p2p.discv5.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.discv5.table.NodeId;
import io.serenity.p2p.eth2.enr.Enr;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class LookupTest {

  private static NodeId id(int lastByte, int firstByte) {
    byte[] b = new byte[32];
    b[0] = (byte) firstByte;
    b[31] = (byte) lastByte;
    return new NodeId(b);
  }

  @Test
  void threeDistancesAlternatingOutwardWithinRange() {
    NodeId zero = id(0, 0);
    assertThat(Lookup.distances(id(0x10, 0), zero)).containsExactly(5, 6, 4);
    assertThat(Lookup.distances(zero, zero)).containsExactly(1, 2, 3);
    assertThat(Lookup.distances(id(1, 0), zero)).containsExactly(1, 2, 3);
    assertThat(Lookup.distances(id(0, 0x80), zero)).containsExactly(256, 255, 254);
  }

  private static List<Enr> records(int n) throws Exception {
    List<Enr> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Enr.builder().seq(1).ip(InetAddress.getByName("127.0.0.1")).udp(9000 + i)
          .sign(PrivateKey.fromSeed(KeyType.SECP256K1, 100 + i)));
    }
    return out;
  }

  private static NodeId idOf(Enr e) {
    return new NodeId(e.nodeId());
  }

  @Test
  void aNodeWhoseFirstQueryFailsIsAskedAgainAndStaysInTheResult() throws Exception {
    List<Enr> nodes = records(5);
    NodeId target = idOf(nodes.get(0));
    Map<NodeId, Integer> asked = new HashMap<>();
    Lookup lookup = new Lookup(target, id(0, 0), 16, 3, (peer, distances) -> {
      int n = asked.merge(idOf(peer), 1, Integer::sum);
      if (idOf(peer).equals(target) && n == 1) {
        return CompletableFuture.failedFuture(new TimeoutException("lost datagram"));
      }
      return CompletableFuture.completedFuture(List.of());
    });
    List<Enr> found = lookup.start(nodes).join();
    assertThat(found).hasSize(5);
    assertThat(idOf(found.get(0))).as("the closest node, whose first answer was lost").isEqualTo(target);
    assertThat(asked.get(target)).isEqualTo(2);
    assertThat(asked.values()).as("nodes that answer are asked once").containsOnly(1, 2).containsOnlyOnce(2);
  }

  @Test
  void aNodeThatFailsEveryQueryIsAskedTwiceAndLeftOut() throws Exception {
    List<Enr> nodes = records(4);
    NodeId dead = idOf(nodes.get(1));
    Map<NodeId, Integer> asked = new HashMap<>();
    Lookup lookup = new Lookup(idOf(nodes.get(0)), id(0, 0), 16, 3, (peer, distances) -> {
      asked.merge(idOf(peer), 1, Integer::sum);
      return idOf(peer).equals(dead)
          ? CompletableFuture.failedFuture(new TimeoutException("no answer"))
          : CompletableFuture.completedFuture(List.of());
    });
    List<Enr> found = lookup.start(nodes).join();
    assertThat(found).hasSize(3).extracting(LookupTest::idOf).doesNotContain(dead);
    assertThat(asked.get(dead)).isEqualTo(Lookup.ATTEMPTS);
  }
}
