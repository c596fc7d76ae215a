package io.serenity.p2p.eth2.gossip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.eth2.network.Network;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.pubsub.MessageId;
import io.serenity.p2p.pubsub.PeerScore;
import io.serenity.p2p.pubsub.PeerScoreParams;
import io.serenity.p2p.pubsub.PeerScoreThresholds;
import io.serenity.p2p.pubsub.TopicScoreParams;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Eth2ScoreParamsTest {

  static final Bytes4 DIGEST = Bytes4.fromHex("cc2c5cdb");
  static final long LONG_AGO = 1_000_000; // slots the digest has been current: P3 on everywhere

  static PeerScoreParams fulu(Eth2ScoreParams eth) {
    return eth.peerScoreParams(StandardTopics.mainnet().topics("fulu", DIGEST, TopicSelection.all()), LONG_AGO);
  }

  @Test
  void mainnetDerivedQuantities() {
    Eth2ScoreParams eth = Eth2ScoreParams.mainnet(1_000_000);
    // get_committee_count_per_slot: min(64, 1e6 / 32 / 128 = 244) = 64
    assertThat(eth.committeesPerSlot()).isEqualTo(64);
    // 2048 committees of 488 or 489 members, modulo 30: about 16.3 aggregators each, 64 committees a slot
    assertThat(eth.aggregatorsPerSlot()).isCloseTo(64 * 488.28 / 30, within(0.5));
    assertThat(eth.attestationsPerSubnetPerSlot()).isCloseTo(1_000_000.0 / 64 / 32, within(1e-9));
    assertThat(eth.multipleBurstsPerSubnetPerEpoch()).isTrue();
    assertThat(eth.maxPositiveScore()).isCloseTo(107.5, within(1e-9));
    assertThat(eth.topicScoreCap()).isCloseTo(53.75, within(1e-9));
    assertThat(eth.decayInterval()).isEqualTo(Duration.ofSeconds(12));

    // a small chain: one committee a slot, each subnet used in at most one slot an epoch
    Eth2ScoreParams small = Eth2ScoreParams.mainnet(2_000);
    assertThat(small.committeesPerSlot()).isEqualTo(1);
    assertThat(small.multipleBurstsPerSubnetPerEpoch()).isFalse();
    // 32 committees of 62 or 63: modulo 3, about 21 aggregators a slot
    assertThat(small.aggregatorsPerSlot()).isCloseTo(2_000.0 / 32 / 3, within(0.5));
  }

  @Test
  void globalsMatchTheMainnetPresetOfThePubsubModule() {
    PeerScoreParams mine = fulu(Eth2ScoreParams.mainnet(1_000_000));
    PeerScoreParams preset = PeerScoreParams.ethereum(Map.of());
    assertThat(mine.topicScoreCap()).isCloseTo(preset.topicScoreCap(), within(1e-9));
    assertThat(mine.ipColocationFactorWeight()).isCloseTo(preset.ipColocationFactorWeight(), within(1e-9));
    assertThat(mine.ipColocationFactorThreshold()).isEqualTo(preset.ipColocationFactorThreshold());
    assertThat(mine.behaviourPenaltyWeight()).isCloseTo(preset.behaviourPenaltyWeight(), within(1e-9));
    assertThat(mine.behaviourPenaltyDecay()).isCloseTo(preset.behaviourPenaltyDecay(), within(1e-12));
    assertThat(mine.behaviourPenaltyThreshold()).isEqualTo(preset.behaviourPenaltyThreshold());
    assertThat(mine.decayInterval()).isEqualTo(preset.decayInterval());
    assertThat(mine.retainScore()).isEqualTo(preset.retainScore());
    assertThat(mine.deliveryRecordTtl()).isEqualTo(preset.deliveryRecordTtl());
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 7, 64, 2_000, 16_384, 100_000, 500_000, 1_000_000, 2_000_000})
  void propertiesHoldForAnyValidatorCount(long validators) {
    for (Eth2ScoreParams eth : List.of(Eth2ScoreParams.mainnet(validators),
        Eth2ScoreParams.of(minimalNet(), validators))) {
      PeerScoreParams p = fulu(eth);
      double bestPossible = 0;
      double fullWeights = 0;
      for (Map.Entry<String, TopicScoreParams> e : p.topics().entrySet()) {
        TopicScoreParams t = e.getValue();
        String name = Eth2Topic.parse(e.getKey()).name();
        assertThat(t.topicWeight()).as(name).isPositive();
        assertThat(t.invalidMessageDeliveriesDecay()).as(name).isStrictlyBetween(0.0, 1.0);
        // one invalid message costs all a peer can earn, on every topic
        assertThat(t.topicWeight() * t.invalidMessageDeliveriesWeight()).as(name)
            .isCloseTo(-eth.maxPositiveScore(), within(1e-6));
        if (!eth.isFullyScored(name)) {
          assertThat(t.timeInMeshWeight()).isZero();
          assertThat(t.firstMessageDeliveriesWeight()).isZero();
          assertThat(t.meshMessageDeliveriesWeight()).isZero();
          continue;
        }
        fullWeights += t.topicWeight();
        assertThat(t.firstMessageDeliveriesDecay()).as(name).isStrictlyBetween(0.0, 1.0);
        // P1 and P2 are each capped at 10 and 40 before the topic weight
        double p1 = t.timeInMeshCap() * t.timeInMeshWeight();
        double p2 = t.firstMessageDeliveriesCap() * t.firstMessageDeliveriesWeight();
        assertThat(p1).as(name).isCloseTo(10, within(1e-9));
        assertThat(p2).as(name).isCloseTo(40, within(1e-9));
        bestPossible += t.topicWeight() * (p1 + p2);
        if (eth.meshDeliveriesDelaySlots(name) > 0) {
          double rate = eth.expectedMessagesPerSlot(name);
          assertThat(t.meshMessageDeliveriesDecay()).as(name).isStrictlyBetween(0.0, 1.0);
          assertThat(t.meshFailurePenaltyDecay()).isEqualTo(t.meshMessageDeliveriesDecay());
          // the threshold is the steady state of rate/50 per slot, after one decay: linear in the rate
          double d = t.meshMessageDeliveriesDecay();
          assertThat(t.meshMessageDeliveriesThreshold() / rate).as(name).isCloseTo(d / (50 * (1 - d)), within(1e-9));
          assertThat(t.meshMessageDeliveriesThreshold()).isLessThan(rate / (1 - d)); // well below a full share
          assertThat(t.meshMessageDeliveriesCap()).isGreaterThanOrEqualTo(Math.max(2, t.meshMessageDeliveriesThreshold()));
          // a full deficit costs all a peer can earn
          double deficit = t.meshMessageDeliveriesThreshold();
          assertThat(t.topicWeight() * t.meshMessageDeliveriesWeight() * deficit * deficit).as(name)
              .isCloseTo(-eth.maxPositiveScore(), within(1e-6));
          assertThat(t.meshMessageDeliveriesWindow()).isEqualTo(Duration.ofSeconds(2));
          assertThat(t.meshMessageDeliveriesActivation()).isGreaterThanOrEqualTo(eth.slotDuration());
        }
      }
      assertThat(fullWeights).isCloseTo(2.15, within(1e-9));
      assertThat(bestPossible).isCloseTo(eth.maxPositiveScore(), within(1e-6));
      assertThat(p.topicScoreCap()).isLessThan(bestPossible);
      // thresholds ordered, and the P7 weight sized on the gossip threshold
      PeerScoreThresholds th = eth.thresholds();
      assertThat(th.graylistThreshold()).isLessThan(th.publishThreshold());
      assertThat(th.publishThreshold()).isLessThan(th.gossipThreshold());
      assertThat(th.gossipThreshold()).isNegative();
      assertThat(p.behaviourPenaltyWeight()).isNegative();
      assertThat(p.behaviourPenaltyDecay()).isStrictlyBetween(0.0, 1.0);
      // best score ever possible stays far from the thresholds' scale: one invalid message turns it negative
      assertThat(p.topicScoreCap() - eth.maxPositiveScore()).isNegative();
    }
  }

  static io.serenity.p2p.eth2.network.NetworkConfig minimalNet() {
    return TopicScheduleTest.NET;
  }

  @Test
  void timingFollowsTheChain() {
    Eth2ScoreParams minimal = Eth2ScoreParams.of(minimalNet(), 64);
    assertThat(minimal.slotDuration()).isEqualTo(Duration.ofSeconds(6));
    assertThat(minimal.slotsPerEpoch()).isEqualTo(8);
    assertThat(minimal.maxCommitteesPerSlot()).isEqualTo(4);
    assertThat(minimal.targetCommitteeSize()).isEqualTo(4);
    TopicScoreParams block = minimal.topicParams("beacon_block", LONG_AGO);
    assertThat(block.timeInMeshQuantum()).isEqualTo(Duration.ofSeconds(6));
    assertThat(block.timeInMeshCap()).isEqualTo(600);                      // one hour of 6 s slots
    assertThat(block.meshMessageDeliveriesActivation()).isEqualTo(Duration.ofSeconds(48)); // one epoch
    // decays: block P2 forgotten over 20 epochs = 3200 slots
    assertThat(Math.pow(block.firstMessageDeliveriesDecay(), 20 * 8)).isCloseTo(0.01, within(1e-9));
    assertThat(Eth2ScoreParams.of(Network.MAINNET.config(), 5).withMeshDegree(8))
        .isEqualTo(Eth2ScoreParams.mainnet(5));

    // sub-second slots: decay still once a second, rates scaled to the second
    Eth2ScoreParams fast = new Eth2ScoreParams(Duration.ofMillis(500), 32, 10_000, 8, 64, 64, 128, 16,
        PeerScoreThresholds.ethereum());
    assertThat(fast.decayInterval()).isEqualTo(Duration.ofSeconds(1));
    TopicScoreParams fastBlock = fast.topicParams("beacon_block", LONG_AGO);
    assertThat(fastBlock.firstMessageDeliveriesCap() * fastBlock.firstMessageDeliveriesWeight()).isCloseTo(40, within(1e-9));
    fast.peerScoreParams(Map.of()); // valid
  }

  @Test
  void badInputsAreRefused() {
    assertThatThrownBy(() -> Eth2ScoreParams.mainnet(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("activeValidators");
    assertThatThrownBy(() -> Eth2ScoreParams.mainnet(10).withMeshDegree(0)).hasMessageContaining("meshDegree");
    assertThatThrownBy(() -> new Eth2ScoreParams(Duration.ZERO, 32, 10, 8, 64, 64, 128, 16,
        PeerScoreThresholds.ethereum())).hasMessageContaining("slotDuration");
    assertThatThrownBy(() -> Eth2ScoreParams.mainnet(10).withThresholds(
        new PeerScoreThresholds(0, -10, -20, 10, 1))).hasMessageContaining("gossipThreshold");
    assertThat(Eth2ScoreParams.mainnet(10).validate()).isEqualTo(Eth2ScoreParams.mainnet(10));
  }

  @Test
  void unknownNamesLookingLikeSubnetsAreNotFullyScored() {
    Eth2ScoreParams eth = Eth2ScoreParams.mainnet(1000);
    assertThat(eth.isFullyScored("beacon_attestation_7")).isTrue();
    assertThat(eth.isFullyScored("beacon_attestation_")).isFalse();
    assertThat(eth.isFullyScored("beacon_attestation_x1")).isFalse();
    assertThat(eth.isFullyScored("data_column_sidecar_3")).isFalse();
    assertThat(eth.isFullyScored("sync_committee_0")).isFalse();
  }

  // ---- simulation: one peer keeps delivering blocks, the other stops ----

  static PeerId peer(int seed) {
    return PeerId.fromPublicKey(PrivateKey.fromSeed(KeyType.ED25519, seed).publicKey());
  }

  static MessageId id(long n) {
    return new MessageId(ByteBuffer.allocate(8).putLong(n).array());
  }

  @Test
  void aMeshPeerThatStopsDeliveringLosesItsScore() {
    Eth2ScoreParams eth = Eth2ScoreParams.mainnet(1_000_000);
    String topic = Eth2Topic.of(DIGEST, Eth2Topic.BEACON_BLOCK).toString();
    PeerScoreParams params = eth.peerScoreParams(Map.of(topic, eth.topicParams("beacon_block", LONG_AGO)));
    long[] now = {0};
    PeerScore score = new PeerScore(params, () -> now[0]);
    PeerId steady = peer(1);
    PeerId quitter = peer(2);
    for (PeerId p : List.of(steady, quitter)) {
      score.addPeer(p, "/meshsub/1.1.0");
      score.graft(p, topic);
    }
    long slotNanos = Duration.ofSeconds(12).toNanos();
    long msg = 0;
    int stopSlot = 3 * 32; // three epochs of good service, then the quitter goes silent
    double quitterAtStop = 0;
    double quitterAfterOneEpoch = 0;
    for (int slot = 0; slot < 8 * 32; slot++) {
      // a block each slot: first from alternating peers, the other's copy follows within the window
      MessageId m = id(msg++);
      PeerId first = slot % 2 == 0 || slot >= stopSlot ? steady : quitter;
      score.validateMessage(first, m, topic);
      score.deliverMessage(first, m, topic);
      if (slot < stopSlot) {
        PeerId other = first == steady ? quitter : steady;
        now[0] += Duration.ofMillis(300).toNanos();
        score.duplicateMessage(other, m, topic);
        now[0] -= Duration.ofMillis(300).toNanos();
      }
      now[0] += slotNanos;
      score.refreshScores();
      if (slot == stopSlot - 1) {
        quitterAtStop = score.score(quitter);
        assertThat(quitterAtStop).as("a good mesh peer scores positive").isPositive();
        assertThat(score.score(steady)).isPositive();
      }
      if (slot == stopSlot + 31) {
        quitterAfterOneEpoch = score.score(quitter);
      }
    }
    double steadyEnd = score.score(steady);
    double quitterEnd = score.score(quitter);
    assertThat(steadyEnd).as("the peer that kept delivering").isPositive();
    assertThat(quitterAfterOneEpoch).isLessThan(quitterAtStop);
    // silent for five epochs: its mesh delivery counter is gone, the full deficit is charged
    assertThat(quitterEnd).as("the peer that stopped").isNegative();
    TopicScoreParams t = params.topics().get(topic);
    double fullDeficit = t.topicWeight() * t.meshMessageDeliveriesWeight()
        * t.meshMessageDeliveriesThreshold() * t.meshMessageDeliveriesThreshold();
    assertThat(quitterEnd).isLessThan(fullDeficit + 10 * 0.5 + 40 * 0.5); // at most P1 + P2 left to offset it
    // pruned for it, the deficit stays as P3b
    score.prune(quitter, topic);
    assertThat(score.score(quitter)).isNegative();
  }

  @Test
  void beforeTheDecayTimeNobodyIsChargedForSilence() {
    Eth2ScoreParams eth = Eth2ScoreParams.mainnet(1_000_000);
    String topic = Eth2Topic.of(DIGEST, Eth2Topic.BEACON_BLOCK).toString();
    PeerScoreParams params = eth.peerScoreParams(Map.of(topic, eth.topicParams("beacon_block", 10)));
    long[] now = {0};
    PeerScore score = new PeerScore(params, () -> now[0]);
    PeerId p = peer(3);
    score.addPeer(p, "/meshsub/1.1.0");
    score.graft(p, topic);
    for (int slot = 0; slot < 3 * 32; slot++) {
      now[0] += Duration.ofSeconds(12).toNanos();
      score.refreshScores();
    }
    assertThat(score.score(p)).isPositive(); // time in mesh only
    score.prune(p, topic);
    assertThat(score.score(p)).isZero(); // no P3b either
  }
}
