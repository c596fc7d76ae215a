package io.serenity.p2p.eth2.gossip;

import static io.serenity.p2p.eth2.gossip.TopicScheduleTest.ELECTRA;
import static io.serenity.p2p.eth2.gossip.TopicScheduleTest.FULU;
import static io.serenity.p2p.eth2.gossip.TopicScheduleTest.NET;
import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.event.Subscription;
import io.serenity.p2p.pubsub.TopicScoreParams;
import io.serenity.p2p.server.Server;
import io.serenity.p2p.server.ServerConfig;
import io.serenity.p2p.time.ManualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link TopicSwitcher} across the devnet's Fulu boundary (epoch 20) on a fake clock: only the
 * Electra topics before the window, both sets from epoch 18 to the end of epoch 21, only the Fulu
 * topics from epoch 22; score parameters refreshed every epoch. No sockets, no sleeps.
 */
class TopicSwitcherTest {

  private static final TopicSelection MINE = TopicSelection.all()
      .withAttestationSubnets(Subnets.of(1, 2))
      .withSyncCommitteeSubnets(Subnets.none())
      .withDataColumnSubnets(Subnets.of(3))
      .withLightClient(false);
  private static final TopicSchedule SCHEDULE = TopicSchedule.of(NET, MINE);
  private static final Eth2ScoreParams ETH = Eth2ScoreParams.of(NET, 4096);

  private final ManualScheduler scheduler = new ManualScheduler();
  private final Instant start = NET.epochStart(17).plusSeconds(1);
  private final InstantSource clock = () -> start.plusNanos(scheduler.now());

  /** A node that records what is done to it. */
  private static final class FakeNode implements TopicSwitcher.Node {
    final Set<String> topics = new LinkedHashSet<>();
    final List<String> joined = new ArrayList<>();
    final List<String> left = new ArrayList<>();
    final Map<String, TopicScoreParams> scores = new HashMap<>();
    boolean running = true;

    final TopicSwitcher.Joiner joiner = t -> {
      joined.add(t.toString());
      topics.add(t.toString());
    };

    @Override
    public boolean holds(String topic) {
      return topics.contains(topic);
    }

    @Override
    public void leave(String topic) {
      left.add(topic);
      topics.remove(topic);
    }

    @Override
    public boolean setScoreParams(String topic, TopicScoreParams params) {
      if (!running) {
        return false;
      }
      scores.put(topic, params);
      return true;
    }
  }

  private static Set<String> topicsOf(Bytes4Fork fork) {
    Set<String> out = new LinkedHashSet<>();
    for (Eth2Topic t : SCHEDULE.topicsAt(fork.epoch)) {
      if (t.forkDigest().equals(fork.digest)) {
        out.add(t.toString());
      }
    }
    return out;
  }

  /** A digest and an epoch at which the schedule holds it. */
  private record Bytes4Fork(io.serenity.p2p.eth2.ssz.Bytes4 digest, long epoch) {}

  private static final Set<String> ELECTRA_TOPICS = topicsOf(new Bytes4Fork(ELECTRA, 17));
  private static final Set<String> FULU_TOPICS = topicsOf(new Bytes4Fork(FULU, 22));

  /** Moves the fake clock to {@code at}, running what falls due. */
  private void advanceTo(Instant at) {
    Duration d = Duration.between(clock.instant(), at);
    assertThat(d).isPositive();
    scheduler.advance(d);
    assertThat(clock.instant()).isEqualTo(at);
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> out = new LinkedHashSet<>(a);
    out.addAll(b);
    return out;
  }

  @Test
  void theDevnetTopicSetsDiffer() {
    assertThat(ELECTRA_TOPICS).isNotEmpty().allMatch(t -> t.startsWith("/eth2/" + ELECTRA.toHex() + "/"));
    assertThat(FULU_TOPICS).isNotEmpty().allMatch(t -> t.startsWith("/eth2/" + FULU.toHex() + "/"));
    assertThat(FULU_TOPICS).anyMatch(t -> t.contains("/data_column_sidecar_3/"));
    assertThat(ELECTRA_TOPICS).anyMatch(t -> t.contains("/blob_sidecar_0/"));
  }

  @Test
  void theNextForksTopicsAreTakenAtTheWindowAndThePreviousOnesLeftAfterTheOverlap() {
    FakeNode node = new FakeNode();
    TopicSwitcher sw = TopicSwitcher.builder(node, SCHEDULE, node.joiner).clock(clock).scheduler(scheduler)
        .scoreParams(ETH).build();
    var started = sw.start();
    scheduler.runPending();
    assertThat(started).isCompleted();

    // epoch 17: the Electra topics only
    assertThat(node.topics).isEqualTo(ELECTRA_TOPICS);
    assertThat(sw.heldTopics()).isEqualTo(ELECTRA_TOPICS);

    // a millisecond before epoch 18 nothing has changed; at its start the Fulu topics are taken
    advanceTo(NET.epochStart(18).minusMillis(1));
    assertThat(node.topics).isEqualTo(ELECTRA_TOPICS);
    advanceTo(NET.epochStart(18));
    assertThat(node.topics).isEqualTo(union(ELECTRA_TOPICS, FULU_TOPICS));
    assertThat(node.left).isEmpty();
    assertThat(node.scores).isEqualTo(SCHEDULE.scoreParams(ETH, clock.instant()).topics());

    // the overlap lasts until the end of epoch 21 (fork at 20, left two epochs after)
    advanceTo(NET.epochStart(22).minusMillis(1));
    assertThat(node.topics).isEqualTo(union(ELECTRA_TOPICS, FULU_TOPICS));
    advanceTo(NET.epochStart(22));
    assertThat(node.topics).isEqualTo(FULU_TOPICS);
    assertThat(node.left).containsExactlyElementsOf(ELECTRA_TOPICS);
    assertThat(sw.heldTopics()).isEqualTo(FULU_TOPICS);

    // every topic taken once, through the joiner
    assertThat(node.joined).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(
        union(ELECTRA_TOPICS, FULU_TOPICS));
    assertThat(sw.joins()).isEqualTo(ELECTRA_TOPICS.size() + FULU_TOPICS.size());
    assertThat(sw.leaves()).isEqualTo(ELECTRA_TOPICS.size());
    assertThat(sw.failures()).isZero();

    // score parameters follow the slot every epoch: P3 comes on for the Fulu topics once in force
    long checks = sw.checks();
    advanceTo(NET.epochStart(26).plusSeconds(1));
    assertThat(sw.checks()).isEqualTo(checks + 4);
    Map<String, TopicScoreParams> now = SCHEDULE.scoreParams(ETH, clock.instant()).topics();
    assertThat(node.scores).containsAllEntriesOf(now);
    String block = "/eth2/" + FULU.toHex() + "/beacon_block/ssz_snappy";
    assertThat(SCHEDULE.scoreParams(ETH, NET.epochStart(18)).topics().get(block).meshMessageDeliveriesWeight())
        .isZero();
    assertThat(now.get(block).meshMessageDeliveriesWeight()).isNegative();
  }

  @Test
  void withoutScoringItWakesOnlyAtChangesAndAtTheLongestWait() {
    FakeNode node = new FakeNode();
    TopicSwitcher sw = TopicSwitcher.builder(node, SCHEDULE, node.joiner).clock(clock).scheduler(scheduler).build();
    sw.start();
    scheduler.runPending();
    advanceTo(NET.epochStart(18));
    assertThat(sw.checks()).isEqualTo(2); // epoch 17 + 1 s to 18 is under the longest wait
    assertThat(node.topics).isEqualTo(union(ELECTRA_TOPICS, FULU_TOPICS));
    assertThat(node.scores).isEmpty();
    advanceTo(NET.epochStart(22));
    assertThat(sw.checks()).isEqualTo(3);
    assertThat(node.topics).isEqualTo(FULU_TOPICS);
    // the blob-parameter fork at 30: its topics from 28, Fulu's left at 32
    advanceTo(NET.epochStart(28));
    assertThat(sw.checks()).isEqualTo(4);
    advanceTo(NET.epochStart(32));
    assertThat(sw.checks()).isEqualTo(5);
    assertThat(node.topics).allMatch(t -> t.startsWith("/eth2/" + TopicScheduleTest.BPO.toHex() + "/"));
    // no change ahead: checked every ten minutes, in case the wall clock moves
    advanceTo(NET.epochStart(32).plus(Duration.ofMinutes(TopicSwitcher.MAX_WAIT_MINUTES)).minusMillis(1));
    assertThat(sw.checks()).isEqualTo(5);
    advanceTo(NET.epochStart(32).plus(Duration.ofMinutes(TopicSwitcher.MAX_WAIT_MINUTES)));
    assertThat(sw.checks()).isEqualTo(6);
  }

  @Test
  void aServersTopicsFollowTheScheduleAndTheLeftFeedsEnd() {
    Server server = new Server(ServerConfig.builder().listen("/ip4/127.0.0.1/tcp/0").build());
    try {
      Map<String, Subscription> subs = new LinkedHashMap<>();
      TopicSwitcher sw = TopicSwitcher.builder(server, SCHEDULE,
              t -> subs.put(t.toString(), server.joinTopic(t.toString()).subscribe(m -> {})))
          .clock(clock).scheduler(scheduler).scoreParams(ETH).build();
      sw.start();
      scheduler.runPending(); // the server is not started: topics are joined, scores wait for it
      assertThat(server.topicNames()).isEqualTo(ELECTRA_TOPICS);

      advanceTo(NET.epochStart(18));
      assertThat(server.topicNames()).isEqualTo(union(ELECTRA_TOPICS, FULU_TOPICS));
      advanceTo(NET.epochStart(22));
      assertThat(server.topicNames()).isEqualTo(FULU_TOPICS);
      for (String t : ELECTRA_TOPICS) {
        assertThat(subs.get(t).err()).as(t).isCompletedExceptionally();
      }
      for (String t : FULU_TOPICS) {
        assertThat(subs.get(t).err()).as(t).isNotDone();
      }
      sw.stop();
    } finally {
      server.stop();
    }
  }

  @Test
  void onARunningServerAPeerSeesTheTopicsChangeAtTheBoundaries() throws Exception {
    ServerConfig config = ServerConfig.builder().listen("/ip4/127.0.0.1/tcp/0").minPeers(0).build();
    try (Server a = new Server(config); Server b = new Server(config)) {
      a.start();
      b.start();
      TopicSwitcher sw = TopicSwitcher.builder(a, SCHEDULE, t -> a.joinTopic(t.toString()))
          .clock(clock).scheduler(scheduler).scoreParams(ETH).build();
      sw.start();
      scheduler.runPending();
      b.connect(a.listenAddrs().get(0).toString()).get(30, TimeUnit.SECONDS);
      String electra = ELECTRA_TOPICS.iterator().next();
      String fulu = FULU_TOPICS.iterator().next();
      b.pubSub().whenPeers(electra, 1).get(30, TimeUnit.SECONDS);
      assertThat(b.pubSub().peers(fulu).get(30, TimeUnit.SECONDS)).isEmpty();

      advanceTo(NET.epochStart(18));
      b.pubSub().whenPeers(fulu, 1).get(30, TimeUnit.SECONDS);
      assertThat(a.pubSub().topics().get(30, TimeUnit.SECONDS)).isEqualTo(union(ELECTRA_TOPICS, FULU_TOPICS));

      advanceTo(NET.epochStart(22));
      assertThat(a.pubSub().topics().get(30, TimeUnit.SECONDS)).isEqualTo(FULU_TOPICS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!b.pubSub().peers(electra).get(30, TimeUnit.SECONDS).isEmpty()) {
        assertThat(System.nanoTime() - deadline).as("b still sees a on " + electra).isNegative();
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
      }
      assertThat(b.pubSub().peers(fulu).get(30, TimeUnit.SECONDS)).containsExactly(a.peerId());
      sw.stop();
    }
  }

  @Test
  void aFailedJoinIsRetriedAndATopicAlreadyHeldIsAdoptedAndLeftWithItsFork() {
    FakeNode node = new FakeNode();
    String adopted = ELECTRA_TOPICS.iterator().next();
    node.topics.add(adopted); // the application took it before
    String flaky = ELECTRA_TOPICS.stream().skip(1).findFirst().orElseThrow();
    Set<String> failedOnce = new HashSet<>();
    TopicSwitcher sw = TopicSwitcher.builder(node, SCHEDULE, t -> {
          if (t.toString().equals(flaky) && failedOnce.add(flaky)) {
            throw new IllegalStateException("not ready");
          }
          node.joiner.join(t);
        })
        .clock(clock).scheduler(scheduler).build();
    sw.start();
    scheduler.runPending();
    assertThat(sw.failures()).isEqualTo(1);
    assertThat(node.topics).doesNotContain(flaky).contains(adopted);
    assertThat(node.joined).doesNotContain(adopted);

    scheduler.advance(TopicSwitcher.RETRY);
    assertThat(node.topics).isEqualTo(ELECTRA_TOPICS);
    assertThat(sw.failures()).isEqualTo(1);

    advanceTo(NET.epochStart(22));
    assertThat(node.left).contains(adopted, flaky);
    assertThat(node.topics).isEqualTo(FULU_TOPICS);
  }

  @Test
  void aNewSelectionAppliesAtOnceAndAStoppedSwitcherChangesNothing() {
    FakeNode node = new FakeNode();
    TopicSwitcher sw = TopicSwitcher.builder(node, SCHEDULE, node.joiner).clock(clock).scheduler(scheduler).build();
    sw.start();
    scheduler.runPending();
    String subnet5 = "/eth2/" + ELECTRA.toHex() + "/beacon_attestation_5/ssz_snappy";
    String subnet1 = "/eth2/" + ELECTRA.toHex() + "/beacon_attestation_1/ssz_snappy";
    var applied = sw.setSchedule(SCHEDULE.withSelection(MINE.withAttestationSubnets(Subnets.of(2, 5))));
    scheduler.runPending();
    assertThat(applied).isCompleted();
    assertThat(node.topics).contains(subnet5).doesNotContain(subnet1);
    assertThat(node.left).containsExactly(subnet1);

    sw.stop();
    scheduler.advance(Duration.between(clock.instant(), NET.epochStart(23)));
    assertThat(node.topics).noneMatch(t -> t.contains(FULU.toHex()));
    assertThat(node.left).containsExactly(subnet1);
  }
}
