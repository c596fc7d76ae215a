package io.serenity.p2p.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.time.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Router rules on virtual time with a fake context that records what is sent to whom. */
class GossipSubRouterTest {
  private static final String TOPIC = "t";

  private final ManualScheduler scheduler = new ManualScheduler();
  private final FakeRouterContext ctx = new FakeRouterContext(scheduler);
  private final GossipSubParams params = GossipSubParams.defaults();
  private GossipSubRouter router;

  @BeforeEach
  void setUp() {
    router = new GossipSubRouter(params, new Random(1));
    router.attach(ctx);
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

  private static boolean isGraft(Rpc r) {
    return !r.control().graft().isEmpty();
  }

  private static boolean isPrune(Rpc r) {
    return !r.control().prune().isEmpty();
  }

  private static Rpc.Control graft() {
    return new Rpc.Control(List.of(), List.of(), List.of(new Rpc.Graft(TOPIC)), List.of(), List.of());
  }

  private static PubSubMessage msg(int size) {
    return new PubSubMessage(null, new byte[size], null, TOPIC, null, null);
  }

  @Test
  void joinGraftsDPeersAndHeartbeatRefillsBelowDLow() {
    List<PeerId> all = peers(10);
    router.join(TOPIC);
    assertThat(router.meshPeers(TOPIC)).hasSize(params.d());
    assertThat(ctx.sentTo(GossipSubRouterTest::isGraft)).hasSize(params.d());

    // four mesh peers leave the topic: below D_lo, the heartbeat grafts back up to D
    List<PeerId> leaving = router.meshPeers(TOPIC).subList(0, 4);
    leaving.forEach(p -> ctx.topics.get(TOPIC).remove(p));
    ctx.sent.clear();
    scheduler.advance(params.heartbeatInitialDelay());
    assertThat(router.meshPeers(TOPIC)).hasSize(params.d()).doesNotContainAnyElementsOf(leaving);
    assertThat(ctx.sentTo(GossipSubRouterTest::isGraft)).hasSize(4);
    assertThat(all).containsAll(router.meshPeers(TOPIC));
  }

  @Test
  void meshAboveDHighIsPrunedToDWithBackoff() {
    List<PeerId> all = peers(20);
    ctx.outbound.addAll(all); // a full mesh still accepts GRAFTs from outbound peers (v1.1)
    router.join(TOPIC);
    for (PeerId p : all) {
      router.handleControl(p, graft());
    }
    assertThat(router.meshPeers(TOPIC)).hasSize(20);
    ctx.sent.clear();
    scheduler.advance(params.heartbeatInitialDelay());
    assertThat(router.meshPeers(TOPIC)).hasSize(params.d());
    List<PeerId> pruned = ctx.sentTo(GossipSubRouterTest::isPrune);
    assertThat(pruned).hasSize(20 - params.d());
    // a pruned peer grafting again within the backoff is refused with PRUNE
    ctx.sent.clear();
    router.handleControl(pruned.get(0), graft());
    assertThat(router.meshPeers(TOPIC)).doesNotContain(pruned.get(0));
    assertThat(ctx.sentTo(GossipSubRouterTest::isPrune)).containsExactly(pruned.get(0));
    // after the backoff the same GRAFT is accepted
    scheduler.advance(params.pruneBackoff().multipliedBy(2).plusSeconds(1));
    router.handleControl(pruned.get(0), graft());
    assertThat(router.meshPeers(TOPIC)).contains(pruned.get(0));
  }

  @Test
  void iwantIsAnsweredFromTheCacheOnlyWhileTheMessageIsInIt() {
    List<PeerId> all = peers(3);
    router.join(TOPIC);
    MessageId id = new MessageId(new byte[] {7});
    router.publish(id, msg(10), null);
    ctx.sent.clear();
    Rpc.Control iwant = new Rpc.Control(List.of(), List.of(new Rpc.IWant(List.of(id))), List.of(), List.of(), List.of());
    router.handleControl(all.get(0), iwant);
    assertThat(ctx.sentTo(r -> !r.publish().isEmpty())).containsExactly(all.get(0));
    // historyLength heartbeats later the message has left the cache
    scheduler.advance(params.heartbeatInitialDelay().plus(params.heartbeatInterval().multipliedBy(params.historyLength())));
    ctx.sent.clear();
    router.handleControl(all.get(1), iwant);
    assertThat(ctx.sentTo(r -> !r.publish().isEmpty())).isEmpty();
  }

  @Test
  void ihaveForUnseenIdsIsAnsweredWithIwantWithinTheLimit() {
    List<PeerId> all = peers(2);
    router.join(TOPIC);
    MessageId known = new MessageId(new byte[] {1});
    MessageId unknown = new MessageId(new byte[] {2});
    ctx.seen.add(known);
    ctx.sent.clear();
    router.handleControl(all.get(0), new Rpc.Control(List.of(new Rpc.IHave(TOPIC, List.of(known, unknown))), List.of(), List.of(), List.of(), List.of()));
    assertThat(ctx.sent).singleElement().satisfies(e ->
        assertThat(e.getValue().control().iwant()).singleElement().satisfies(w -> assertThat(w.messageIds()).containsExactly(unknown)));
    // more IHAVE messages than maxIHaveMessages in one heartbeat are ignored
    ctx.sent.clear();
    for (int i = 0; i < params.maxIHaveMessages() + 5; i++) {
      router.handleControl(all.get(1), new Rpc.Control(List.of(new Rpc.IHave(TOPIC, List.of(new MessageId(new byte[] {9, (byte) i})))), List.of(), List.of(), List.of(), List.of()));
    }
    assertThat(ctx.sent).hasSize(params.maxIHaveMessages());
  }

  @Test
  void idontwantSuppressesTheForwardAndLargeMessagesTriggerIdontwant() {
    List<PeerId> all = peers(4);
    router.join(TOPIC);
    List<PeerId> meshPeers = router.meshPeers(TOPIC);
    PeerId from = meshPeers.get(0);
    PeerId quiet = meshPeers.get(1);
    MessageId id = new MessageId(new byte[] {3});
    router.handleControl(quiet, new Rpc.Control(List.of(), List.of(), List.of(), List.of(), List.of(new Rpc.IDontWant(List.of(id)))));
    ctx.sent.clear();
    router.publish(id, msg(params.idontwantMessageThreshold()), from);
    List<PeerId> forwardedTo = ctx.sentTo(r -> !r.publish().isEmpty());
    assertThat(forwardedTo).doesNotContain(from, quiet).containsExactlyInAnyOrderElementsOf(
        meshPeers.stream().filter(p -> !p.equals(from) && !p.equals(quiet)).toList());
    List<PeerId> told = ctx.sentTo(r -> !r.control().idontwant().isEmpty());
    assertThat(told).containsExactlyInAnyOrderElementsOf(meshPeers.stream().filter(p -> !p.equals(from)).toList());
    assertThat(all).containsAll(meshPeers);
  }

  @Test
  void fanoutIsUsedForTopicsWeDoNotJoinAndExpiresAfterItsTtl() {
    peers(10);
    MessageId id = new MessageId(new byte[] {4});
    router.publish(id, msg(10), PeerId.random()); // a forward on a topic we have not joined
    assertThat(ctx.sentTo(r -> !r.publish().isEmpty())).hasSize(params.d());
    assertThat(router.fanoutTopics()).containsExactly(TOPIC);
    scheduler.advance(params.fanoutTtl().minusSeconds(2));
    assertThat(router.fanoutTopics()).as("kept within the TTL").containsExactly(TOPIC);
    scheduler.advance(Duration.ofSeconds(4));
    assertThat(router.fanoutTopics()).as("gone after the TTL").isEmpty();
    // joining the topic later starts the mesh from scratch
    router.join(TOPIC);
    assertThat(router.meshPeers(TOPIC)).hasSize(params.d());
  }

  @Test
  void aForwardSkipsTheSenderAndTheAuthorAndReachesFloodsubPeersOnlyWhileTheyAreThere() {
    List<PeerId> all = peers(6);
    router.join(TOPIC);
    List<PeerId> meshPeers = router.meshPeers(TOPIC);
    PeerId from = meshPeers.get(0);
    PeerId author = meshPeers.get(1);
    PubSubMessage signed = new PubSubMessage(author.toBytes(), new byte[10], new byte[8], TOPIC, new byte[64], null);

    router.publish(new MessageId(new byte[] {10}), signed, from);
    assertThat(ctx.sentTo(r -> !r.publish().isEmpty())).as("mesh only, without sender and author")
        .containsExactlyInAnyOrderElementsOf(meshPeers.subList(2, meshPeers.size()));

    // a floodsub peer on the topic gets every forward, outside the mesh
    PeerId flood = PeerId.random();
    router.addPeer(flood, FloodSubRouter.PROTOCOL_ID, false);
    ctx.topics.get(TOPIC).add(flood);
    ctx.sent.clear();
    router.publish(new MessageId(new byte[] {11}), msg(10), from);
    assertThat(ctx.sentTo(r -> !r.publish().isEmpty())).contains(flood).doesNotContain(from)
        .hasSize(meshPeers.size());

    // once it has left, forwards go to the mesh alone again
    router.removePeer(flood);
    ctx.topics.get(TOPIC).remove(flood);
    ctx.sent.clear();
    router.publish(new MessageId(new byte[] {12}), msg(10), from);
    assertThat(ctx.sentTo(r -> !r.publish().isEmpty())).doesNotContain(flood, from).hasSize(meshPeers.size() - 1);
    assertThat(all).containsAll(meshPeers);
  }
}
