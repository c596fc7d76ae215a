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
 * Ethereum consensus clients use. Every instance is checked when it is made (gossipsub v1.1
 * "Overview of New Parameters", as go-libp2p-pubsub's validate()); a broken rule throws {@link
 * IllegalArgumentException} naming the field. Build by name with {@link #builder()}, or change one
 * group at a time with the {@code with...} methods:
 *
 * <pre>{@code
 * PeerScoreParams params = PeerScoreParams.builder()
 *     .topic("blocks", TopicScoreParams.defaults().withInvalidMessageDeliveries(-100, 0.9))
 *     .ipColocationFactorWeight(-35).ipColocationFactorThreshold(10)
 *     .ipColocationFactorWhitelist(List.of("10.0.0.0/8"))
 *     .behaviourPenaltyWeight(-10).behaviourPenaltyThreshold(6).behaviourPenaltyDecay(0.99)
 *     .build();
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

  /**
   * Topic parameters are checked when they are made; the global constraints here.
   *
   * @throws IllegalArgumentException naming the first bad field and what it must be
   */
  public PeerScoreParams {
    topics = Map.copyOf(topics);
    Objects.requireNonNull(appSpecificScore, "appSpecificScore");
    ipColocationFactorWhitelist = List.copyOf(ipColocationFactorWhitelist);
    Objects.requireNonNull(decayInterval, "decayInterval");
    Objects.requireNonNull(retainScore, "retainScore");
    Objects.requireNonNull(deliveryRecordTtl, "deliveryRecordTtl");
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
  }

  /**
   * Neutral parameters: no topics, no cap, P₅ function always 0 with weight 1, P₆ and P₇ off
   * (weights 0; threshold 1 and 0, decay 0.9), decay every 1 s with decayToZero 0.01, retain
   * scores 10 min, delivery records 2 min (the seen-cache TTL).
   *
   * @return the parameters
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
   *
   * @param topics the scored topics and their parameters
   * @return the parameters
   */
  public static PeerScoreParams standard(Map<String, TopicScoreParams> topics) {
    return builder()
        .topics(topics)
        .topicScoreCap(50)
        .ipColocationFactorWeight(-10)
        .ipColocationFactorThreshold(10)
        .ipColocationFactorWhitelist(List.of("127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12",
            "192.168.0.0/16", "fc00::/7"))
        .behaviourPenaltyWeight(-1)
        .behaviourPenaltyThreshold(6)
        .behaviourPenaltyDecay(decayFactor(Duration.ofMinutes(10), DEFAULT_DECAY_INTERVAL, DEFAULT_DECAY_TO_ZERO))
        .build();
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
   *
   * @param topics the scored topics and their parameters
   * @return the parameters
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
    return builder()
        .topics(topics)
        .topicScoreCap(cap)
        .ipColocationFactorWeight(-cap)
        .ipColocationFactorThreshold(8)
        .behaviourPenaltyWeight(behaviourWeight)
        .behaviourPenaltyThreshold(behaviourThreshold)
        .behaviourPenaltyDecay(behaviourDecay)
        .decayInterval(slot)
        .decayToZero(decayToZero)
        .retainScore(epoch.multipliedBy(100))
        .deliveryRecordTtl(epoch.multipliedBy(2))
        .build();
  }

  /**
   * The decay factor that takes a counter from 1 to {@code decayToZero} in {@code decayTime} when
   * applied every {@code decayInterval}: {@code decayToZero^(interval / decayTime)} (go's
   * ScoreParameterDecayWithBase).
   *
   * @param decayTime how long the decay to {@code decayToZero} takes
   * @param decayInterval how often the factor is applied
   * @param decayToZero the value that counts as zero
   * @return the factor
   */
  public static double decayFactor(Duration decayTime, Duration decayInterval, double decayToZero) {
    double ticks = (double) decayTime.toNanos() / decayInterval.toNanos();
    return Math.pow(decayToZero, 1 / ticks);
  }

  /**
   * {@return a copy with these topics (replacing all)}
   *
   * @param newTopics the scored topics and their parameters
   */
  public PeerScoreParams withTopics(Map<String, TopicScoreParams> newTopics) {
    return toBuilder().topics(newTopics).build();
  }

  /**
   * {@return a copy with {@code topic} scored by {@code params} (added or replaced)}
   *
   * @param topic the topic
   * @param params its parameters
   */
  public PeerScoreParams withTopic(String topic, TopicScoreParams params) {
    return toBuilder().topic(topic, params).build();
  }

  /**
   * {@return a copy with another topic score cap}
   *
   * @param cap see {@link #topicScoreCap()}
   */
  public PeerScoreParams withTopicScoreCap(double cap) {
    return toBuilder().topicScoreCap(cap).build();
  }

  /**
   * {@return a copy with another P₅ function and weight}
   *
   * @param score see {@link #appSpecificScore()}
   * @param weight see {@link #appSpecificWeight()}
   */
  public PeerScoreParams withAppSpecific(Function<PeerId, Double> score, double weight) {
    return toBuilder().appSpecificScore(score).appSpecificWeight(weight).build();
  }

  /**
   * {@return a copy with other P₆ parameters}
   *
   * @param weight see {@link #ipColocationFactorWeight()}
   * @param threshold see {@link #ipColocationFactorThreshold()}
   * @param whitelist see {@link #ipColocationFactorWhitelist()}
   */
  public PeerScoreParams withIpColocation(double weight, int threshold, List<String> whitelist) {
    return toBuilder()
        .ipColocationFactorWeight(weight).ipColocationFactorThreshold(threshold).ipColocationFactorWhitelist(whitelist)
        .build();
  }

  /**
   * {@return a copy with other P₇ parameters}
   *
   * @param weight see {@link #behaviourPenaltyWeight()}
   * @param threshold see {@link #behaviourPenaltyThreshold()}
   * @param decay see {@link #behaviourPenaltyDecay()}
   */
  public PeerScoreParams withBehaviourPenalty(double weight, double threshold, double decay) {
    return toBuilder()
        .behaviourPenaltyWeight(weight).behaviourPenaltyThreshold(threshold).behaviourPenaltyDecay(decay)
        .build();
  }

  /**
   * {@return a copy with another decay interval and decay-to-zero limit}
   *
   * @param interval see {@link #decayInterval()}
   * @param toZero see {@link #decayToZero()}
   */
  public PeerScoreParams withDecay(Duration interval, double toZero) {
    return toBuilder().decayInterval(interval).decayToZero(toZero).build();
  }

  /**
   * {@return a copy with another score retention time}
   *
   * @param retain see {@link #retainScore()}
   */
  public PeerScoreParams withRetainScore(Duration retain) {
    return toBuilder().retainScore(retain).build();
  }

  /**
   * {@return a copy with another delivery record lifetime}
   *
   * @param ttl see {@link #deliveryRecordTtl()}
   */
  public PeerScoreParams withDeliveryRecordTtl(Duration ttl) {
    return toBuilder().deliveryRecordTtl(ttl).build();
  }

  /**
   * Returns this: every instance is checked when it is made (a rule broken throws {@link
   * IllegalArgumentException} naming the field), so there is nothing left to check.
   *
   * @return these parameters
   */
  public PeerScoreParams validate() {
    return this;
  }

  private static void fail(String message) {
    throw new IllegalArgumentException("invalid peer score params: " + message);
  }

  /** {@return a builder starting from {@link #defaults()}} */
  public static Builder builder() {
    return new Builder(defaults());
  }

  /** {@return a builder starting from these parameters} */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Builds peer score parameters by name: start from {@link #builder()} ({@link #defaults()}) or
   * {@code ethereum(topics).toBuilder()}, set what differs, and {@link #build()} checks every rule.
   */
  public static final class Builder {
    private final Map<String, TopicScoreParams> topics = new HashMap<>();
    private double topicScoreCap;
    private Function<PeerId, Double> appSpecificScore;
    private double appSpecificWeight;
    private double ipColocationFactorWeight;
    private int ipColocationFactorThreshold;
    private List<String> ipColocationFactorWhitelist;
    private double behaviourPenaltyWeight;
    private double behaviourPenaltyThreshold;
    private double behaviourPenaltyDecay;
    private Duration decayInterval;
    private double decayToZero;
    private Duration retainScore;
    private Duration deliveryRecordTtl;

    private Builder(PeerScoreParams from) {
      this.topics.putAll(from.topics);
      this.topicScoreCap = from.topicScoreCap;
      this.appSpecificScore = from.appSpecificScore;
      this.appSpecificWeight = from.appSpecificWeight;
      this.ipColocationFactorWeight = from.ipColocationFactorWeight;
      this.ipColocationFactorThreshold = from.ipColocationFactorThreshold;
      this.ipColocationFactorWhitelist = from.ipColocationFactorWhitelist;
      this.behaviourPenaltyWeight = from.behaviourPenaltyWeight;
      this.behaviourPenaltyThreshold = from.behaviourPenaltyThreshold;
      this.behaviourPenaltyDecay = from.behaviourPenaltyDecay;
      this.decayInterval = from.decayInterval;
      this.decayToZero = from.decayToZero;
      this.retainScore = from.retainScore;
      this.deliveryRecordTtl = from.deliveryRecordTtl;
    }

    /**
     * Scores exactly these topics (replacing all set so far).
     *
     * @param v the scored topics and their parameters
     * @return this builder
     */
    public Builder topics(Map<String, TopicScoreParams> v) {
      this.topics.clear();
      this.topics.putAll(v);
      return this;
    }

    /**
     * Scores {@code topic} with {@code params} (added or replaced).
     *
     * @param topic the topic
     * @param params its parameters
     * @return this builder
     */
    public Builder topic(String topic, TopicScoreParams params) {
      this.topics.put(topic, params);
      return this;
    }

    /**
     * Sets {@link PeerScoreParams#topicScoreCap()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder topicScoreCap(double v) {
      this.topicScoreCap = v;
      return this;
    }

    /**
     * Sets {@link PeerScoreParams#appSpecificScore()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder appSpecificScore(Function<PeerId, Double> v) {
      this.appSpecificScore = v;
      return this;
    }

    /**
     * Sets {@link PeerScoreParams#appSpecificWeight()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder appSpecificWeight(double v) {
      this.appSpecificWeight = v;
      return this;
    }

    /**
     * Sets {@link PeerScoreParams#ipColocationFactorWeight()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder ipColocationFactorWeight(double v) {
      this.ipColocationFactorWeight = v;
      return this;
    }

    /**
     * Sets {@link PeerScoreParams#ipColocationFactorThreshold()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder ipColocationFactorThreshold(int v) {
      this.ipColocationFactorThreshold = v;
      return this;
    }

    /**
     * Sets {@link PeerScoreParams#ipColocationFactorWhitelist()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder ipColocationFactorWhitelist(List<String> v) {
      this.ipColocationFactorWhitelist = v;
      return this;
    }

    /**
     * Sets {@link PeerScoreParams#behaviourPenaltyWeight()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder behaviourPenaltyWeight(double v) {
      this.behaviourPenaltyWeight = v;
      return this;
    }

    /**
     * Sets {@link PeerScoreParams#behaviourPenaltyThreshold()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder behaviourPenaltyThreshold(double v) {
      this.behaviourPenaltyThreshold = v;
      return this;
    }

    /**
     * Sets {@link PeerScoreParams#behaviourPenaltyDecay()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder behaviourPenaltyDecay(double v) {
      this.behaviourPenaltyDecay = v;
      return this;
    }

    /**
     * Sets {@link PeerScoreParams#decayInterval()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder decayInterval(Duration v) {
      this.decayInterval = v;
      return this;
    }

    /**
     * Sets {@link PeerScoreParams#decayToZero()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder decayToZero(double v) {
      this.decayToZero = v;
      return this;
    }

    /**
     * Sets {@link PeerScoreParams#retainScore()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder retainScore(Duration v) {
      this.retainScore = v;
      return this;
    }

    /**
     * Sets {@link PeerScoreParams#deliveryRecordTtl()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder deliveryRecordTtl(Duration v) {
      this.deliveryRecordTtl = v;
      return this;
    }

    /** {@return the parameters; throws {@link IllegalArgumentException} naming the first rule broken} */
    public PeerScoreParams build() {
      return new PeerScoreParams(topics, topicScoreCap, appSpecificScore, appSpecificWeight,
          ipColocationFactorWeight, ipColocationFactorThreshold, ipColocationFactorWhitelist,
          behaviourPenaltyWeight, behaviourPenaltyThreshold, behaviourPenaltyDecay,
          decayInterval, decayToZero, retainScore, deliveryRecordTtl);
    }
  }
}
