package io.serenity.p2p.pubsub;

import io.serenity.p2p.core.PeerId;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Peer score parameters, gossipsub v1.1 "The Score Function":
 *
 * <pre>
 * score(p) = cap(Σ_t topicWeight_t · (w₁P₁ + w₂P₂ + w₃P₃ + w₃bP₃b + w₄P₄)) + w₅P₅ + w₆P₆ + w₇P₇
 * </pre>
 *
 * where {@code cap} limits the positive topic sum to {@link #topicScoreCap()} when that is above 0.
 * The defaults score nothing ({@link #defaults()}); {@link #ethereum(Map)} gives the global values
 * Ethereum consensus clients use. Example:
 *
 * <pre>{@code
 * PeerScoreParams params = PeerScoreParams.defaults()
 *     .withTopic("blocks", TopicScoreParams.defaults().withInvalidMessageDeliveries(-100, 0.9))
 *     .withIpColocation(-35, 10, List.of("10.0.0.0/8"))
 *     .withBehaviourPenalty(-10, 6, 0.99)
 *     .validate();
 * }</pre>
 *
 * @param topics per-topic parameters; topics not in the map do not count (copied, immutable)
 * @param topicScoreCap cap on the positive sum of topic scores, 0 for none (≥ 0)
 * @param appSpecificScore P₅ value for a peer (any sign; a null result counts as 0); called on the
 *     router thread whenever a score is computed, so it must be cheap
 * @param appSpecificWeight P₅ weight (the spec asks for a positive weight; any finite value is accepted)
 * @param ipColocationFactorWeight P₆ weight (≤ 0, 0 disables)
 * @param ipColocationFactorThreshold P₆: peers per IP allowed before the surplus is squared (≥ 1 when
 *     the weight is set)
 * @param ipColocationFactorWhitelist P₆: IP addresses or CIDR ranges ("10.0.0.0/8", "2001:db8::/32")
 *     whose peers are never counted (copied, immutable)
 * @param behaviourPenaltyWeight P₇ weight (≤ 0, 0 disables)
 * @param behaviourPenaltyThreshold P₇: penalty counter tolerated before the excess is squared (≥ 0)
 * @param behaviourPenaltyDecay P₇ counter decay factor in (0, 1)
 * @param decayInterval how often the router calls {@link PeerScore#refreshScores()} (≥ 1 s)
 * @param decayToZero counters that decay below this become 0 (in (0, 1))
 * @param retainScore how long the counters of a disconnected peer with a non-positive score are kept
 *     (≥ 0; 0 forgets at once)
 * @param deliveryRecordTtl how long per-message delivery records are kept, for P₃ near-first
 *     deliveries and P₄ on late duplicates of invalid messages; use the seen-cache TTL (> 0)
 */
public record PeerScoreParams(
    Map<String, TopicScoreParams> topics,
    double topicScoreCap,
    Function<PeerId, Double> appSpecificScore,
    double appSpecificWeight,
    double ipColocationFactorWeight,
    int ipColocationFactorThreshold,
    List<String> ipColocationFactorWhitelist,
    double behaviourPenaltyWeight,
    double behaviourPenaltyThreshold,
    double behaviourPenaltyDecay,
    Duration decayInterval,
    double decayToZero,
    Duration retainScore,
    Duration deliveryRecordTtl) {

  /** go-libp2p-pubsub's DefaultDecayInterval. */
  public static final Duration DEFAULT_DECAY_INTERVAL = Duration.ofSeconds(1);
  /** go-libp2p-pubsub's DefaultDecayToZero. */
  public static final double DEFAULT_DECAY_TO_ZERO = 0.01;

  public PeerScoreParams {
    topics = Map.copyOf(topics);
    Objects.requireNonNull(appSpecificScore, "appSpecificScore");
    ipColocationFactorWhitelist = List.copyOf(ipColocationFactorWhitelist);
    Objects.requireNonNull(decayInterval, "decayInterval");
    Objects.requireNonNull(retainScore, "retainScore");
    Objects.requireNonNull(deliveryRecordTtl, "deliveryRecordTtl");
  }

  /**
   * Neutral parameters: no topics, no cap, P₅ function always 0 with weight 1, P₆ and P₇ off
   * (weights 0; threshold 1 and 0, decay 0.9), decay every 1 s with decayToZero 0.01, retain
   * scores 10 min, delivery records 2 min (the seen-cache TTL).
   */
  public static PeerScoreParams defaults() {
    return new PeerScoreParams(Map.of(), 0, p -> 0.0, 1.0, 0, 1, List.of(), 0, 0, 0.9,
        DEFAULT_DECAY_INTERVAL, DEFAULT_DECAY_TO_ZERO, Duration.ofMinutes(10), Duration.ofMinutes(2));
  }

  /**
   * The global values a node uses when its network has not tuned its own (the default scoring of
   * {@code Server}), with these topics (see {@link TopicScoreParams#forExpectedRate}): positive
   * topic scores capped at +50 in all; P₆ IP colocation at weight −10 beyond 10 peers per address,
   * loopback and private ranges exempt (devnets, LANs); P₇ behaviour penalties (broken IWANT
   * promises, GRAFT floods) at weight −1 beyond 6, forgotten over 10 minutes; decay every second.
   */
  public static PeerScoreParams standard(Map<String, TopicScoreParams> topics) {
    return defaults()
        .withTopics(topics)
        .withTopicScoreCap(50)
        .withIpColocation(-10, 10, List.of("127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12",
            "192.168.0.0/16", "fc00::/7"))
        .withBehaviourPenalty(-1, 6, decayFactor(Duration.ofMinutes(10), DEFAULT_DECAY_INTERVAL, DEFAULT_DECAY_TO_ZERO));
  }

  /**
   * The global (not per-topic) values Ethereum consensus clients use for mainnet timing (12 s
   * slots, 32-slot epochs), as derived in Lighthouse's gossipsub scoring parameters and used alike by
   * Teku and Prysm; the consensus specs leave scoring to clients. See docs/scoring.md for the
   * derivation and for per-topic values.
   *
   * <ul>
   *   <li>decay every slot, decayToZero 0.01, retain 100 epochs, delivery records 2 epochs;
   *   <li>topicScoreCap = half the maximum positive score, 53.75 (= 0.5 · 50 · 2.15);
   *   <li>P₅ weight 1 (the function is {@code appSpecific}'s job; here 0);
   *   <li>P₆ weight −53.75, threshold 8;
   *   <li>P₇ threshold 6, decay over 10 epochs, weight so that a steady 10 penalties per epoch
   *       reaches the gossip threshold −4000 (≈ −15.9).
   * </ul>
   */
  public static PeerScoreParams ethereum(Map<String, TopicScoreParams> topics) {
    Duration slot = Duration.ofSeconds(12);
    Duration epoch = slot.multipliedBy(32);
    double decayToZero = 0.01;
    double maxPositive = (10.0 + 40.0) * (0.5 + 0.5 + 1.0 + 0.05 + 0.05 + 0.05);
    double cap = maxPositive * 0.5;
    double behaviourDecay = decayFactor(epoch.multipliedBy(10), slot, decayToZero);
    double behaviourThreshold = 6;
    // steady state of a counter incremented by r per interval and multiplied by d each interval: r / (1 - d)
    double steady = (10.0 / 32) / (1 - behaviourDecay) - behaviourThreshold;
    double behaviourWeight = PeerScoreThresholds.ethereum().gossipThreshold() / (steady * steady);
    return new PeerScoreParams(topics, cap, p -> 0.0, 1.0, -cap, 8, List.of(),
        behaviourWeight, behaviourThreshold, behaviourDecay,
        slot, decayToZero, epoch.multipliedBy(100), epoch.multipliedBy(2));
  }

  /**
   * The decay factor that takes a counter from 1 to {@code decayToZero} in {@code decayTime} when
   * applied every {@code decayInterval}: {@code decayToZero^(interval / decayTime)} (go's
   * ScoreParameterDecayWithBase).
   */
  public static double decayFactor(Duration decayTime, Duration decayInterval, double decayToZero) {
    double ticks = (double) decayTime.toNanos() / decayInterval.toNanos();
    return Math.pow(decayToZero, 1 / ticks);
  }

  /** A copy with these topics (replacing all). */
  public PeerScoreParams withTopics(Map<String, TopicScoreParams> newTopics) {
    return new PeerScoreParams(newTopics, topicScoreCap, appSpecificScore, appSpecificWeight,
        ipColocationFactorWeight, ipColocationFactorThreshold, ipColocationFactorWhitelist,
        behaviourPenaltyWeight, behaviourPenaltyThreshold, behaviourPenaltyDecay,
        decayInterval, decayToZero, retainScore, deliveryRecordTtl);
  }

  /** A copy with {@code topic} scored by {@code params} (added or replaced). */
  public PeerScoreParams withTopic(String topic, TopicScoreParams params) {
    Map<String, TopicScoreParams> m = new HashMap<>(topics);
    m.put(topic, params);
    return withTopics(m);
  }

  /** A copy with another topic score cap. */
  public PeerScoreParams withTopicScoreCap(double cap) {
    return new PeerScoreParams(topics, cap, appSpecificScore, appSpecificWeight,
        ipColocationFactorWeight, ipColocationFactorThreshold, ipColocationFactorWhitelist,
        behaviourPenaltyWeight, behaviourPenaltyThreshold, behaviourPenaltyDecay,
        decayInterval, decayToZero, retainScore, deliveryRecordTtl);
  }

  /** A copy with another P₅ function and weight. */
  public PeerScoreParams withAppSpecific(Function<PeerId, Double> score, double weight) {
    return new PeerScoreParams(topics, topicScoreCap, score, weight,
        ipColocationFactorWeight, ipColocationFactorThreshold, ipColocationFactorWhitelist,
        behaviourPenaltyWeight, behaviourPenaltyThreshold, behaviourPenaltyDecay,
        decayInterval, decayToZero, retainScore, deliveryRecordTtl);
  }

  /** A copy with other P₆ parameters. */
  public PeerScoreParams withIpColocation(double weight, int threshold, List<String> whitelist) {
    return new PeerScoreParams(topics, topicScoreCap, appSpecificScore, appSpecificWeight,
        weight, threshold, whitelist,
        behaviourPenaltyWeight, behaviourPenaltyThreshold, behaviourPenaltyDecay,
        decayInterval, decayToZero, retainScore, deliveryRecordTtl);
  }

  /** A copy with other P₇ parameters. */
  public PeerScoreParams withBehaviourPenalty(double weight, double threshold, double decay) {
    return new PeerScoreParams(topics, topicScoreCap, appSpecificScore, appSpecificWeight,
        ipColocationFactorWeight, ipColocationFactorThreshold, ipColocationFactorWhitelist,
        weight, threshold, decay,
        decayInterval, decayToZero, retainScore, deliveryRecordTtl);
  }

  /** A copy with another decay interval and decay-to-zero limit. */
  public PeerScoreParams withDecay(Duration interval, double toZero) {
    return new PeerScoreParams(topics, topicScoreCap, appSpecificScore, appSpecificWeight,
        ipColocationFactorWeight, ipColocationFactorThreshold, ipColocationFactorWhitelist,
        behaviourPenaltyWeight, behaviourPenaltyThreshold, behaviourPenaltyDecay,
        interval, toZero, retainScore, deliveryRecordTtl);
  }

  /** A copy with another score retention time. */
  public PeerScoreParams withRetainScore(Duration retain) {
    return new PeerScoreParams(topics, topicScoreCap, appSpecificScore, appSpecificWeight,
        ipColocationFactorWeight, ipColocationFactorThreshold, ipColocationFactorWhitelist,
        behaviourPenaltyWeight, behaviourPenaltyThreshold, behaviourPenaltyDecay,
        decayInterval, decayToZero, retain, deliveryRecordTtl);
  }

  /** A copy with another delivery record lifetime. */
  public PeerScoreParams withDeliveryRecordTtl(Duration ttl) {
    return new PeerScoreParams(topics, topicScoreCap, appSpecificScore, appSpecificWeight,
        ipColocationFactorWeight, ipColocationFactorThreshold, ipColocationFactorWhitelist,
        behaviourPenaltyWeight, behaviourPenaltyThreshold, behaviourPenaltyDecay,
        decayInterval, decayToZero, retainScore, ttl);
  }

  /**
   * Checks every topic and the global constraints (gossipsub v1.1 "Overview of New Parameters",
   * go-libp2p-pubsub's validate()).
   *
   * @return this, for chaining
   * @throws IllegalArgumentException naming the first bad field (and topic) and what it must be
   */
  public PeerScoreParams validate() {
    for (Map.Entry<String, TopicScoreParams> e : topics.entrySet()) {
      try {
        e.getValue().validate();
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException("invalid score parameters for topic '" + e.getKey() + "': "
            + ex.getMessage(), ex);
      }
    }
    if (topicScoreCap < 0 || !Double.isFinite(topicScoreCap)) {
      fail("topicScoreCap must be positive (or 0 for no cap) and finite, was " + topicScoreCap);
    }
    if (!Double.isFinite(appSpecificWeight)) {
      fail("appSpecificWeight must be finite, was " + appSpecificWeight);
    }
    if (ipColocationFactorWeight > 0 || !Double.isFinite(ipColocationFactorWeight)) {
      fail("ipColocationFactorWeight must be <= 0 (0 disables P6) and finite, was " + ipColocationFactorWeight);
    }
    if (ipColocationFactorWeight != 0 && ipColocationFactorThreshold < 1) {
      fail("ipColocationFactorThreshold must be at least 1, was " + ipColocationFactorThreshold);
    }
    for (String range : ipColocationFactorWhitelist) {
      try {
        ScoreIpRange.parse(range);
      } catch (IllegalArgumentException ex) {
        fail("ipColocationFactorWhitelist: " + ex.getMessage());
      }
    }
    if (behaviourPenaltyWeight > 0 || !Double.isFinite(behaviourPenaltyWeight)) {
      fail("behaviourPenaltyWeight must be <= 0 (0 disables P7) and finite, was " + behaviourPenaltyWeight);
    }
    if (behaviourPenaltyWeight != 0 && !(behaviourPenaltyDecay > 0 && behaviourPenaltyDecay < 1)) {
      fail("behaviourPenaltyDecay must be between 0 and 1 (exclusive), was " + behaviourPenaltyDecay);
    }
    if (behaviourPenaltyThreshold < 0 || !Double.isFinite(behaviourPenaltyThreshold)) {
      fail("behaviourPenaltyThreshold must be >= 0 and finite, was " + behaviourPenaltyThreshold);
    }
    if (decayInterval.compareTo(Duration.ofSeconds(1)) < 0) {
      fail("decayInterval must be at least 1s, was " + decayInterval);
    }
    if (!(decayToZero > 0 && decayToZero < 1)) {
      fail("decayToZero must be between 0 and 1 (exclusive), was " + decayToZero);
    }
    if (retainScore.isNegative()) {
      fail("retainScore must not be negative, was " + retainScore);
    }
    if (deliveryRecordTtl.isZero() || deliveryRecordTtl.isNegative()) {
      fail("deliveryRecordTtl must be positive, was " + deliveryRecordTtl);
    }
    return this;
  }

  private static void fail(String message) {
    throw new IllegalArgumentException("invalid peer score params: " + message);
  }
}
