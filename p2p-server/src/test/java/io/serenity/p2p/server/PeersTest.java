package io.serenity.p2p.server;

import static io.serenity.p2p.server.TestServers.addr;
import static io.serenity.p2p.server.TestServers.await;
import static io.serenity.p2p.server.TestServers.takeUntil;
import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.host.NettyLeakCheck;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Static and bootstrap peers, and the peer cap. */
@Timeout(180)
@ExtendWith(NettyLeakCheck.class)
class PeersTest {

  private static PeerId id() {
    return PeerId.fromPublicKey(PrivateKey.generate(KeyType.SECP256K1).publicKey());
  }

  @Test
  void bootstrapPeersAreDialledAtStart() {
    try (TestServers t = new TestServers()) {
      Server b = t.start(c -> {}, s -> {});
      BlockingQueue<PeerEvent> events = new LinkedBlockingQueue<>();
      Server a = t.start(c -> c.bootstrapPeers(addr(b)), s -> s.peerEvents().subscribe(events));
      PeerEvent e = takeUntil(events, x -> x instanceof PeerEvent.Connected);
      assertThat(e.peer()).isEqualTo(b.peerId());
      assertThat(((PeerEvent.Connected) e).direction()).isEqualTo(Peer.Direction.OUTBOUND);
      assertThat(a.peers()).extracting(Peer::id).containsExactly(b.peerId());
    }
  }

  @Test
  void aStaticPeerIsRedialledAfterItsConnectionDrops() {
    try (TestServers t = new TestServers()) {
      BlockingQueue<PeerEvent> atB = new LinkedBlockingQueue<>();
      Server b = t.start(c -> {}, s -> s.peerEvents().subscribe(atB));
      BlockingQueue<PeerEvent> events = new LinkedBlockingQueue<>();
      Server a = t.start(c -> c.staticPeers(addr(b)), s -> s.peerEvents().subscribe(events));
      assertThat(takeUntil(events, x -> x instanceof PeerEvent.Connected).peer()).isEqualTo(b.peerId());
      // the listener may register the connection a little after the dialer: wait for both ends
      assertThat(takeUntil(atB, x -> x instanceof PeerEvent.Connected).peer()).isEqualTo(a.peerId());

      await(b.disconnect(a.peerId()));
      assertThat(takeUntil(events, x -> x instanceof PeerEvent.Disconnected).peer()).isEqualTo(b.peerId());
      PeerEvent again = takeUntil(events, x -> x instanceof PeerEvent.Connected);
      assertThat(again.peer()).isEqualTo(b.peerId());
      assertThat(((PeerEvent.Connected) again).direction()).isEqualTo(Peer.Direction.OUTBOUND);
    }
  }

  @Test
  void aStaticPeerThatIsDownIsRetriedWithBackoffUntilItComesUp() throws Exception {
    PrivateKey bKey = PrivateKey.generate(KeyType.SECP256K1);
    PeerId bId = PeerId.fromPublicKey(bKey.publicKey());
    try (TestServers t = new TestServers()) {
      BlockingQueue<PeerEvent> events = new LinkedBlockingQueue<>();
      int port;
      // B's port is held by a plain socket that fails A's first dial: awaited, so A must retry
      // (rather than B being up before A first dials)
      try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = probe.getLocalPort();
        probe.setSoTimeout((int) TestServers.TIMEOUT.toMillis());
        t.start(
            c -> c.staticPeers("/ip4/127.0.0.1/tcp/" + port + "/p2p/" + bId),
            s -> s.peerEvents().subscribe(events));
        try (Socket firstDial = probe.accept()) {
          firstDial.setSoLinger(true, 0); // reset: A's dial fails and our side leaves no TIME_WAIT
        }
      }
      assertThat(events).isEmpty(); // nobody to connect to yet; A keeps trying
      Server b = t.start(c -> c.privateKey(bKey).listen("/ip4/127.0.0.1/tcp/" + port), s -> {});
      assertThat(takeUntil(events, x -> x instanceof PeerEvent.Connected).peer()).isEqualTo(b.peerId());
    }
  }

  @Test
  void peersBeyondTheMaximumArePrunedButStaticPeersAreKept() {
    try (TestServers t = new TestServers()) {
      Server keep = t.start(c -> {}, s -> {});
      BlockingQueue<PeerEvent> events = new LinkedBlockingQueue<>();
      Server a = t.start(c -> c.maxPeers(2).staticPeers(addr(keep)), s -> s.peerEvents().subscribe(events));
      assertThat(takeUntil(events, x -> x instanceof PeerEvent.Connected).peer()).isEqualTo(keep.peerId());
      Server c1 = t.start(c -> {}, s -> {});
      Server c2 = t.start(c -> {}, s -> {});
      await(c1.connect(addr(a)));
      takeUntil(events, x -> x instanceof PeerEvent.Connected && x.peer().equals(c1.peerId()));
      c2.connect(addr(a)); // may be cut while identify runs: the outcome is checked on A's side
      PeerEvent gone = takeUntil(events, x -> x instanceof PeerEvent.Disconnected);
      assertThat(gone.peer()).isIn(c1.peerId(), c2.peerId());
      assertThat(a.peers()).hasSizeLessThanOrEqualTo(2).extracting(Peer::id).contains(keep.peerId());
    }
  }

  @Test
  void withScoringTheLowestScoredPeerIsPrunedAndPeersShowTheirScores() {
    try (TestServers t = new TestServers()) {
      Server b = t.start(c -> {}, s -> s.registerTopic("puzzles", io.serenity.p2p.server.testpb.Puzzle.class));
      Server c = t.start(x -> {}, s -> s.registerTopic("puzzles", io.serenity.p2p.server.testpb.Puzzle.class));
      Server d = t.start(x -> {}, s -> s.registerTopic("puzzles", io.serenity.p2p.server.testpb.Puzzle.class));
      java.util.Map<PeerId, Double> appScores =
          java.util.Map.of(b.peerId(), 3.0, c.peerId(), -2.0, d.peerId(), 2.0);
      BlockingQueue<PeerEvent> events = new LinkedBlockingQueue<>();
      Server a =
          t.start(
              x -> x.maxPeers(2).peerScore(
                  io.serenity.p2p.pubsub.PeerScoreParams.defaults()
                      .withAppSpecific(p -> appScores.getOrDefault(p, 0.0), 1.0),
                  io.serenity.p2p.pubsub.PeerScoreThresholds.defaults()),
              s -> {
                s.registerTopic("puzzles", io.serenity.p2p.server.testpb.Puzzle.class);
                s.peerEvents().subscribe(events);
              });
      await(b.connect(addr(a)));
      await(c.connect(addr(a)));
      await(a.whenTopicPeers("puzzles", 2)); // both are pubsub peers now, so both are scored
      assertThat(a.peer(b.peerId()).orElseThrow().score()).isEqualTo(3.0);
      assertThat(a.peer(c.peerId()).orElseThrow().score()).isEqualTo(-2.0);

      // the third peer: one must go, the lowest scored (a peer not scored yet counts as 0)
      d.connect(addr(a));
      PeerEvent gone = takeUntil(events, x -> x instanceof PeerEvent.Disconnected);
      assertThat(gone.peer()).isEqualTo(c.peerId());
    }
  }

  @Test
  void pruningPicksTheLowestScoresInboundFirstAndNeverProtectedPeers() {
    PeerId low = id();
    PeerId mid = id();
    PeerId high = id();
    PeerId prot = id();
    PeerId outTie = id();
    PeerId inTie = id();
    List<Server.Candidate> conns =
        List.of(
            new Server.Candidate(high, 5.0, false),
            new Server.Candidate(prot, -100.0, false),
            new Server.Candidate(low, -3.0, true),
            new Server.Candidate(mid, 1.0, false),
            new Server.Candidate(outTie, 0.0, true),
            new Server.Candidate(inTie, 0.0, false));
    assertThat(Server.choosePrunable(conns, Set.of(prot), 6)).isEmpty();
    assertThat(Server.choosePrunable(conns, Set.of(prot), 4)).containsExactly(low, inTie);
    assertThat(Server.choosePrunable(conns, Set.of(prot), 3)).containsExactly(low, inTie, outTie);
  }
}
