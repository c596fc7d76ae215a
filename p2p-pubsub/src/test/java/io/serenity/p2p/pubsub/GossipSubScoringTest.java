package io.serenity.p2p.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.core.PeerInfo;
import io.serenity.p2p.time.ManualScheduler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The gossipsub v1.1 scoring rules as the router applies them, on virtual time: graylisting, the
 * gossip and publish thresholds, score-aware mesh maintenance, opportunistic grafting, IWANT
 * promises, GRAFT flood penalties, peer exchange and direct peers.
 */
class GossipSubScoringTest {
  private static final String TOPIC = "t";
  private static final PeerScoreThresholds THRESHOLDS = PeerScoreThresholds.defaults(); // -10 -50 -80 10 1

  private final ManualScheduler scheduler = new ManualScheduler();
  private final FakeRouterContext ctx = new FakeRouterContext(scheduler);
  private final GossipSubParams params = GossipSubParams.defaults();
  /** Application-specific score (P5, weight 1) per peer: the simplest way to place a peer's score. */
  private final Map<PeerId, Double> app = new HashMap<>();
  private GossipSubRouter router;

  private PeerScoreParams scoreParams() {
    TopicScoreParams topic = TopicScoreParams.defaults()
        .withInvalidMessageDeliveries(-10, 0.99)
        .withFirstMessageDeliveries(1, 0.5, 10);
    return PeerScoreParams.defaults()
        .withAppSpecific(p -> app.getOrDefault(p, 0.0), 1)
        .withBehaviourPenalty(-1, 0, 0.5)
        .withTopic(TOPIC, topic);
  }

  private void start(GossipSubOptions options) {
    router = new GossipSubRouter(params, options, new Random(7));
    router.attach(ctx);
  }

  private void startScored() {
    start(GossipSubOptions.defaults().withScoring(scoreParams(), THRESHOLDS));
  }

  private List<PeerId> peers(int n) {
    List<PeerId> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      PeerId p = PeerId.random();
      router.addPeer(p, GossipSubRouter.V12, false);
      ctx.topics.computeIfAbsent(TOPIC, t -> new HashSet<>()).add(p);
      out.add(p);
    }
    return out;
  }

  private static Rpc.Control control(List<Rpc.IHave> ihave, List<Rpc.IWant> iwant, List<Rpc.Graft> graft, List<Rpc.Prune> prune) {
    return new Rpc.Control(ihave, iwant, graft, prune, List.of());
  }

  private static Rpc.Control graft() {
    return control(List.of(), List.of(), List.of(new Rpc.Graft(TOPIC)), List.of());
  }

  private static Rpc.Control ihave(MessageId id) {
    return control(List.of(new Rpc.IHave(TOPIC, List.of(id))), List.of(), List.of(), List.of());
  }

  private static PubSubMessage msg(int n) {
    return new PubSubMessage(null, new byte[] {(byte) n}, null, TOPIC, null, null);
  }

  private static MessageId id(int n) {
    return new MessageId(new byte[] {(byte) n});
  }

  private static final Predicate<Rpc> PUBLISH = r -> !r.publish().isEmpty();
  private static final Predicate<Rpc> PRUNE = r -> !r.control().prune().isEmpty();
  private static final Predicate<Rpc> GRAFT = r -> !r.control().graft().isEmpty();
  private static final Predicate<Rpc> IWANT = r -> !r.control().iwant().isEmpty();
  private static final Predicate<Rpc> IHAVE = r -> !r.control().ihave().isEmpty();

  private void heartbeats(int n) {
    scheduler.advance(params.heartbeatInitialDelay().plus(params.heartbeatInterval().multipliedBy(n - 1)));
  }

  @Test
  void peersBelowTheGraylistThresholdAreIgnoredAndDirectPeersNever() {
    PeerInfo directPeer = new PeerInfo(PeerId.random(), List.of());
    start(GossipSubOptions.defaults().withScoring(scoreParams(), THRESHOLDS).withDirectPeers(List.of(directPeer)));
    List<PeerId> ps = peers(3);
    app.put(ps.get(0), -81.0);
    app.put(ps.get(1), -79.0);
    app.put(directPeer.id(), -1000.0);
    assertThat(router.acceptFrom(ps.get(0))).as("below graylist").isFalse();
    assertThat(router.acceptFrom(ps.get(1))).as("just above graylist").isTrue();
    assertThat(router.acceptFrom(ps.get(2))).as("neutral").isTrue();
    assertThat(router.acceptFrom(directPeer.id())).as("direct peers are always heard").isTrue();
  }

  @Test
  void withoutScoringNobodyIsGraylistedAndEveryScoreIsZero() {
    start(GossipSubOptions.defaults());
    PeerId p = peers(1).get(0);
    app.put(p, -1000.0); // no effect: no scoring
    assertThat(router.acceptFrom(p)).isTrue();
    assertThat(router.score(p)).isZero();
    assertThat(router.peerScore()).isNull();
  }

  @Test
  void peerExchangeIsFollowedOnlyFromPeersAtOrAboveTheAcceptPxThreshold() {
    startScored();
    List<PeerId> ps = peers(2);
    router.join(TOPIC);
    PeerId trusted = ps.get(0);
    PeerId neutral = ps.get(1);
    app.put(trusted, 10.0); // = acceptPXThreshold
    List<PeerId> offered = List.of(PeerId.random(), PeerId.random(), PeerId.random());
    List<Rpc.PxPeer> px = offered.stream().map(p -> new Rpc.PxPeer(p.toBytes(), null)).toList();

    router.handleControl(neutral, control(List.of(), List.of(), List.of(), List.of(new Rpc.Prune(TOPIC, px, 60))));
    assertThat(ctx.dialled).as("PX from a peer scoring 0 < 10 is ignored").isEmpty();

    router.handleControl(trusted, control(List.of(), List.of(), List.of(), List.of(new Rpc.Prune(TOPIC, px, 60))));
    assertThat(ctx.dialled).as("PX from a peer scoring 10 is followed").containsExactlyInAnyOrderElementsOf(offered);
    assertThat(router.meshPeers(TOPIC)).doesNotContain(trusted, neutral);
  }

  @Test
  void peerExchangeEntriesAreCappedAtPrunePeersAndSkipOurselvesAndKnownPeers() {
    startScored();
    List<PeerId> ps = peers(2);
    app.put(ps.get(0), 50.0);
    List<Rpc.PxPeer> px = new ArrayList<>();
    px.add(new Rpc.PxPeer(ctx.self.toBytes(), null));
    px.add(new Rpc.PxPeer(ps.get(1).toBytes(), null));
    px.add(new Rpc.PxPeer(new byte[] {1, 2, 3}, null)); // not a peer id: skipped, no exception
    for (int i = 0; i < params.prunePeers() + 10; i++) {
      px.add(new Rpc.PxPeer(PeerId.random().toBytes(), null));
    }
    router.handleControl(ps.get(0), control(List.of(), List.of(), List.of(), List.of(new Rpc.Prune(TOPIC, px, 60))));
    assertThat(ctx.dialled).hasSize(params.prunePeers()).doesNotContain(ctx.self, ps.get(1));
  }

  @Test
  void prunesCarryPeerExchangeOfNonNegativePeersOnlyWhenEnabled() {
    start(GossipSubOptions.defaults().withScoring(scoreParams(), THRESHOLDS).withPeerExchange(true));
    List<PeerId> ps = peers(params.dHigh() + 4);
    PeerId bad = ps.get(ps.size() - 1);
    app.put(bad, -1.0);
    router.join(TOPIC);
    // fill the mesh up to D_high with inbound GRAFTs (outbound ones would still be accepted)
    for (PeerId p : ps) {
      if (router.meshPeers(TOPIC).size() < params.dHigh() && !p.equals(bad)) {
        router.handleControl(p, graft());
      }
    }
    assertThat(router.meshPeers(TOPIC)).hasSize(params.dHigh());
    PeerId late = ps.stream().filter(p -> !router.meshPeers(TOPIC).contains(p) && !p.equals(bad)).findFirst().orElseThrow();
    ctx.sent.clear();
    router.handleControl(late, graft());
    assertThat(router.meshPeers(TOPIC)).as("a full mesh refuses an inbound GRAFT").doesNotContain(late);
    Rpc.Prune prune = ctx.sentTo(late).stream().filter(PRUNE).findFirst().orElseThrow().control().prune().get(0);
    List<PeerId> exchanged = prune.peers().stream().map(x -> PeerId.fromBytes(x.peerId())).toList();
    assertThat(exchanged).isNotEmpty().hasSizeLessThanOrEqualTo(params.prunePeers()).doesNotContain(late, bad);
  }

  @Test
  void prunesCarryNoPeerExchangeByDefault() {
    startScored();
    List<PeerId> ps = peers(3);
    router.join(TOPIC);
    ctx.sent.clear();
    router.leave(TOPIC);
    assertThat(ctx.sentTo(PRUNE)).hasSize(3);
    assertThat(ctx.sent).allSatisfy(e -> assertThat(e.getValue().control().prune().get(0).peers()).isEmpty());
  }

  @Test
  void aPeerWhoseMessagesAreRejectedGoesNegativeIsPrunedWithoutPxAndIsNotRegrafted() {
    start(GossipSubOptions.defaults().withScoring(scoreParams(), THRESHOLDS).withPeerExchange(true));
    List<PeerId> ps = peers(params.d());
    router.join(TOPIC);
    PeerId spammer = ps.get(0);
    assertThat(router.meshPeers(TOPIC)).contains(spammer);
    // two invalid messages: P4 = 2^2 = 4, times weight -10 = -40
    for (int i = 0; i < 2; i++) {
      router.onFirstSeen(id(i), msg(i), spammer);
      router.onValidated(id(i), msg(i), spammer, ValidationResult.REJECT);
    }
    assertThat(router.score(spammer)).isEqualTo(-40.0);
    ctx.sent.clear();
    heartbeats(1);
    assertThat(router.meshPeers(TOPIC)).doesNotContain(spammer);
    Rpc.Prune prune = ctx.sentTo(spammer).stream().filter(PRUNE).findFirst().orElseThrow().control().prune().get(0);
    assertThat(prune.peers()).as("no PX for a peer pruned for its score").isEmpty();
    // below D_lo later: the refill does not pick the negative peer even after its backoff
    scheduler.advance(params.pruneBackoff().plusSeconds(5));
    ps.subList(1, ps.size()).forEach(p -> ctx.topics.get(TOPIC).remove(p));
    router.onSubscription(ps.get(1), TOPIC, false);
    heartbeats(2);
    assertThat(router.meshPeers(TOPIC)).doesNotContain(spammer);
    // and its GRAFT is refused
    router.handleControl(spammer, graft());
    assertThat(router.meshPeers(TOPIC)).doesNotContain(spammer);
  }

  @Test
  void acceptedFirstDeliveriesRaiseTheScoreAndDecayOverTime() {
    startScored();
    PeerId p = peers(1).get(0);
    router.join(TOPIC);
    for (int i = 0; i < 4; i++) {
      router.onFirstSeen(id(i), msg(i), p);
      router.onValidated(id(i), msg(i), p, ValidationResult.ACCEPT);
    }
    assertThat(router.score(p)).isEqualTo(4.0); // P2 weight 1, four first deliveries
    scheduler.advance(scoreParams().decayInterval()); // one decay step: 4 * 0.5
    assertThat(router.score(p)).isEqualTo(2.0);
  }

  @Test
  void ihaveAndIwantFromPeersBelowTheGossipThresholdAreIgnoredAndTheyGetNoGossip() {
    startScored();
    List<PeerId> ps = peers(params.d() + 3);
    router.join(TOPIC);
    PeerId low = ps.stream().filter(p -> !router.meshPeers(TOPIC).contains(p)).findFirst().orElseThrow();
    app.put(low, -11.0); // below gossip (-10), above graylist (-80)
    ctx.sent.clear();
    router.handleControl(low, ihave(id(1)));
    assertThat(ctx.sentTo(IWANT)).as("no IWANT for a low peer's IHAVE").isEmpty();

    router.publish(id(2), msg(2), null);
    ctx.sent.clear();
    router.handleControl(low, control(List.of(), List.of(new Rpc.IWant(List.of(id(2)))), List.of(), List.of()));
    assertThat(ctx.sentTo(PUBLISH)).as("no IWANT answered for a low peer").isEmpty();

    ctx.sent.clear();
    heartbeats(1);
    List<PeerId> gossipedTo = ctx.sentTo(IHAVE);
    assertThat(gossipedTo).as("every other non-mesh peer gets gossip (dLazy 6 > 2)").hasSize(2).doesNotContain(low);
  }

  @Test
  void peersBelowThePublishThresholdGetNoFloodPublish() {
    startScored();
    List<PeerId> ps = peers(4);
    PeerId low = ps.get(0);
    app.put(low, -51.0); // below publish (-50), above graylist
    router.publish(id(1), msg(1), null); // our own message, flood publish on by default
    assertThat(ctx.sentTo(PUBLISH)).containsExactlyInAnyOrderElementsOf(ps.subList(1, 4));
  }

  @Test
  void aBrokenIwantPromiseEarnsABehaviourPenaltyAndAKeptOneDoesNot() {
    startScored();
    List<PeerId> ps = peers(2);
    router.join(TOPIC);
    PeerId liar = ps.get(0);
    PeerId honest = ps.get(1);
    router.handleControl(liar, ihave(id(1)));
    router.handleControl(honest, ihave(id(2)));
    assertThat(ctx.sentTo(IWANT)).containsExactlyInAnyOrder(liar, honest);
    assertThat(router.promiseCount()).isEqualTo(2);
    router.onFirstSeen(id(2), msg(2), honest);
    router.onValidated(id(2), msg(2), honest, ValidationResult.ACCEPT);
    // past the follow-up time, the next heartbeat counts the broken promise: P7 = 1^2 * -1
    scheduler.advance(params.iwantFollowupTime().plus(params.heartbeatInterval()).plus(params.heartbeatInitialDelay()));
    assertThat(router.promiseCount()).isZero();
    assertThat(router.peerScore().score(liar)).isLessThan(0);
    assertThat(router.score(honest)).isGreaterThan(0);
  }

  @Test
  void aGraftDuringBackoffIsRefusedAndPenalisedTwiceWithinTheFloodThreshold() {
    startScored();
    List<PeerId> ps = peers(1);
    router.join(TOPIC);
    PeerId p = ps.get(0);
    // the peer prunes us; then grafts straight away, inside the backoff and the flood threshold
    router.handleControl(p, control(List.of(), List.of(), List.of(), List.of(new Rpc.Prune(TOPIC, List.of(), 60))));
    ctx.sent.clear();
    router.handleControl(p, graft());
    assertThat(router.meshPeers(TOPIC)).doesNotContain(p);
    assertThat(ctx.sentTo(PRUNE)).containsExactly(p);
    assertThat(router.score(p)).isEqualTo(-4.0); // two penalties: P7 = 2^2 * -1
  }

  @Test
  void opportunisticGraftingAddsBetterPeersWhenTheMedianMeshScoreIsLow() {
    startScored();
    List<PeerId> mediocre = peers(params.d());
    router.join(TOPIC);
    assertThat(router.meshPeers(TOPIC)).containsExactlyInAnyOrderElementsOf(mediocre);
    List<PeerId> good = peers(4);
    good.forEach(p -> app.put(p, 5.0));
    ctx.sent.clear();
    heartbeats(params.opportunisticGraftTicks() - 1);
    assertThat(ctx.sentTo(GRAFT)).as("nothing before the opportunistic tick").isEmpty();
    scheduler.advance(params.heartbeatInterval()); // heartbeat number opportunisticGraftTicks
    List<PeerId> grafted = ctx.sentTo(GRAFT);
    assertThat(grafted).hasSize(params.opportunisticGraftPeers());
    assertThat(good).containsAll(grafted);
    assertThat(router.meshPeers(TOPIC)).containsAll(grafted);
  }

  @Test
  void directPeersGetEveryMessageStayOutOfTheMeshAndAreRedialled() {
    PeerInfo directPeer = new PeerInfo(PeerId.random(), List.of());
    PeerInfo absent = new PeerInfo(PeerId.random(), List.of());
    start(GossipSubOptions.defaults().withDirectPeers(List.of(directPeer, absent)));
    List<PeerId> ps = peers(params.d() + 2);
    router.addPeer(directPeer.id(), GossipSubRouter.V12, true);
    ctx.topics.get(TOPIC).add(directPeer.id());
    router.join(TOPIC);
    assertThat(router.meshPeers(TOPIC)).doesNotContain(directPeer.id()).hasSize(params.d());
    ctx.sent.clear();
    router.publish(id(1), msg(1), ps.get(0)); // a forward: mesh plus direct peers
    assertThat(ctx.sentTo(PUBLISH)).contains(directPeer.id());
    ctx.sent.clear();
    router.handleControl(directPeer.id(), graft());
    assertThat(router.meshPeers(TOPIC)).doesNotContain(directPeer.id());
    assertThat(ctx.sentTo(PRUNE)).containsExactly(directPeer.id());
    heartbeats(1);
    assertThat(ctx.dialled).as("only the unconnected direct peer is dialled").containsExactly(absent.id());
    scheduler.advance(params.heartbeatInterval().multipliedBy(params.directConnectTicks()));
    assertThat(ctx.dialled).as("and again directConnectTicks later").containsExactly(absent.id(), absent.id());
  }

  @Test
  void oversubscribedMeshKeepsTheBestScoredPeers() {
    startScored();
    List<PeerId> ps = peers(params.dHigh() + 1);
    ctx.outbound.addAll(ps);
    router.join(TOPIC);
    ps.forEach(p -> router.handleControl(p, graft()));
    assertThat(router.meshPeers(TOPIC)).hasSize(params.dHigh() + 1);
    List<PeerId> best = ps.subList(0, params.dScore());
    for (int i = 0; i < best.size(); i++) {
      app.put(best.get(i), 1.0 + i);
    }
    heartbeats(1);
    assertThat(router.meshPeers(TOPIC)).hasSize(params.d()).containsAll(best);
  }

  @Test
  void signatureAndSizeRejectionsPenaliseTheSenderButAFullValidationQueueDoesNot() {
    startScored();
    List<PeerId> ps = peers(3);
    router.onRejected(id(1), msg(1), ps.get(0), PeerScore.RejectReason.INVALID_SIGNATURE, "bad signature");
    router.onRejected(id(2), msg(2), ps.get(1), PeerScore.RejectReason.OVERSIZED, "too big");
    router.onRejected(id(3), msg(3), ps.get(2), PeerScore.RejectReason.VALIDATION_QUEUE_FULL, "queue full");
    assertThat(router.score(ps.get(0))).isEqualTo(-10.0);
    assertThat(router.score(ps.get(1))).isEqualTo(-10.0);
    assertThat(router.score(ps.get(2))).isZero();
  }

  @Test
  void scoresAreRetainedAfterDisconnectSoReconnectingDoesNotLaunderThem() {
    startScored();
    PeerId p = peers(1).get(0);
    router.onRejected(id(1), msg(1), p, PeerScore.RejectReason.INVALID_SIGNATURE, "bad signature");
    router.removePeer(p);
    router.addPeer(p, GossipSubRouter.V12, false);
    assertThat(router.score(p)).isEqualTo(-10.0);
  }
}
