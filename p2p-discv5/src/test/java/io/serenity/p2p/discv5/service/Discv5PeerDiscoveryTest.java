package io.serenity.p2p.discv5.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.eth2.Eth2Server;
import io.serenity.p2p.eth2.discovery.EthEnr;
import io.serenity.p2p.eth2.discovery.PeerManager;
import io.serenity.p2p.eth2.enr.Enr;
import io.serenity.p2p.eth2.reqresp.ReqRespConfig;
import io.serenity.p2p.eth2.ssz.Bitvector;
import io.serenity.p2p.eth2.ssz.Bytes32;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.types.EnrForkId;
import io.serenity.p2p.eth2.types.StatusMessage;
import io.serenity.p2p.server.Peer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Ethereum nodes finding each other over discv5 on loopback and dialling the ones on their fork
 * digest: the {@link PeerManager} over {@link Discv5PeerDiscovery}.
 */
@Timeout(120)
class Discv5PeerDiscoveryTest {

  private static final long WAIT_S = 30;
  private static final Bytes4 OURS = Bytes4.fromHex("8c9f62fe");
  private static final Bytes4 OTHER = Bytes4.fromHex("01020304");

  private final TestNodes discv5Nodes = new TestNodes();
  private final List<AutoCloseable> closers = new ArrayList<>();

  private record Node(Eth2Server server, Discv5Service discv5, Bytes4 digest) {
    PeerId id() {
      return server.server().peerId();
    }
  }

  private Node node(int seed, Bytes4 digest) throws Exception {
    PrivateKey key = PrivateKey.fromSeed(KeyType.SECP256K1, seed);
    Eth2Server s = new Eth2Server(
        Eth2Server.ethereum(digest.bytes()).listen("/ip4/127.0.0.1/tcp/0").privateKey(key).minPeers(0)
            .maxPeers(1000).build(),
        ReqRespConfig.defaults(), new StatusMessage(digest, Bytes32.ZERO, 0, Bytes32.ZERO, 0));
    s.start();
    closers.add(s);
    String a = s.server().listenAddrs().get(0).toString();
    int tcp = Integer.parseInt(a.substring(a.indexOf("/tcp/") + 5).split("/")[0]);
    InetAddress lo = InetAddress.getByName("127.0.0.1");
    Discv5Service d = discv5Nodes.start(key.raw(),
        b -> b.bind(new InetSocketAddress(lo, 0)).advertisedIp(lo).tcpPort(tcp));
    TestNodes.await(d.updateLocalEnr(b -> b.eth2(new EnrForkId(digest, digest, EnrForkId.FAR_FUTURE_EPOCH))
        .attnets(Bitvector.of(64, seed % 64)).syncnets(Bitvector.empty(4))));
    return new Node(s, d, digest);
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closers) {
      c.close();
    }
    discv5Nodes.close();
  }

  @Test
  void nodesFindEachOtherAndDialOnlyTheirForkDigest() throws Exception {
    // b is the bootnode. A lookup asks b for three log distances from b around the target; the
    // others are chosen at distance 256 from b (top bit of the node id differs), so any target in
    // that half (one round in two, the target being random) brings all of them: 20 rounds miss with
    // probability 2^-20
    int[] seeds = farFrom(102, 4);
    Node b = node(102, OURS);
    Node a = node(seeds[0], OURS);
    Node c = node(seeds[1], OURS);
    Node d = node(seeds[2], OURS);
    Node other = node(seeds[3], OTHER);
    // b is everyone's bootnode; the others look themselves up once, as clients do at start, so
    // that b meets them (a table answers FINDNODE with nodes it has heard from)
    for (Node n : List.of(a, c, d, other)) {
      TestNodes.await(n.discv5().addEnr(b.discv5().localEnr()));
    }
    for (Node n : List.of(c, d, other)) {
      TestNodes.await(n.discv5().lookup(n.discv5().localNodeId()));
    }
    Discv5PeerDiscovery discovery = new Discv5PeerDiscovery(a.discv5());
    assertThat(EthEnr.onFork(discovery.localEnr(), OURS)).isTrue();
    PeerManager pm = new PeerManager(a.server(), discovery, () -> OURS, 3, 10, Duration.ofHours(1));
    closers.add(0, pm);
    // each round is one random lookup; rounds until b, c and d are connected, bounded in count
    List<PeerId> want = List.of(b.id(), c.id(), d.id());
    for (int round = 0; round < 20 && !connectedAll(a, want); round++) {
      pm.round().get(WAIT_S, TimeUnit.SECONDS);
      awaitNoDials(a, pm);
    }
    assertThat(a.server().server().peers()).extracting(Peer::id).containsExactlyInAnyOrderElementsOf(want);
    assertThat(pm.otherForkCount()).as("the other-fork node was found and skipped").isPositive();
  }

  @Test
  void aSubnetSearchWalksLookupsUntilARecordMatches() throws Exception {
    int[] seeds = farFrom(103, 2);
    Node b = node(103, OURS);
    Node a = node(seeds[0], OURS);
    Node d = node(seeds[1], OURS);
    int subnet = seeds[1] % 64;
    assertThat(subnet).isNotIn(103 % 64, seeds[0] % 64);
    TestNodes.await(a.discv5().addEnr(b.discv5().localEnr()));
    TestNodes.await(d.discv5().addEnr(b.discv5().localEnr()));
    TestNodes.await(d.discv5().lookup(d.discv5().localNodeId()));
    Discv5PeerDiscovery discovery = new Discv5PeerDiscovery(a.discv5());
    // a's table holds only b at first: the search must walk lookups (each brings d one time in two)
    List<Enr> found = List.of();
    for (int call = 0; call < 10 && found.isEmpty(); call++) {
      found = discovery.findNodes(e -> EthEnr.hasAttestationSubnet(e, subnet), 1).get(WAIT_S, TimeUnit.SECONDS);
    }
    assertThat(found).extracting(Enr::peerId).containsExactly(d.id());
    assertThat(discovery.findNodes(e -> false, 2).get(WAIT_S, TimeUnit.SECONDS)).isEmpty();
  }

  /** {@code n} key seeds whose node ids differ from seed {@code of}'s in the top bit (bounded search). */
  private static int[] farFrom(int of, int n) {
    int top = topBit(of);
    int[] out = new int[n];
    int found = 0;
    for (int seed = 1000; seed < 1200 && found < n; seed++) {
      if (topBit(seed) != top) {
        out[found++] = seed;
      }
    }
    assertThat(found).isEqualTo(n);
    return out;
  }

  private static int topBit(int seed) {
    return (Enr.builder().sign(PrivateKey.fromSeed(KeyType.SECP256K1, seed)).nodeId()[0] >> 7) & 1;
  }

  private static boolean connectedAll(Node n, List<PeerId> ids) {
    return n.server().server().peers().stream().map(Peer::id).toList().containsAll(ids);
  }

  /** Waits (bounded) until the dials of the last round settled: peers plus dials stop changing. */
  private static void awaitNoDials(Node n, PeerManager pm) throws Exception {
    long dials = pm.dialCount();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
    CompletableFuture<Void> never = new CompletableFuture<>();
    while (n.server().server().peers().size() < Math.min(dials, 3) && System.nanoTime() < end) {
      try {
        never.get(20, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        // look again
      }
    }
  }
}
