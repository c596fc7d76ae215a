package io.serenity.p2p.eth2.gossip;

import io.serenity.p2p.eth2.network.NetworkConfig;
import io.serenity.p2p.pubsub.GossipSubParams;
import io.serenity.p2p.pubsub.PeerScoreParams;
import io.serenity.p2p.pubsub.PeerScoreThresholds;
import io.serenity.p2p.pubsub.TopicScoreParams;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Gossipsub peer score parameters for the Ethereum consensus topics, derived from the chain's timing
 * and its active validator count the way the consensus clients do (Lighthouse's derivation, which
 * Teku, Lodestar and Prysm follow; the specs leave scoring to clients). docs/scoring.md and
 * docs/ethereum.md ("Standard topics and score parameters") give the derivation in prose.
 *
 * <p>The inputs are the slot duration, slots per epoch, the active validator count, the mesh degree
 * {@code D} and four preset constants that size committees and aggregators. From them:
 *
 * <ul>
 *   <li><b>expected rates</b> (messages per slot): {@code beacon_block} 1; {@code
 *       beacon_aggregate_and_proof} the expected aggregators per slot (committee sizes from the
 *       validator count, each member an aggregator with probability {@code 1 / max(1, size /
 *       TARGET_AGGREGATORS_PER_COMMITTEE)}); each {@code beacon_attestation_{n}}
 *       {@code validators / ATTESTATION_SUBNET_COUNT / SLOTS_PER_EPOCH}; {@code voluntary_exit}
 *       {@code 4 / SLOTS_PER_EPOCH}; each slashing topic {@code 1 / (5 · SLOTS_PER_EPOCH)};
 *   <li><b>topic weights</b>: block 0.5, aggregate 0.5, attestation subnets 1 in all, exits and
 *       slashings 0.05 each; the best a peer can earn per topic is 10 (time in mesh) + 40 (first
 *       deliveries), so {@link #maxPositiveScore()} = 50 × 2.15 = 107.5 and the topic score cap is
 *       half of that;
 *   <li><b>P₁</b>: one point per slot in the mesh up to one hour, weight 10 / cap;
 *   <li><b>P₂</b>: cap = the steady state of {@code 2 · rate / D} first deliveries per slot under
 *       the topic's decay, weight 40 / cap;
 *   <li><b>P₃/P₃b</b> (block, aggregate, attestation subnets): threshold = the steady state of
 *       {@code rate / 50} deliveries per slot, times one decay step; cap a few thresholds (at least
 *       2); delivery window 2 s; weight {@code -maxPositiveScore / (topicWeight · threshold²)}, so
 *       a mesh peer that delivers nothing loses what the best peer can earn. P₃ stays off until the
 *       topic's digest has been in force for the P₃ decay time (see {@link #topicParams(String, long)});
 *   <li><b>P₄</b>: weight {@code -maxPositiveScore / topicWeight}: one invalid message costs
 *       everything a peer can earn; forgotten over 50 epochs.
 * </ul>
 *
 * <p>The clients score only those six kinds of topic. Every other eth2 topic (sync committee,
 * BLS changes, blob and data column sidecars, light-client updates, the gloas topics) gets P₄
 * alone here, with the same cost per invalid message: no reward, so {@link #maxPositiveScore()} is
 * unchanged, but a peer that forwards invalid sidecars is pushed out as one that forwards invalid
 * blocks. Clients punish those through their own peer managers; this library has none.
 *
 * <pre>{@code
 * NetworkConfig net = Network.MAINNET.config();
 * Eth2ScoreParams eth = Eth2ScoreParams.of(net, activeValidatorCount);
 * TopicSchedule schedule = TopicSchedule.of(net, TopicSelection.all());
 * PeerScoreParams params = schedule.scoreParams(eth, Instant.now());  // recompute every epoch
 * GossipSubOptions options = GossipSubOptions.defaults().withScoring(params, eth.thresholds());
 * }</pre>
 *
 * <p>Every instance is checked when it is made; {@link #validate()} returns it.
 *
 * @param slotDuration the slot duration ({@code SLOT_DURATION_MS})
 * @param slotsPerEpoch {@code SLOTS_PER_EPOCH}
 * @param activeValidators the active validator count of the current epoch (≥ 1)
 * @param meshDegree the gossipsub mesh degree {@code D} (8 for Ethereum)
 * @param attestationSubnetCount {@code ATTESTATION_SUBNET_COUNT} (64)
 * @param maxCommitteesPerSlot {@code MAX_COMMITTEES_PER_SLOT} (64 mainnet preset, 4 minimal)
 * @param targetCommitteeSize {@code TARGET_COMMITTEE_SIZE} (128 mainnet preset, 4 minimal)
 * @param targetAggregatorsPerCommittee {@code TARGET_AGGREGATORS_PER_COMMITTEE} (16)
 * @param thresholds the score thresholds; the P₇ weight is sized on the gossip threshold
 */
public record Eth2ScoreParams(
    Duration slotDuration,
    int slotsPerEpoch,
    long activeValidators,
    int meshDegree,
    int attestationSubnetCount,
    int maxCommitteesPerSlot,
    int targetCommitteeSize,
    int targetAggregatorsPerCommittee,
    PeerScoreThresholds thresholds) {

  /** What a peer can earn from P₁ in one topic, before the topic weight. */
  public static final double MAX_IN_MESH_SCORE = 10;
  /** What a peer can earn from P₂ in one topic, before the topic weight. */
  public static final double MAX_FIRST_MESSAGE_DELIVERIES_SCORE = 40;
  /** Topic weight of {@code beacon_block}. */
  public static final double BEACON_BLOCK_WEIGHT = 0.5;
  /** Topic weight of {@code beacon_aggregate_and_proof}. */
  public static final double BEACON_AGGREGATE_AND_PROOF_WEIGHT = 0.5;
  /** Topic weight of all attestation subnets together (each has this over the subnet count). */
  public static final double ATTESTATION_SUBNETS_WEIGHT = 1.0;
  /** Topic weight of {@code voluntary_exit}, {@code proposer_slashing} and {@code attester_slashing} each. */
  public static final double RARE_TOPIC_WEIGHT = 0.05;
  /** Topic weight of the topics scored for invalid messages only. */
  public static final double PENALTY_ONLY_WEIGHT = 1.0;
  /** Counters below this become 0 at decay. */
  public static final double DECAY_TO_ZERO = 0.01;
  /** The P₃ threshold expects this fraction of a topic's rate from each mesh peer. */
  public static final double MESH_DELIVERY_RATE_FRACTION = 1.0 / 50;
  /** How long after validation a copy from a mesh peer still counts for P₃. */
  public static final Duration MESH_MESSAGE_DELIVERIES_WINDOW = Duration.ofSeconds(2);
  /** Peers allowed per IP address before P₆ applies. */
  public static final int IP_COLOCATION_THRESHOLD = 8;
  /** Behaviour penalties tolerated before P₇ applies. */
  public static final double BEHAVIOUR_PENALTY_THRESHOLD = 6;

  /**
   * Checks the inputs.
   *
   * @throws IllegalArgumentException naming the first bad field
   */
  public Eth2ScoreParams {
    Objects.requireNonNull(slotDuration, "slotDuration");
    Objects.requireNonNull(thresholds, "thresholds");
    if (slotDuration.isNegative() || slotDuration.isZero()) {
      fail("slotDuration must be positive, was " + slotDuration);
    }
    if (slotDuration.compareTo(Duration.ofDays(1)) > 0) {
      fail("slotDuration must be at most a day, was " + slotDuration);
    }
    positive("slotsPerEpoch", slotsPerEpoch);
    if (activeValidators < 1) {
      fail("activeValidators must be at least 1, was " + activeValidators);
    }
    positive("meshDegree", meshDegree);
    positive("attestationSubnetCount", attestationSubnetCount);
    positive("maxCommitteesPerSlot", maxCommitteesPerSlot);
    positive("targetCommitteeSize", targetCommitteeSize);
    positive("targetAggregatorsPerCommittee", targetAggregatorsPerCommittee);
    if (!(thresholds.gossipThreshold() < 0)) {
      fail("thresholds.gossipThreshold must be below 0 (the P7 weight is sized on it), was "
          + thresholds.gossipThreshold());
    }
  }

  private static void positive(String name, int v) {
    if (v < 1) {
      fail(name + " must be at least 1, was " + v);
    }
  }

  private static void fail(String message) {
    throw new IllegalArgumentException("invalid eth2 score params: " + message);
  }

  /**
   * Mainnet: 12 s slots, 32-slot epochs, {@code D} 8, the mainnet preset's committee constants and
   * {@link PeerScoreThresholds#ethereum()}.
   *
   * @param activeValidators the active validator count
   * @return the parameters
   */
  public static Eth2ScoreParams mainnet(long activeValidators) {
    return new Eth2ScoreParams(Duration.ofSeconds(12), 32, activeValidators,
        GossipSubParams.ethereum().d(), 64, 64, 128, 16, PeerScoreThresholds.ethereum());
  }

  /**
   * A network's timing, with the committee constants of its {@code PRESET_BASE} (minimal: 4 committees
   * per slot of target size 4; otherwise the mainnet preset), its {@code ATTESTATION_SUBNET_COUNT} if
   * given, {@code D} of {@link GossipSubParams#ethereum()} and {@link PeerScoreThresholds#ethereum()}.
   *
   * @param net the network
   * @param activeValidators the active validator count
   * @return the parameters
   */
  public static Eth2ScoreParams of(NetworkConfig net, long activeValidators) {
    boolean minimal = net.chainConfig().value("PRESET_BASE").map("minimal"::equals).orElse(false);
    int subnets = StandardTopics.of(net.chainConfig()).attestationSubnetCount();
    return new Eth2ScoreParams(net.slotDuration(), net.slotsPerEpoch(), activeValidators,
        GossipSubParams.ethereum().d(), subnets, minimal ? 4 : 64, minimal ? 4 : 128, 16,
        PeerScoreThresholds.ethereum());
  }

  /**
   * {@return a copy for another active validator count (recompute every epoch or so)}
   *
   * @param v the active validator count
   */
  public Eth2ScoreParams withActiveValidators(long v) {
    return new Eth2ScoreParams(slotDuration, slotsPerEpoch, v, meshDegree, attestationSubnetCount,
        maxCommitteesPerSlot, targetCommitteeSize, targetAggregatorsPerCommittee, thresholds);
  }

  /**
   * {@return a copy with other thresholds}
   *
   * @param v the thresholds
   */
  public Eth2ScoreParams withThresholds(PeerScoreThresholds v) {
    return new Eth2ScoreParams(slotDuration, slotsPerEpoch, activeValidators, meshDegree, attestationSubnetCount,
        maxCommitteesPerSlot, targetCommitteeSize, targetAggregatorsPerCommittee, v);
  }

  /**
   * {@return a copy for another mesh degree}
   *
   * @param v the mesh degree {@code D}
   */
  public Eth2ScoreParams withMeshDegree(int v) {
    return new Eth2ScoreParams(slotDuration, slotsPerEpoch, activeValidators, v, attestationSubnetCount,
        maxCommitteesPerSlot, targetCommitteeSize, targetAggregatorsPerCommittee, thresholds);
  }

  /**
   * Returns this: every instance is checked when it is made.
   *
   * @return these parameters
   */
  public Eth2ScoreParams validate() {
    return this;
  }

  // ---- derived quantities ----

  /** {@return the epoch duration} */
  public Duration epochDuration() {
    return slotDuration.multipliedBy(slotsPerEpoch);
  }

  /** {@return how often scores decay: one slot, but at least a second (the router's minimum)} */
  public Duration decayInterval() {
    return slotDuration.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : slotDuration;
  }

  /**
   * {@return the factor that forgets a counter in {@code time} at this decay interval}
   *
   * @param time how long a count of 1 takes to reach {@link #DECAY_TO_ZERO}
   */
  public double decayFactor(Duration time) {
    return PeerScoreParams.decayFactor(time, decayInterval(), DECAY_TO_ZERO);
  }

  /** {@return {@code get_committee_count_per_slot} for this validator count} */
  public int committeesPerSlot() {
    long perSlot = activeValidators / slotsPerEpoch / targetCommitteeSize;
    return (int) Math.max(1, Math.min(maxCommitteesPerSlot, perSlot));
  }

  /**
   * {@return the expected number of aggregators per slot: committees of an epoch have {@code n} or
   * {@code n + 1} members, and a member aggregates with probability {@code 1 / max(1, size /
   * TARGET_AGGREGATORS_PER_COMMITTEE)} (phase0 {@code is_aggregator})}
   */
  public double aggregatorsPerSlot() {
    long committees = (long) committeesPerSlot() * slotsPerEpoch;
    long small = activeValidators / committees;
    long large = activeValidators - small * committees; // committees with one more member
    double perEpoch = (committees - large) * expectedAggregators(small) + large * expectedAggregators(small + 1);
    return perEpoch / slotsPerEpoch;
  }

  private double expectedAggregators(long committeeSize) {
    long modulo = Math.max(1, committeeSize / targetAggregatorsPerCommittee);
    return (double) committeeSize / modulo;
  }

  /** {@return unaggregated attestations expected per slot on each attestation subnet} */
  public double attestationsPerSubnetPerSlot() {
    return (double) activeValidators / attestationSubnetCount / slotsPerEpoch;
  }

  /**
   * {@return whether each attestation subnet carries committees in at least two slots of an epoch,
   * which allows shorter P₂/P₃ memories on those topics}
   */
  public boolean multipleBurstsPerSubnetPerEpoch() {
    return (long) committeesPerSlot() * slotsPerEpoch >= 2L * attestationSubnetCount;
  }

  /** {@return the best score a peer can earn over all topics: 50 × the sum of the scored topics' weights} */
  public double maxPositiveScore() {
    return (MAX_IN_MESH_SCORE + MAX_FIRST_MESSAGE_DELIVERIES_SCORE)
        * (BEACON_BLOCK_WEIGHT + BEACON_AGGREGATE_AND_PROOF_WEIGHT + ATTESTATION_SUBNETS_WEIGHT
            + 3 * RARE_TOPIC_WEIGHT);
  }

  /** {@return the cap on the positive topic score: half of {@link #maxPositiveScore()}} */
  public double topicScoreCap() {
    return maxPositiveScore() / 2;
  }

  // ---- per topic ----

  /** How one kind of topic is scored. */
  private record Shape(double weight, double ratePerSlot, Duration firstDecay, Mesh mesh) {}

  /** P₃ settings: decay time in slots, cap as a multiple of the threshold, activation. */
  private record Mesh(long decaySlots, double capFactor, Duration activation) {}

  /** The shape of a scored topic, or null for a topic scored for invalid messages only. */
  private Shape shape(String name) {
    Duration epoch = epochDuration();
    switch (name) {
      case Eth2Topic.BEACON_BLOCK:
        return new Shape(BEACON_BLOCK_WEIGHT, 1, epoch.multipliedBy(20),
            new Mesh(5L * slotsPerEpoch, 3, epoch));
      case Eth2Topic.BEACON_AGGREGATE_AND_PROOF:
        return new Shape(BEACON_AGGREGATE_AND_PROOF_WEIGHT, aggregatorsPerSlot(), epoch,
            new Mesh(2L * slotsPerEpoch, 4, epoch));
      case Eth2Topic.VOLUNTARY_EXIT:
        return new Shape(RARE_TOPIC_WEIGHT, 4.0 / slotsPerEpoch, epoch.multipliedBy(100), null);
      case Eth2Topic.PROPOSER_SLASHING, Eth2Topic.ATTESTER_SLASHING:
        return new Shape(RARE_TOPIC_WEIGHT, 1.0 / 5 / slotsPerEpoch, epoch.multipliedBy(100), null);
      default:
        break;
    }
    if (isAttestationSubnet(name)) {
      boolean bursts = multipleBurstsPerSubnetPerEpoch();
      // several committees a subnet per epoch: deliveries come often, so shorter memories suffice
      Mesh mesh = bursts
          ? new Mesh(4L * slotsPerEpoch, 16, slotDuration.multipliedBy(slotsPerEpoch / 2 + 1))
          : new Mesh(16L * slotsPerEpoch, 16, epoch.multipliedBy(3));
      return new Shape(ATTESTATION_SUBNETS_WEIGHT / attestationSubnetCount, attestationsPerSubnetPerSlot(),
          bursts ? epoch : epoch.multipliedBy(4), mesh);
    }
    return null;
  }

  private static boolean isAttestationSubnet(String name) {
    if (!name.startsWith(Eth2Topic.BEACON_ATTESTATION_PREFIX)) {
      return false;
    }
    String n = name.substring(Eth2Topic.BEACON_ATTESTATION_PREFIX.length());
    return !n.isEmpty() && n.length() <= 4 && n.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  /**
   * {@return whether a topic name gets the full parameters (P₁ to P₄); the others get P₄ only}
   *
   * @param topicName a topic name such as {@code beacon_block} (no digest)
   */
  public boolean isFullyScored(String topicName) {
    return shape(Objects.requireNonNull(topicName, "topicName")) != null;
  }

  /**
   * {@return the expected valid messages per slot on a fully scored topic (0 for the others)}
   *
   * @param topicName a topic name such as {@code beacon_block}
   */
  public double expectedMessagesPerSlot(String topicName) {
    Shape s = shape(Objects.requireNonNull(topicName, "topicName"));
    return s == null ? 0 : s.ratePerSlot;
  }

  /**
   * The P₃ decay time, in slots, of a topic: P₃ applies once the topic's digest has been in force
   * that long. 0 for topics without P₃.
   *
   * @param topicName a topic name such as {@code beacon_block}
   * @return the slots
   */
  public long meshDeliveriesDelaySlots(String topicName) {
    Shape s = shape(Objects.requireNonNull(topicName, "topicName"));
    return s == null || s.mesh == null ? 0 : s.mesh.decaySlots;
  }

  /**
   * The parameters of one topic.
   *
   * <p>{@code slotsInForce} says for how many slots the topic's fork digest has been the current
   * one: the current slot for the genesis digest, the slots since the boundary for a later one, and
   * a negative value for a digest that is not current (subscribed ahead of its fork, or kept after
   * it). P₃ (and so P₃b) is on only when {@code slotsInForce} exceeds the topic's P₃ decay time:
   * before genesis and before a fork no message flows on the topic yet, right after one the
   * counters have not built up, and after a fork the old topics fall silent (the specs ask not to
   * score peers negatively for using the pre-fork topics).
   *
   * @param topicName a topic name such as {@code beacon_block} or {@code data_column_sidecar_7}
   * @param slotsInForce slots the topic's digest has been current; negative when it is not current
   * @return the parameters
   */
  public TopicScoreParams topicParams(String topicName, long slotsInForce) {
    double maxPositive = maxPositiveScore();
    Duration invalidDecay = epochDuration().multipliedBy(50);
    Shape s = shape(Objects.requireNonNull(topicName, "topicName"));
    if (s == null) {
      return TopicScoreParams.builder()
          .topicWeight(PENALTY_ONLY_WEIGHT)
          .invalidMessageDeliveriesWeight(-maxPositive / PENALTY_ONLY_WEIGHT)
          .invalidMessageDeliveriesDecay(decayFactor(invalidDecay))
          .build();
    }
    // rates are per slot; counters decay once per decay interval (a slot, or a second if slots are shorter)
    double intervalsPerSlot = (double) slotDuration.toNanos() / decayInterval().toNanos();
    double ratePerInterval = s.ratePerSlot / intervalsPerSlot;

    double inMeshCap = Math.max(1, Math.floor((double) Duration.ofHours(1).toNanos() / slotDuration.toNanos()));
    double firstDecay = decayFactor(s.firstDecay);
    double firstCap = steadyState(firstDecay, 2 * ratePerInterval / meshDegree);
    TopicScoreParams.Builder b = TopicScoreParams.builder()
        .topicWeight(s.weight)
        .timeInMeshQuantum(slotDuration)
        .timeInMeshCap(inMeshCap)
        .timeInMeshWeight(MAX_IN_MESH_SCORE / inMeshCap)
        .firstMessageDeliveriesDecay(firstDecay)
        .firstMessageDeliveriesCap(firstCap)
        .firstMessageDeliveriesWeight(MAX_FIRST_MESSAGE_DELIVERIES_SCORE / firstCap)
        .invalidMessageDeliveriesWeight(-maxPositive / s.weight)
        .invalidMessageDeliveriesDecay(decayFactor(invalidDecay));
    if (s.mesh != null) {
      double meshDecay = decayFactor(slotDuration.multipliedBy(s.mesh.decaySlots));
      // what a counter fed rate/50 per interval settles at, seen just after a decay step
      double threshold = steadyState(meshDecay, ratePerInterval * MESH_DELIVERY_RATE_FRACTION) * meshDecay;
      double weight = -maxPositive / (s.weight * threshold * threshold);
      boolean active = slotsInForce > s.mesh.decaySlots;
      b.meshMessageDeliveriesDecay(meshDecay)
          .meshMessageDeliveriesCap(Math.max(2, s.mesh.capFactor * threshold))
          .meshMessageDeliveriesActivation(s.mesh.activation)
          .meshMessageDeliveriesWindow(MESH_MESSAGE_DELIVERIES_WINDOW)
          .meshFailurePenaltyDecay(meshDecay)
          .meshFailurePenaltyWeight(weight)
          // threshold 0 as well as weight 0: no deficit, so no P3b at prune either
          .meshMessageDeliveriesThreshold(active ? threshold : 0)
          .meshMessageDeliveriesWeight(active ? weight : 0);
    }
    return b.build();
  }

  /** The value a counter incremented by {@code rate} per interval and multiplied by {@code decay} settles at. */
  private static double steadyState(double decay, double rate) {
    return rate / (1 - decay);
  }

  /**
   * The global parameters with these topics: decay every slot (at least a second) to
   * {@link #DECAY_TO_ZERO}, scores retained 100 epochs, delivery records kept two epochs (the seen
   * TTL), the topic score cap {@link #topicScoreCap()}, P₅ weight 1 (a function returning 0; plug your
   * own with {@link PeerScoreParams#withAppSpecific}), P₆ weight {@code -topicScoreCap} beyond
   * {@value #IP_COLOCATION_THRESHOLD} peers per address, P₇ threshold {@value #BEHAVIOUR_PENALTY_THRESHOLD}
   * forgotten over 10 epochs, weighted so that a peer earning 10 penalties an epoch settles at the
   * gossip threshold.
   *
   * @param topics topic string to parameters
   * @return the parameters
   */
  public PeerScoreParams peerScoreParams(Map<String, TopicScoreParams> topics) {
    Duration epoch = epochDuration();
    double behaviourDecay = decayFactor(epoch.multipliedBy(10));
    double penaltiesPerInterval = 10.0 / slotsPerEpoch
        * ((double) decayInterval().toNanos() / slotDuration.toNanos());
    double excess = steadyState(behaviourDecay, penaltiesPerInterval) - BEHAVIOUR_PENALTY_THRESHOLD;
    double behaviourWeight = excess > 0 ? thresholds.gossipThreshold() / (excess * excess) : 0;
    double cap = topicScoreCap();
    return PeerScoreParams.builder()
        .topics(topics)
        .topicScoreCap(cap)
        .appSpecificWeight(1)
        .ipColocationFactorWeight(-cap)
        .ipColocationFactorThreshold(IP_COLOCATION_THRESHOLD)
        .behaviourPenaltyWeight(behaviourWeight)
        .behaviourPenaltyThreshold(BEHAVIOUR_PENALTY_THRESHOLD)
        .behaviourPenaltyDecay(behaviourDecay)
        .decayInterval(decayInterval())
        .decayToZero(DECAY_TO_ZERO)
        .retainScore(epoch.multipliedBy(100))
        .deliveryRecordTtl(epoch.multipliedBy(2))
        .build();
  }

  /**
   * The global parameters with {@code topics}, all on a digest that has been current for {@code
   * slotsInForce} slots (a node outside a fork transition: pass the current slot, or the slots since
   * the last boundary). Around a fork boundary use {@link TopicSchedule#scoreParams}.
   *
   * @param topics the subscribed topics
   * @param slotsInForce see {@link #topicParams(String, long)}
   * @return the parameters
   */
  public PeerScoreParams peerScoreParams(Collection<Eth2Topic> topics, long slotsInForce) {
    Map<String, TopicScoreParams> map = new LinkedHashMap<>();
    for (Eth2Topic t : topics) {
      map.put(t.toString(), topicParams(t.name(), slotsInForce));
    }
    return peerScoreParams(map);
  }
}
