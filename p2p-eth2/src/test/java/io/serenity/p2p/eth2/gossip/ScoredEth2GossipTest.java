package io.serenity.p2p.eth2.gossip;

import static io.serenity.p2p.host.TestHosts.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.eth2.network.Network;
import io.serenity.p2p.eth2.network.NetworkConfig;
import io.serenity.p2p.eth2.ssz.Bytes32;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.types.StatusMessage;
import io.serenity.p2p.host.Host;
import io.serenity.p2p.host.TestHosts;
import io.serenity.p2p.pubsub.GossipSubOptions;
import io.serenity.p2p.pubsub.PeerScoreParams;
import io.serenity.p2p.pubsub.PubSub;
import io.serenity.p2p.pubsub.TopicScoreParams;
import io.serenity.p2p.pubsub.ValidationResult;
import io.serenity.p2p.pubsub.Validator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two gossipsub nodes configured as docs/ethereum.md shows: the topics of {@link TopicSchedule} at an
 * instant inside mainnet's Fulu transition window (both digests), scored with {@link Eth2ScoreParams}.
 * A valid block earns the sender a first-delivery credit; an invalid data column sidecar (a topic
 * scored for invalid messages only) costs it more than it can ever earn.
 */
class ScoredEth2GossipTest {

  private final TestHosts hosts = new TestHosts();
  private final List<PubSub> nodes = new ArrayList<>();

  @AfterEach
  void close() {
    nodes.forEach(PubSub::close);
    hosts.close();
  }

  @Test
  void scheduledTopicsScoredByTheDerivedParameters() throws Exception {
    NetworkConfig net = Network.MAINNET.config();
    Instant now = net.epochStart(411_391);                       // one epoch before Fulu
    TopicSchedule schedule = TopicSchedule.of(net, TopicSelection.all()
        .withAttestationSubnets(Subnets.of(0)).withSyncCommitteeSubnets(Subnets.none())
        .withDataColumnSubnets(Subnets.of(0)).withLightClient(false));
    Eth2ScoreParams eth = Eth2ScoreParams.of(net, 1_000_000);
    PeerScoreParams params = schedule.scoreParams(eth, now);
    List<String> topics = schedule.topicStringsAt(now);
    assertThat(params.topics().keySet()).containsExactlyInAnyOrderElementsOf(topics);

    Bytes4 fulu = net.forkSchedule().forkDigest(411_392);
    String block = Eth2Topic.of(fulu, Eth2Topic.BEACON_BLOCK).toString();
    String column = Eth2Topic.dataColumnSidecar(fulu, 0).toString();
    assertThat(topics).contains(block, column, "/eth2/ad532ceb/blob_sidecar_8/ssz_snappy");

    Eth2GossipProfile profile = Eth2GossipProfile.defaults();
    GossipSubOptions options = GossipSubOptions.defaults().withScoring(params, eth.thresholds());
    Host ha = hosts.start(KeyType.SECP256K1, profile.hostConfig());
    Host hb = hosts.start(KeyType.SECP256K1, profile.hostConfig());
    PubSub a = PubSub.gossipsub(ha, profile.pubSubConfig(), profile.gossipSubParams(), options);
    PubSub b = PubSub.gossipsub(hb, profile.pubSubConfig(), profile.gossipSubParams(), options);
    nodes.add(a);
    nodes.add(b);
    await(a.start());
    await(b.start());
    CountDownLatch blockAtB = new CountDownLatch(1);
    CountDownLatch columnJudged = new CountDownLatch(1);
    b.addValidator(column, Validator.of((from, m) -> {
      columnJudged.countDown();
      return ValidationResult.REJECT;                            // as a failed KZG proof would be
    }));
    for (String t : topics) {
      a.subscribe(t, m -> { });
      b.subscribe(t, t.equals(block) ? m -> blockAtB.countDown() : m -> { });
    }
    await(ha.connect(TestHosts.dialAddr(hb)));
    await(a.whenMesh(block, 1));
    await(a.whenPeers(column, 1));
    PeerId pa = ha.peerId();

    byte[] wire = profile.encode(StatusMessage.CODEC, new StatusMessage(fulu, Bytes32.ZERO, 1, Bytes32.ZERO, 2));
    await(a.publish(block, wire));
    assertThat(blockAtB.await(30, TimeUnit.SECONDS)).isTrue();
    TopicScoreParams blockParams = params.topics().get(block);
    double firstDelivery = blockParams.topicWeight() * blockParams.firstMessageDeliveriesWeight();
    eventually("a first delivery credited to a", () -> score(b, pa) >= firstDelivery);

    await(a.publish(column, profile.encode(StatusMessage.CODEC,
        new StatusMessage(fulu, Bytes32.ZERO, 3, Bytes32.ZERO, 4))));
    assertThat(columnJudged.await(30, TimeUnit.SECONDS)).isTrue();
    eventually("the invalid sidecar charged to a", () -> score(b, pa) < 0);
    // one invalid message outweighs everything a peer can earn, but is far from the gossip threshold
    assertThat(score(b, pa)).isLessThan(eth.topicScoreCap() - eth.maxPositiveScore())
        .isGreaterThan(eth.thresholds().gossipThreshold());
  }

  private static double score(PubSub ps, PeerId peer) {
    return await(ps.scores()).getOrDefault(peer, 0.0);
  }

  /** Polls a condition no event announces (the router applies scores on its own thread), up to the test timeout. */
  private static void eventually(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TestHosts.TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      LockSupport.parkNanos(5_000_000);
    }
  }
}
