package io.serenity.p2p.eth2.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.eth2.Eth2Server;
import io.serenity.p2p.eth2.enr.Enr;
import io.serenity.p2p.eth2.reqresp.ReqRespConfig;
import io.serenity.p2p.eth2.reqresp.ReqRespEvent;
import io.serenity.p2p.eth2.ssz.Bitvector;
import io.serenity.p2p.eth2.ssz.Bytes32;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.types.EnrForkId;
import io.serenity.p2p.eth2.types.Goodbye;
import io.serenity.p2p.eth2.types.StatusMessage;
import io.serenity.p2p.host.NettyLeakCheck;
import io.serenity.p2p.server.Peer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Ethereum nodes on loopback with a {@link PeerManager}: dialling discovered nodes on our fork only,
 * Goodbye 2 for a peer on another digest, Goodbye 129 to the least valuable peer above the maximum,
 * Goodbye 1 on stop. Discovery is a fixed list here; p2p-discv5 tests the same over discv5.
 */
@Timeout(120)
@ExtendWith(NettyLeakCheck.class)
class PeerManagerTest {

  private static final long WAIT_S = 30;
  private static final Bytes4 OURS = Bytes4.fromHex("b5303f2a");
  private static final Bytes4 OTHER = Bytes4.fromHex("01020304");

  private final List<AutoCloseable> closers = new ArrayList<>();

  /** A node with its key and the events it received. */
  private record Node(Eth2Server server, PrivateKey key, BlockingQueue<ReqRespEvent> events, Bytes4 digest) {
    PeerId id() {
      return server.server().peerId();
    }

    int port() {
      String a = server.server().listenAddrs().get(0).toString();
      String afterTcp = a.substring(a.indexOf("/tcp/") + 5);
      return Integer.parseInt(afterTcp.split("/")[0]);
    }

    Enr enr() throws Exception {
      return Enr.builder().ip(InetAddress.getByName("127.0.0.1")).tcp(port())
          .eth2(new EnrForkId(digest, digest, EnrForkId.FAR_FUTURE_EPOCH)).sign(key);
    }

    long goodbyeReceived() throws InterruptedException {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
      while (System.nanoTime() < end) {
        ReqRespEvent e = events.poll(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (e instanceof ReqRespEvent.GoodbyeReceived g) {
          return g.reason();
        }
      }
      throw new AssertionError("no Goodbye within " + WAIT_S + " s");
    }
  }

  /** Discovery over a fixed list of records. */
  private record ListDiscovery(List<Enr> records) implements PeerDiscovery {
    @Override
    public CompletableFuture<List<Enr>> findNodes() {
      return CompletableFuture.completedFuture(records);
    }

    @Override
    public Enr localEnr() {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<Enr> updateLocalEnr(Consumer<Enr.Builder> change) {
      throw new UnsupportedOperationException();
    }
  }

  private Node node(int seed, Bytes4 digest) {
    PrivateKey key = PrivateKey.fromSeed(KeyType.SECP256K1, seed);
    Eth2Server s = new Eth2Server(
        Eth2Server.ethereum(digest.bytes()).listen("/ip4/127.0.0.1/tcp/0").privateKey(key).minPeers(0)
            .maxPeers(1000).build(),
        ReqRespConfig.defaults(), new StatusMessage(digest, Bytes32.ZERO, 0, Bytes32.ZERO, 0));
    BlockingQueue<ReqRespEvent> events = new LinkedBlockingQueue<>();
    s.addListener(events::add);
    s.start();
    closers.add(s);
    return new Node(s, key, events, digest);
  }

  /** A node listening on TCP and on QUIC v1. */
  private Node quicNode(int seed, Bytes4 digest) {
    PrivateKey key = PrivateKey.fromSeed(KeyType.SECP256K1, seed);
    Eth2Server s = new Eth2Server(
        Eth2Server.ethereum(digest.bytes()).listen("/ip4/127.0.0.1/tcp/0", "/ip4/127.0.0.1/udp/0/quic-v1")
            .privateKey(key).minPeers(0).maxPeers(1000).build(),
        ReqRespConfig.defaults(), new StatusMessage(digest, Bytes32.ZERO, 0, Bytes32.ZERO, 0));
    BlockingQueue<ReqRespEvent> events = new LinkedBlockingQueue<>();
    s.addListener(events::add);
    s.start();
    closers.add(s);
    return new Node(s, key, events, digest);
  }

  private PeerManager manager(Node n, List<Enr> found, int target, int max) {
    PeerManager pm = new PeerManager(n.server(), new ListDiscovery(found), n::digest, target, max,
        Duration.ofHours(1));
    closers.add(0, pm);
    return pm;
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closers) {
      c.close();
    }
  }

  private static void awaitPeers(Node n, int count) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
    CompletableFuture<Void> f = new CompletableFuture<>();
    while (n.server().server().peers().size() != count) {
      if (System.nanoTime() > end) {
        throw new AssertionError("expected " + count + " peers, have " + n.server().server().peers());
      }
      try {
        f.get(20, TimeUnit.MILLISECONDS); // bounded poll of a peer count without an event for it
      } catch (java.util.concurrent.TimeoutException ignored) {
        // look again
      }
    }
  }

  @Test
  void dialsDiscoveredNodesOnOurForkDigestOnly() throws Exception {
    Node a = node(1, OURS);
    Node b = node(2, OURS);
    Node c = node(3, OTHER);
    Node d = node(4, OURS);
    PeerManager pm = manager(a, List.of(c.enr(), b.enr(), a.enr(), d.enr()), 2, 5);
    pm.round().get(WAIT_S, TimeUnit.SECONDS);
    awaitPeers(a, 2);
    assertThat(a.server().server().peers()).extracting(Peer::id).containsExactlyInAnyOrder(b.id(), d.id());
    assertThat(pm.dialCount()).as("b and d; not c (other digest), not a itself").isEqualTo(2);
    assertThat(pm.otherForkCount()).isEqualTo(1);
    // at the target: a further round dials nothing
    pm.round().get(WAIT_S, TimeUnit.SECONDS);
    assertThat(pm.dialCount()).isEqualTo(2);
  }

  @Test
  void aRecordWithAQuicPortIsDialledOverQuic() throws Exception {
    Node a = node(5, OURS);
    Node b = quicNode(6, OURS);
    int quicPort = b.server().server().listenAddrs().stream().map(Object::toString)
        .filter(s -> s.contains("/quic-v1")).map(s -> Integer.parseInt(s.split("/")[4])).findFirst().orElseThrow();
    Enr enr = Enr.builder().from(b.enr()).quic(quicPort).seq(2).sign(b.key());
    PeerManager pm = manager(a, List.of(enr), 1, 5);
    pm.round().get(WAIT_S, TimeUnit.SECONDS);
    awaitPeers(a, 1);
    io.serenity.p2p.host.Connection c = a.server().server().host().connection(b.id()).orElseThrow();
    assertThat(c.remoteAddr().toString()).as("QUIC preferred over the record's TCP port")
        .isEqualTo("/ip4/127.0.0.1/udp/" + quicPort + "/quic-v1");
  }

  @Test
  void aRecordWhoseQuicPortIsDeadIsDialledOverTcp() throws Exception {
    Node a = node(7, OURS);
    Node b = node(8, OURS); // TCP only
    int deadPort;
    try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      deadPort = s.getLocalPort();
    }
    Enr enr = Enr.builder().from(b.enr()).quic(deadPort).seq(2).sign(b.key());
    PeerManager pm = manager(a, List.of(enr), 1, 5);
    pm.round().get(WAIT_S, TimeUnit.SECONDS);
    awaitPeers(a, 1);
    io.serenity.p2p.host.Connection c = a.server().server().host().connection(b.id()).orElseThrow();
    assertThat(c.remoteAddr().toString()).as("fell back to TCP").startsWith("/ip4/127.0.0.1/tcp/" + b.port());
  }

  @Test
  void preferredCandidatesServeAWantedSubnet() throws Exception {
    Node a = node(11, OURS);
    Node b = node(12, OURS);
    Node c = node(13, OURS);
    Enr plain = b.enr();
    Enr onSubnet = Enr.builder().from(c.enr()).attnets(Bitvector.of(64, 17)).seq(2).sign(c.key());
    PeerManager pm = manager(a, List.of(plain, onSubnet), 1, 5);
    pm.wantAttestationSubnets(java.util.Set.of(17));
    pm.round().get(WAIT_S, TimeUnit.SECONDS);
    awaitPeers(a, 1);
    assertThat(a.server().server().peers()).extracting(Peer::id).containsExactly(c.id());
    assertThatThrownBy(() -> pm.wantAttestationSubnets(java.util.Set.of(64)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void preferredCandidatesCustodyAWantedDataColumnSubnet() throws Exception {
    Node a = node(14, OURS);
    Node b = node(15, OURS);
    Node c = node(16, OURS);
    Enr bEnr = Enr.builder().from(b.enr()).set(EthEnr.KEY_CGC, EthEnr.uintBytes(4)).seq(2).sign(b.key());
    Enr cEnr = Enr.builder().from(c.enr()).set(EthEnr.KEY_CGC, EthEnr.uintBytes(4)).seq(2).sign(c.key());
    java.util.List<Integer> cGroups = EthEnr.custodyGroups(cEnr.nodeId(), 4, 128);
    int wanted = cGroups.stream().filter(g -> !EthEnr.custodyGroups(bEnr.nodeId(), 4, 128).contains(g))
        .findFirst().orElseThrow();
    PeerManager pm = manager(a, List.of(bEnr, cEnr), 1, 5);
    pm.wantDataColumnSubnets(java.util.Set.of(wanted));
    pm.round().get(WAIT_S, TimeUnit.SECONDS);
    awaitPeers(a, 1);
    assertThat(a.server().server().peers()).extracting(Peer::id).containsExactly(c.id());
  }

  @Test
  void theSubnetsOfAPeerWithoutARecordComeFromTheMetaDataTheManagerAsksFor() throws Exception {
    Node a = node(17, OURS);
    Node b = node(18, OURS);
    b.server().setMetaData(new io.serenity.p2p.eth2.types.MetaData(3, Bitvector.of(64, 17), Bitvector.empty(4)));
    b.server().server().connect(a.server().server().listenAddrs().get(0).toString())
        .get(WAIT_S, TimeUnit.SECONDS);
    awaitPeers(a, 1);
    PeerManager pm = manager(a, List.of(), 1, 5);
    pm.wantAttestationSubnets(java.util.Set.of(17));
    pm.round().get(WAIT_S, TimeUnit.SECONDS);
    assertThat(pm.subnetPeers().attestation()).containsExactly(java.util.Map.entry(17, 0));
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
    CompletableFuture<Void> never = new CompletableFuture<>();
    while (a.server().reqResp().peerMetaData(b.id()).isEmpty()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("the manager did not fetch b's MetaData within " + WAIT_S + " s");
      }
      try {
        never.get(20, TimeUnit.MILLISECONDS); // bounded poll: req/resp has no event for a fetched MetaData
      } catch (java.util.concurrent.TimeoutException ignored) {
        // look again
      }
    }
    pm.round().get(WAIT_S, TimeUnit.SECONDS);
    assertThat(pm.subnetPeers().attestation()).containsExactly(java.util.Map.entry(17, 1));
    assertThat(pm.metaDataRequestCount()).isEqualTo(1);
  }

  @Test
  void aPeerOnAnotherForkDigestIsSentGoodbyeIrrelevantNetwork() throws Exception {
    Node a = node(21, OURS);
    Node c = node(22, OTHER);
    c.server().server().connect(a.server().server().listenAddrs().get(0).toString())
        .get(WAIT_S, TimeUnit.SECONDS);
    assertThat(c.goodbyeReceived()).isEqualTo(Goodbye.IRRELEVANT_NETWORK);
  }

  @Test
  void aPeerOnADigestDeclaredRelevantStaysAfterItsStatus() throws Exception {
    // around a fork boundary: each side keeps the other's digest (PeerManager's fork schedule sets this)
    Node a = node(23, OURS);
    Node c = node(24, OTHER);
    a.server().setRelevantForkDigests(OTHER::equals);
    c.server().setRelevantForkDigests(OURS::equals);
    c.server().server().connect(a.server().server().listenAddrs().get(0).toString())
        .get(WAIT_S, TimeUnit.SECONDS);
    List<ReqRespEvent> seen = new ArrayList<>();
    nextStatus(a, seen);
    // a second Status exchange: its event comes after any Goodbye the first one would have caused
    assertThat(a.server().reqResp().exchangeStatus(c.id()).get(WAIT_S, TimeUnit.SECONDS).forkDigest())
        .isEqualTo(OTHER);
    nextStatus(a, seen);
    assertThat(seen).noneMatch(e -> e instanceof ReqRespEvent.GoodbyeSent);
    assertThat(a.server().server().peers()).extracting(Peer::id).containsExactly(c.id());
  }

  /** Takes {@code n}'s events up to its next StatusReceived into {@code seen}. */
  private static ReqRespEvent nextStatus(Node n, List<ReqRespEvent> seen) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
    while (System.nanoTime() < end) {
      ReqRespEvent e = n.events().poll(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (e != null) {
        seen.add(e);
        if (e instanceof ReqRespEvent.StatusReceived) {
          return e;
        }
      }
    }
    throw new AssertionError("no Status within " + WAIT_S + " s; saw " + seen);
  }

  @Test
  void aboveTheMaximumTheLeastValuablePeerIsPrunedWithGoodbye129() throws Exception {
    Node a = node(31, OURS);
    Node b = node(32, OURS);
    Node d = node(33, OURS);
    String addr = a.server().server().listenAddrs().get(0).toString();
    b.server().server().connect(addr).get(WAIT_S, TimeUnit.SECONDS);
    d.server().server().connect(addr).get(WAIT_S, TimeUnit.SECONDS);
    awaitPeers(a, 2);
    a.server().server().host().connectionManager().tag(b.id(), "test", 1000);
    PeerManager pm = manager(a, List.of(), 1, 1);
    pm.round().get(WAIT_S, TimeUnit.SECONDS);
    assertThat(d.goodbyeReceived()).isEqualTo(PeerManager.GOODBYE_TOO_MANY_PEERS);
    awaitPeers(a, 1);
    assertThat(a.server().server().peers()).extracting(Peer::id).containsExactly(b.id());
    assertThat(pm.prunedCount()).isEqualTo(1);
  }

  @Test
  void stopSaysGoodbyeClientShutdownToEveryPeer() throws Exception {
    Node a = node(41, OURS);
    Node b = node(42, OURS);
    b.server().server().connect(a.server().server().listenAddrs().get(0).toString())
        .get(WAIT_S, TimeUnit.SECONDS);
    awaitPeers(a, 1);
    PeerManager pm = manager(a, List.of(), 1, 5);
    pm.stop(Duration.ofSeconds(WAIT_S));
    assertThat(b.goodbyeReceived()).isEqualTo(Goodbye.CLIENT_SHUTDOWN);
  }

  @Test
  void settingsAreChecked() throws Exception {
    Node a = node(51, OURS);
    ListDiscovery none = new ListDiscovery(List.of());
    assertThatThrownBy(() -> new PeerManager(a.server(), none, () -> OURS, 0, 5, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PeerManager(a.server(), none, () -> OURS, 6, 5, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
