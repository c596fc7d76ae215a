package io.serenity.p2p.node;

import static io.serenity.p2p.node.NodeProcesses.field;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code p2p-node run --preset ethereum --fork-digest <hex>}, run from the packaged jar. */
@Timeout(180)
class EthereumNodeIT {
  private static final String ZERO_ROOT = "00".repeat(32);

  private final NodeProcesses nodes = new NodeProcesses();


  private static Predicate<String> event(String name, String peerId) {
    return l -> l.startsWith("{\"event\":\"" + name + "\"") && l.contains("\"peerId\":\"" + peerId + "\"");
  }

  private NodeProcesses.Node ethNode(String seed, String digest, String... more) throws IOException {
    List<String> args = new ArrayList<>(List.of("run", "--key-seed", seed, "--listen", "/ip4/127.0.0.1/tcp/0",
        "--preset", "ethereum", "--fork-digest", digest, "--json", "--exit-after", "120"));
    args.addAll(List.of(more));
    return nodes.start(args.toArray(String[]::new));
  }

  @AfterEach
  void stop() throws InterruptedException {
    nodes.close();
  }


  @Test
  void nodesOnOneDigestPrintEachOthersStatusAndAnotherDigestGetsGoodbye() throws Exception {
    NodeProcesses.Node a = ethNode("201", "b5303f2a", "--topic", "/eth2/b5303f2a/beacon_block/ssz_snappy");
    String aListening = a.await(l -> l.startsWith("{\"event\":\"listening\""), "listening event of a");
    String aId = field(aListening, "peerId");
    String aAddr = aListening.replaceAll(".*\"addrs\":\\[\"([^\"]+)\".*", "$1");

    NodeProcesses.Node b = ethNode("202", "0xb5303f2a", "--peer", aAddr);
    String bId = field(b.await(l -> l.startsWith("{\"event\":\"listening\""), "listening event of b"), "peerId");

    // each prints the other's Status: our digest, everything else zero
    for (String[] pair : new String[][] {{"a", bId}, {"b", aId}}) {
      NodeProcesses.Node n = pair[0].equals("a") ? a : b;
      String status = n.await(event("status", pair[1]), "status of the other node at " + pair[0]);
      assertThat(field(status, "forkDigest")).isEqualTo("b5303f2a");
      assertThat(field(status, "finalizedRoot")).isEqualTo(ZERO_ROOT);
      assertThat(field(status, "finalizedEpoch")).isEqualTo("0");
      assertThat(field(status, "headRoot")).isEqualTo(ZERO_ROOT);
      assertThat(field(status, "headSlot")).isEqualTo("0");
    }

    // a node on another fork digest is told Goodbye (2: irrelevant network) and disconnected
    NodeProcesses.Node c = ethNode("203", "01020304", "--peer", aAddr);
    String cId = field(c.await(l -> l.startsWith("{\"event\":\"listening\""), "listening event of c"), "peerId");
    String goodbye = a.await(event("goodbye", cId), "goodbye event for c at a");
    assertThat(field(goodbye, "reason")).isEqualTo("2");
    assertThat(field(goodbye, "direction")).isIn("sent", "received");
    a.await(event("peer_disconnected", cId), "c disconnected at a");
    c.await(event("goodbye", aId).or(event("peer_disconnected", aId)), "goodbye or disconnect of a at c");
  }

  @Test
  void theForkDigestIsRequiredAndMustBeFourBytesOfHex() throws Exception {
    nodes.assertUsage(List.of("run", "--preset", "ethereum"), "--fork-digest", "required");
    nodes.assertUsage(List.of("run", "--preset", "ethereum", "--fork-digest", "b5303f"), "--fork-digest", "'b5303f'");
    nodes.assertUsage(List.of("run", "--preset", "ethereum", "--fork-digest", "zz303f2a"), "--fork-digest");
    nodes.assertUsage(List.of("run", "--fork-digest", "b5303f2a"), "--fork-digest", "--preset ethereum");
  }

}
