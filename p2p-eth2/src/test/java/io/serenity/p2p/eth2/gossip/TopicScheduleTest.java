package io.serenity.p2p.eth2.gossip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.eth2.network.ChainConfig;
import io.serenity.p2p.eth2.network.ForkSchedule;
import io.serenity.p2p.eth2.network.Network;
import io.serenity.p2p.eth2.network.NetworkConfig;
import io.serenity.p2p.eth2.ssz.Bytes32;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.pubsub.PeerScoreParams;
import io.serenity.p2p.pubsub.TopicScoreParams;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class TopicScheduleTest {

  static final Instant GENESIS = Instant.parse("2026-01-01T00:00:00Z");

  /** A devnet: 6 s slots, 8-slot epochs; deneb at genesis, electra at 10, fulu at 20, a BPO fork at 30. */
  static NetworkConfig devnet(String extra) {
    ChainConfig config = ChainConfig.parse("""
        CONFIG_NAME: devnet
        PRESET_BASE: minimal
        SECONDS_PER_SLOT: 6
        GENESIS_FORK_VERSION: 0x10000000
        ALTAIR_FORK_VERSION: 0x11000000
        ALTAIR_FORK_EPOCH: 0
        BELLATRIX_FORK_VERSION: 0x12000000
        BELLATRIX_FORK_EPOCH: 0
        CAPELLA_FORK_VERSION: 0x13000000
        CAPELLA_FORK_EPOCH: 0
        DENEB_FORK_VERSION: 0x14000000
        DENEB_FORK_EPOCH: 0
        MAX_BLOBS_PER_BLOCK_ELECTRA: 9
        """ + extra);
    return NetworkConfig.of(config, GENESIS, Bytes32.fromHex("11".repeat(32)), List.of());
  }

  static final NetworkConfig NET = devnet("""
      ELECTRA_FORK_VERSION: 0x15000000
      ELECTRA_FORK_EPOCH: 10
      FULU_FORK_VERSION: 0x16000000
      FULU_FORK_EPOCH: 20
      BLOB_SCHEDULE:
        - EPOCH: 30
          MAX_BLOBS_PER_BLOCK: 15
      """);

  static final ForkSchedule FS = NET.forkSchedule();
  static final Bytes4 DENEB = FS.forkDigest(0);
  static final Bytes4 ELECTRA = FS.forkDigest(10);
  static final Bytes4 FULU = FS.forkDigest(20);
  static final Bytes4 BPO = FS.forkDigest(30);

  static final TopicSchedule SCHEDULE = TopicSchedule.of(NET, TopicSelection.all());

  static Set<String> topicNamesOf(List<Eth2Topic> topics, Bytes4 digest) {
    Set<String> out = new TreeSet<>();
    for (Eth2Topic t : topics) {
      if (t.forkDigest().equals(digest)) {
        out.add(t.name());
      }
    }
    return out;
  }

  @Test
  void fourDistinctDigests() {
    assertThat(Set.of(DENEB, ELECTRA, FULU, BPO)).hasSize(4);
  }

  @Test
  void bothDigestsFromTwoEpochsBeforeToTwoEpochsAfterEachBoundary() {
    assertThat(SCHEDULE.digestsAt(0)).containsExactly(DENEB);
    assertThat(SCHEDULE.digestsAt(7)).containsExactly(DENEB);
    for (long e = 8; e <= 11; e++) {
      assertThat(SCHEDULE.digestsAt(e)).as("epoch " + e).containsExactly(DENEB, ELECTRA);
    }
    assertThat(SCHEDULE.digestsAt(12)).containsExactly(ELECTRA);
    assertThat(SCHEDULE.digestsAt(17)).containsExactly(ELECTRA);
    for (long e = 18; e <= 21; e++) {
      assertThat(SCHEDULE.digestsAt(e)).as("epoch " + e).containsExactly(ELECTRA, FULU);
    }
    assertThat(SCHEDULE.digestsAt(22)).containsExactly(FULU);
    // a blob-parameter-only fork changes the digest, so the same overlap applies
    assertThat(SCHEDULE.digestsAt(27)).containsExactly(FULU);
    assertThat(SCHEDULE.digestsAt(28)).containsExactly(FULU, BPO);
    assertThat(SCHEDULE.digestsAt(31)).containsExactly(FULU, BPO);
    assertThat(SCHEDULE.digestsAt(32)).containsExactly(BPO);
    assertThat(SCHEDULE.digestsAt(1_000_000)).containsExactly(BPO);
  }

  @Test
  void eachDigestCarriesTheTopicsOfItsFork() {
    List<Eth2Topic> atFulu = SCHEDULE.topicsAt(20);
    Set<String> old = topicNamesOf(atFulu, ELECTRA);
    Set<String> now = topicNamesOf(atFulu, FULU);
    assertThat(old).contains("blob_sidecar_8").doesNotContain("data_column_sidecar_0");
    assertThat(now).contains("data_column_sidecar_127").doesNotContain("blob_sidecar_0");
    assertThat(atFulu).hasSize(old.size() + now.size());
    assertThat(old).isEqualTo(new TreeSet<>(StandardTopics.mainnet().names("electra", TopicSelection.all())));
    assertThat(now).isEqualTo(new TreeSet<>(StandardTopics.mainnet().names("fulu", TopicSelection.all())));
    // the BPO digest has the same topic names as fulu's first digest
    assertThat(topicNamesOf(SCHEDULE.topicsAt(30), BPO)).isEqualTo(now);
    // oldest digest first
    assertThat(atFulu.get(0).forkDigest()).isEqualTo(ELECTRA);
    assertThat(atFulu.get(atFulu.size() - 1).forkDigest()).isEqualTo(FULU);
  }

  @Test
  void nextChangeNamesTheEpochsWhereTheSetChanges() {
    assertThat(SCHEDULE.nextChangeEpoch(0)).isEqualTo(8);
    assertThat(SCHEDULE.nextChangeEpoch(8)).isEqualTo(12);
    assertThat(SCHEDULE.nextChangeEpoch(12)).isEqualTo(18);
    assertThat(SCHEDULE.nextChangeEpoch(18)).isEqualTo(22);
    assertThat(SCHEDULE.nextChangeEpoch(22)).isEqualTo(28);
    assertThat(SCHEDULE.nextChangeEpoch(28)).isEqualTo(32);
    assertThat(SCHEDULE.nextChangeEpoch(32)).isEqualTo(ForkSchedule.FAR_FUTURE_EPOCH);
    // and the set really is constant in between
    for (long e = 0; e < 40; e++) {
      long next = SCHEDULE.nextChangeEpoch(e);
      if (next != ForkSchedule.FAR_FUTURE_EPOCH) {
        assertThat(SCHEDULE.topicsAt(next)).as("change at " + next).isNotEqualTo(SCHEDULE.topicsAt(next - 1));
        for (long m = e; m < next; m++) {
          assertThat(SCHEDULE.topicsAt(m)).as("epoch " + m).isEqualTo(SCHEDULE.topicsAt(e));
        }
      }
    }
  }

  @Test
  void explicitInstantsAroundTheBoundary() {
    Duration epoch = Duration.ofSeconds(6 * 8);
    Instant joinFulu = GENESIS.plus(epoch.multipliedBy(18));
    Instant leaveElectra = GENESIS.plus(epoch.multipliedBy(22));
    assertThat(NET.epochStart(18)).isEqualTo(joinFulu);

    assertThat(digestsOf(SCHEDULE.topicsAt(joinFulu.minusMillis(1)))).containsExactly(ELECTRA);
    assertThat(digestsOf(SCHEDULE.topicsAt(joinFulu))).containsExactly(ELECTRA, FULU);
    assertThat(digestsOf(SCHEDULE.topicsAt(leaveElectra.minusMillis(1)))).containsExactly(ELECTRA, FULU);
    assertThat(digestsOf(SCHEDULE.topicsAt(leaveElectra))).containsExactly(FULU);

    assertThat(SCHEDULE.nextChange(joinFulu.minusMillis(1))).contains(joinFulu);
    assertThat(SCHEDULE.nextChange(joinFulu)).contains(leaveElectra);
    assertThat(SCHEDULE.nextChange(GENESIS.minusSeconds(3600))).contains(GENESIS.plus(epoch.multipliedBy(8)));
    assertThat(SCHEDULE.nextChange(GENESIS.plus(epoch.multipliedBy(40)))).isEmpty();

    List<String> strings = SCHEDULE.topicStringsAt(joinFulu);
    assertThat(strings).contains("/eth2/" + FULU.toHex() + "/beacon_block/ssz_snappy",
        "/eth2/" + ELECTRA.toHex() + "/beacon_block/ssz_snappy");
  }

  static List<Bytes4> digestsOf(List<Eth2Topic> topics) {
    return topics.stream().map(Eth2Topic::forkDigest).distinct().toList();
  }

  @Test
  void boundariesCloseTogetherOverlap() {
    NetworkConfig close = devnet("""
        ELECTRA_FORK_VERSION: 0x15000000
        ELECTRA_FORK_EPOCH: 10
        FULU_FORK_VERSION: 0x16000000
        FULU_FORK_EPOCH: 11
        """);
    TopicSchedule s = TopicSchedule.of(close, TopicSelection.all());
    ForkSchedule fs = close.forkSchedule();
    Bytes4 d = fs.forkDigest(0);
    Bytes4 e = fs.forkDigest(10);
    Bytes4 f = fs.forkDigest(11);
    assertThat(s.digestsAt(8)).containsExactly(d, e);
    assertThat(s.digestsAt(9)).containsExactly(d, e, f);
    assertThat(s.digestsAt(11)).containsExactly(d, e, f);
    assertThat(s.digestsAt(12)).containsExactly(e, f);
    assertThat(s.digestsAt(13)).containsExactly(f);
  }

  @Test
  void windowCanBeNarrowedOrWidened() {
    TopicSchedule none = SCHEDULE.withWindow(0, 0);
    for (long e = 0; e < 40; e++) {
      assertThat(none.digestsAt(e)).as("epoch " + e).containsExactly(FS.forkDigest(e));
    }
    TopicSchedule wide = SCHEDULE.withWindow(5, 1);
    assertThat(wide.digestsAt(5)).containsExactly(DENEB, ELECTRA);
    assertThat(wide.digestsAt(10)).containsExactly(DENEB, ELECTRA);
    assertThat(wide.digestsAt(11)).containsExactly(ELECTRA);
  }

  @Test
  void selectionAppliesToEveryDigest() {
    TopicSchedule some = SCHEDULE.withSelection(TopicSelection.all()
        .withAttestationSubnets(Subnets.of(3)).withSyncCommitteeSubnets(Subnets.none())
        .withDataColumnSubnets(Subnets.of(1, 2)).withLightClient(false));
    List<Eth2Topic> topics = some.topicsAt(20);
    assertThat(topicNamesOf(topics, ELECTRA)).contains("beacon_attestation_3", "blob_sidecar_0")
        .doesNotContain("beacon_attestation_4", "sync_committee_0", "light_client_finality_update");
    assertThat(topicNamesOf(topics, FULU)).contains("data_column_sidecar_1", "data_column_sidecar_2")
        .doesNotContain("data_column_sidecar_0");
  }

  @Test
  void mainnetAroundFulu() {
    NetworkConfig net = Network.MAINNET.config();
    TopicSchedule s = TopicSchedule.of(net, TopicSelection.all());
    Bytes4 electra = Bytes4.fromHex("ad532ceb");
    Bytes4 fulu = Bytes4.fromHex("cc2c5cdb");
    assertThat(s.digestsAt(411389)).containsExactly(electra);
    assertThat(s.digestsAt(411390)).containsExactly(electra, fulu);
    assertThat(s.digestsAt(411393)).containsExactly(electra, fulu);
    assertThat(s.digestsAt(411394)).containsExactly(fulu);
    assertThat(s.topicsAt(411390)).hasSize(
        StandardTopics.mainnet().names("electra", TopicSelection.all()).size()
            + StandardTopics.mainnet().names("fulu", TopicSelection.all()).size());
  }

  // ---- score parameters across a boundary ----

  static TopicScoreParams block(PeerScoreParams p, Bytes4 digest) {
    return p.topics().get("/eth2/" + digest.toHex() + "/beacon_block/ssz_snappy");
  }

  @Test
  void meshDeliveryScoringOnlyOnTheCurrentDigestOnceItHasRunLongEnough() {
    Eth2ScoreParams eth = Eth2ScoreParams.of(NET, 10_000);
    long spe = NET.slotsPerEpoch();
    long decaySlots = eth.meshDeliveriesDelaySlots("beacon_block"); // 5 epochs
    assertThat(decaySlots).isEqualTo(5 * spe);

    // epoch 9: deneb current for 72 slots (> 40), electra joined ahead of its fork
    PeerScoreParams pre = SCHEDULE.scoreParams(eth, 9 * spe);
    assertThat(block(pre, DENEB).meshMessageDeliveriesWeight()).isNegative();
    assertThat(block(pre, ELECTRA).meshMessageDeliveriesWeight()).isZero();
    assertThat(block(pre, ELECTRA).meshMessageDeliveriesThreshold()).isZero();
    assertThat(block(pre, ELECTRA).invalidMessageDeliveriesWeight()).isNegative();
    assertThat(block(pre, ELECTRA).firstMessageDeliveriesWeight()).isPositive();

    // just after the fork: the old topics are silent, the new ones have not built up
    PeerScoreParams post = SCHEDULE.scoreParams(eth, 10 * spe + 1);
    assertThat(block(post, DENEB).meshMessageDeliveriesWeight()).isZero();
    assertThat(block(post, ELECTRA).meshMessageDeliveriesWeight()).isZero();
    assertThat(post.topics()).hasSize(SCHEDULE.topicsAt(10).size());

    // P3 on the new digest once it has been current for more than the P3 decay time
    assertThat(block(SCHEDULE.scoreParams(eth, 10 * spe + decaySlots), ELECTRA).meshMessageDeliveriesWeight())
        .isZero();
    assertThat(block(SCHEDULE.scoreParams(eth, 10 * spe + decaySlots + 1), ELECTRA).meshMessageDeliveriesWeight())
        .isNegative();
    // and at genesis the same rule applies from slot 0
    assertThat(block(SCHEDULE.scoreParams(eth, decaySlots), DENEB).meshMessageDeliveriesWeight()).isZero();
    assertThat(block(SCHEDULE.scoreParams(eth, decaySlots + 1), DENEB).meshMessageDeliveriesWeight()).isNegative();

    // by instant: the slot of that time
    PeerScoreParams byTime = SCHEDULE.scoreParams(eth, NET.epochStart(9));
    assertThat(byTime.topics().keySet()).isEqualTo(pre.topics().keySet());
  }

  @Test
  void badSelectionOrWindowIsRefusedWhenMade() {
    assertThatThrownBy(() -> TopicSchedule.of(NET,
            TopicSelection.all().withDataColumnSubnets(Subnets.of(128))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("data column sidecar subnet 128");
    assertThatThrownBy(() -> SCHEDULE.withWindow(-1, 2))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SCHEDULE.withWindow(2, TopicSchedule.MAX_WINDOW_EPOCHS + 1))
        .isInstanceOf(IllegalArgumentException.class);
    // the same subnet is fine on a chain that never reaches fulu
    NetworkConfig noFulu = devnet("");
    assertThat(TopicSchedule.of(noFulu, TopicSelection.all().withDataColumnSubnets(Subnets.of(500)))
        .digestsAt(1_000)).containsExactly(noFulu.forkSchedule().forkDigest(0));
  }
}
