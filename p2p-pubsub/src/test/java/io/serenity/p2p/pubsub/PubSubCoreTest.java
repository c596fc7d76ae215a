package io.serenity.p2p.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.time.ManualScheduler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The pubsub pipeline without sockets or threads, on virtual time: what it sends, in which lane, and what it delivers. */
class PubSubCoreTest {
  private final ManualScheduler scheduler = new ManualScheduler();
  private final PeerId self = PeerId.random();
  private final PeerId peer = PeerId.random();
  private final List<Sent> sent = new ArrayList<>();
  private final List<String> delivered = new ArrayList<>();

  private record Sent(PeerId to, Rpc rpc, Lane lane) {}

  private PubSubCore core(Router router, PubSubConfig config) {
    PubSubCore c = new PubSubCore(self, config, router, scheduler, null,
        (to, rpc, lane) -> sent.add(new Sent(to, rpc, lane)),
        (id, m, from) -> delivered.add(new String(m.data(), StandardCharsets.UTF_8) + "<-" + (from.equals(self) ? "self" : "peer")));
    c.attach();
    return c;
  }

  private static PubSubConfig noSign() {
    return PubSubConfig.defaults().withSignaturePolicy(SignaturePolicy.STRICT_NO_SIGN)
        .withMessageIdFunction(MessageIdFunction.sha256OfData());
  }

  private static PubSubMessage msg(String data) {
    return new PubSubMessage(null, data.getBytes(StandardCharsets.UTF_8), null, "t", null, null);
  }

  private void connect(PubSubCore c, String... peerTopics) {
    c.addPeer(peer, Set.of());
    c.peerReady(peer, FloodSubRouter.PROTOCOL_ID, true);
    List<Rpc.SubOpts> subs = new ArrayList<>();
    for (String t : peerTopics) {
      subs.add(new Rpc.SubOpts(true, t));
    }
    c.handleRpc(peer, new Rpc(subs, List.of(), Rpc.Control.EMPTY));
  }

  @Test
  void aReadyPeerHearsOurTopicsInTheControlLane() {
    PubSubCore c = core(new FloodSubRouter(), noSign());
    c.join("t");
    c.addPeer(peer, Set.of());
    assertThat(sent).as("nothing before its stream is up").isEmpty();
    c.peerReady(peer, FloodSubRouter.PROTOCOL_ID, true);
    assertThat(sent).singleElement().satisfies(s -> {
      assertThat(s.lane()).isEqualTo(Lane.CONTROL);
      assertThat(s.rpc().subscriptions()).containsExactly(new Rpc.SubOpts(true, "t"));
    });
  }

  @Test
  void ourPublishIsSentInThePublishLaneAndAForwardInTheForwardLane() {
    PubSubCore c = core(new GossipSubRouter(GossipSubParams.defaults(), new Random(1)), noSign());
    c.join("t");
    connect(c, "t");
    sent.clear();
    CompletableFuture<MessageId> own = new CompletableFuture<>();
    c.publish(msg("own"), true, own);
    assertThat(own).isCompleted();
    assertThat(sent).as("our message names no author; the router still knows it is ours")
        .filteredOn(s -> !s.rpc().publish().isEmpty()).extracting(Sent::lane).containsExactly(Lane.PUBLISH);
    PeerId other = PeerId.random();
    c.addPeer(other, Set.of());
    c.peerReady(other, FloodSubRouter.PROTOCOL_ID, false);
    sent.clear();
    c.handleRpc(other, Rpc.publish(msg("theirs")));
    assertThat(sent).filteredOn(s -> !s.rpc().publish().isEmpty())
        .extracting(Sent::lane).containsExactly(Lane.FORWARD);
    assertThat(delivered).containsExactly("theirs<-peer");
  }

  @Test
  void aSecondPublishOfTheSameIdFailsAndIsNotSent() {
    PubSubCore c = core(new FloodSubRouter(), noSign());
    connect(c, "t");
    sent.clear();
    CompletableFuture<MessageId> first = new CompletableFuture<>();
    CompletableFuture<MessageId> again = new CompletableFuture<>();
    c.publish(msg("x"), true, first);
    c.publish(msg("x"), true, again);
    assertThat(first).isCompleted();
    assertThat(again).isCompletedExceptionally();
    assertThat(sent).hasSize(1);
    assertThat(sent.get(0).lane()).isEqualTo(Lane.PUBLISH);
  }

  @Test
  void aLateVerdictArrivesOnTheSchedulerAndOnlyThenIsTheMessageForwardedAndDelivered() {
    PubSubCore c = core(new FloodSubRouter(), noSign());
    c.join("t");
    CompletableFuture<ValidationResult> verdict = new CompletableFuture<>();
    c.addValidator("t", (from, m) -> verdict);
    connect(c, "t");
    PeerId other = PeerId.random();
    c.addPeer(other, Set.of());
    c.peerReady(other, FloodSubRouter.PROTOCOL_ID, false);
    c.handleRpc(other, new Rpc(List.of(new Rpc.SubOpts(true, "t")), List.of(), Rpc.Control.EMPTY));
    sent.clear();
    c.handleRpc(other, Rpc.publish(msg("slow")));
    assertThat(delivered).isEmpty();
    verdict.complete(ValidationResult.ACCEPT);
    assertThat(delivered).as("not before the scheduler runs").isEmpty();
    scheduler.runPending();
    assertThat(delivered).containsExactly("slow<-peer");
    assertThat(sent).filteredOn(s -> s.to().equals(peer) && !s.rpc().publish().isEmpty()).hasSize(1);
  }

  @Test
  void theSeenCacheForgetsAfterItsTtlOnTheSchedulersClock() {
    PubSubCore c = core(new FloodSubRouter(), noSign().withSeenTtl(Duration.ofSeconds(10)));
    c.join("t");
    connect(c, "t");
    c.handleRpc(peer, Rpc.publish(msg("m")));
    c.handleRpc(peer, Rpc.publish(msg("m")));
    assertThat(delivered).containsExactly("m<-peer");
    scheduler.advance(Duration.ofSeconds(11));
    c.handleRpc(peer, Rpc.publish(msg("m")));
    assertThat(delivered).containsExactly("m<-peer", "m<-peer");
  }

  @Test
  void aMessageOnATopicWithoutValidatorCreditsItsFirstDeliverer() {
    PeerScoreParams scoring = PeerScoreParams.defaults()
        .withTopic("t", TopicScoreParams.defaults().withFirstMessageDeliveries(1, 0.5, 10));
    GossipSubRouter router = new GossipSubRouter(GossipSubParams.defaults(),
        GossipSubOptions.defaults().withScoring(scoring, PeerScoreThresholds.defaults()), new Random(1));
    PubSubCore c = core(router, noSign());
    c.join("t");
    c.addPeer(peer, Set.of());
    c.peerReady(peer, GossipSubRouter.V11, true);
    c.handleRpc(peer, new Rpc(List.of(new Rpc.SubOpts(true, "t")), List.of(), Rpc.Control.EMPTY));
    c.handleRpc(peer, Rpc.publish(msg("first")));
    assertThat(delivered).containsExactly("first<-peer");
    assertThat(router.score(peer)).isEqualTo(1.0); // P2 weight 1, one first delivery
  }

  @Test
  void theReadyPeersOfATopicFollowEveryChangeAndAHeldSetNeverChanges() {
    PubSubCore c = core(new FloodSubRouter(), noSign());
    PeerId other = PeerId.random();
    assertThat(c.readyPeersIn("t")).isEmpty();
    c.addPeer(peer, Set.of("t"));
    assertThat(c.readyPeersIn("t")).as("known, stream not up yet").isEmpty();
    c.peerReady(peer, FloodSubRouter.PROTOCOL_ID, true);
    Set<PeerId> one = c.readyPeersIn("t");
    assertThat(one).containsExactly(peer);
    assertThat(c.readyPeersIn("t")).as("built once, then reused").isSameAs(one);

    c.addPeer(other, Set.of());
    c.peerReady(other, FloodSubRouter.PROTOCOL_ID, false);
    assertThat(c.readyPeersIn("t")).as("ready, but not in the topic").containsExactly(peer);
    c.handleRpc(other, new Rpc(List.of(new Rpc.SubOpts(true, "t")), List.of(), Rpc.Control.EMPTY));
    assertThat(c.readyPeersIn("t")).as("subscribed").containsExactly(peer, other);
    c.handleRpc(peer, new Rpc(List.of(new Rpc.SubOpts(false, "t")), List.of(), Rpc.Control.EMPTY));
    assertThat(c.readyPeersIn("t")).as("unsubscribed").containsExactly(other);
    c.removePeer(other);
    assertThat(c.readyPeersIn("t")).as("removed").isEmpty();

    assertThat(one).as("a set handed out earlier is a snapshot").containsExactly(peer);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> one.add(other))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
