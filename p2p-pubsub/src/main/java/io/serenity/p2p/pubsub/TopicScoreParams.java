package io.serenity.p2p.pubsub;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-topic peer score parameters, gossipsub v1.1 "Topic Parameter Calculation and Decay" (P₁, P₂,
 * P₃, P₃b, P₄). A topic without parameters in {@link PeerScoreParams#topics()} does not count
 * towards any score.
 *
 * <p>Decay factors are multipliers in (0, 1) applied to a counter once per {@link
 * PeerScoreParams#decayInterval()}; {@link PeerScoreParams#decayFactor} turns "forget in this long"
 * into a factor. A weight of 0 switches its term off, and then its other fields are not checked.
 *
 * <p>Every instance is checked when it is made, against the gossipsub v1.1 "Overview of New
 * Parameters" table as go-libp2p-pubsub does (signs of the weights, decays in (0, 1), positive
 * caps); a broken rule throws {@link IllegalArgumentException} naming the field. Build by name
 * with {@link #builder()}, or change one term at a time with the {@code with...} methods:
 *
 * <pre>{@code
 * TopicScoreParams blocks = TopicScoreParams.builder()
 *     .topicWeight(0.5)
 *     .timeInMeshWeight(0.0333).timeInMeshQuantum(Duration.ofSeconds(12)).timeInMeshCap(300)
 *     .firstMessageDeliveriesWeight(1.0).firstMessageDeliveriesDecay(0.99).firstMessageDeliveriesCap(40)
 *     .invalidMessageDeliveriesWeight(-200).invalidMessageDeliveriesDecay(0.997)
 *     .build();
 * TopicScoreParams stricter = blocks.withInvalidMessageDeliveries(-400, 0.997);
 * }</pre>
 *
 * @param topicWeight how much this topic's sum counts in the score (≥ 0)
 * @param timeInMeshWeight P₁ weight (≥ 0)
 * @param timeInMeshQuantum P₁ unit: one point per quantum spent in the mesh (> 0)
 * @param timeInMeshCap P₁ maximum value (> 0 when the weight is set)
 * @param firstMessageDeliveriesWeight P₂ weight (≥ 0)
 * @param firstMessageDeliveriesDecay P₂ counter decay factor in (0, 1)
 * @param firstMessageDeliveriesCap P₂ counter cap, applied on increment (> 0)
 * @param meshMessageDeliveriesWeight P₃ weight (≤ 0)
 * @param meshMessageDeliveriesDecay P₃ counter decay factor in (0, 1)
 * @param meshMessageDeliveriesThreshold P₃ expected deliveries; below it the deficit is squared (> 0)
 * @param meshMessageDeliveriesCap P₃ counter cap (≥ threshold)
 * @param meshMessageDeliveriesActivation P₃ applies only after this long in the mesh (≥ 1 s)
 * @param meshMessageDeliveriesWindow how long after validation a duplicate still counts as a
 *     near-first mesh delivery (≥ 0; milliseconds, the spec suggests 1–5 ms)
 * @param meshFailurePenaltyWeight P₃b weight (≤ 0)
 * @param meshFailurePenaltyDecay P₃b counter decay factor in (0, 1)
 * @param invalidMessageDeliveriesWeight P₄ weight (≤ 0)
 * @param invalidMessageDeliveriesDecay P₄ counter decay factor in (0, 1), always checked
 */
public record TopicScoreParams(
    double topicWeight,
    double timeInMeshWeight,
    Duration timeInMeshQuantum,
    double timeInMeshCap,
    double firstMessageDeliveriesWeight,
    double firstMessageDeliveriesDecay,
    double firstMessageDeliveriesCap,
    double meshMessageDeliveriesWeight,
    double meshMessageDeliveriesDecay,
    double meshMessageDeliveriesThreshold,
    double meshMessageDeliveriesCap,
    Duration meshMessageDeliveriesActivation,
    Duration meshMessageDeliveriesWindow,
    double meshFailurePenaltyWeight,
    double meshFailurePenaltyDecay,
    double invalidMessageDeliveriesWeight,
    double invalidMessageDeliveriesDecay) {

  /**
   * Checks the parameters.
   *
   * @throws IllegalArgumentException naming the first bad field and what it must be
   */
  public TopicScoreParams {
    Objects.requireNonNull(timeInMeshQuantum, "timeInMeshQuantum");
    Objects.requireNonNull(meshMessageDeliveriesActivation, "meshMessageDeliveriesActivation");
    Objects.requireNonNull(meshMessageDeliveriesWindow, "meshMessageDeliveriesWindow");
    if (topicWeight < 0 || !Double.isFinite(topicWeight)) {
      fail("topicWeight must be >= 0 and finite, was " + topicWeight);
    }
    // P1
    if (timeInMeshQuantum.isZero() || timeInMeshQuantum.isNegative()) {
      fail("timeInMeshQuantum must be positive, was " + timeInMeshQuantum);
    }
    if (timeInMeshWeight < 0 || !Double.isFinite(timeInMeshWeight)) {
      fail("timeInMeshWeight must be >= 0 (0 disables P1) and finite, was " + timeInMeshWeight);
    }
    if (timeInMeshWeight != 0 && !(timeInMeshCap > 0 && Double.isFinite(timeInMeshCap))) {
      fail("timeInMeshCap must be positive and finite, was " + timeInMeshCap);
    }
    // P2
    if (firstMessageDeliveriesWeight < 0 || !Double.isFinite(firstMessageDeliveriesWeight)) {
      fail("firstMessageDeliveriesWeight must be >= 0 (0 disables P2) and finite, was "
          + firstMessageDeliveriesWeight);
    }
    if (firstMessageDeliveriesWeight != 0) {
      checkDecay("firstMessageDeliveriesDecay", firstMessageDeliveriesDecay);
      if (!(firstMessageDeliveriesCap > 0 && Double.isFinite(firstMessageDeliveriesCap))) {
        fail("firstMessageDeliveriesCap must be positive and finite, was " + firstMessageDeliveriesCap);
      }
    }
    // P3
    if (meshMessageDeliveriesWeight > 0 || !Double.isFinite(meshMessageDeliveriesWeight)) {
      fail("meshMessageDeliveriesWeight must be <= 0 (0 disables P3) and finite, was "
          + meshMessageDeliveriesWeight);
    }
    if (meshMessageDeliveriesWindow.isNegative()) {
      fail("meshMessageDeliveriesWindow must not be negative, was " + meshMessageDeliveriesWindow);
    }
    if (meshMessageDeliveriesWeight != 0) {
      checkDecay("meshMessageDeliveriesDecay", meshMessageDeliveriesDecay);
      if (!(meshMessageDeliveriesThreshold > 0 && Double.isFinite(meshMessageDeliveriesThreshold))) {
        fail("meshMessageDeliveriesThreshold must be positive and finite, was " + meshMessageDeliveriesThreshold);
      }
      if (!(meshMessageDeliveriesCap > 0 && Double.isFinite(meshMessageDeliveriesCap))) {
        fail("meshMessageDeliveriesCap must be positive and finite, was " + meshMessageDeliveriesCap);
      }
      if (meshMessageDeliveriesCap < meshMessageDeliveriesThreshold) {
        fail("meshMessageDeliveriesCap (" + meshMessageDeliveriesCap
            + ") must be >= meshMessageDeliveriesThreshold (" + meshMessageDeliveriesThreshold + ")");
      }
      if (meshMessageDeliveriesActivation.compareTo(Duration.ofSeconds(1)) < 0) {
        fail("meshMessageDeliveriesActivation must be at least 1s, was " + meshMessageDeliveriesActivation);
      }
    }
    // P3b
    if (meshFailurePenaltyWeight > 0 || !Double.isFinite(meshFailurePenaltyWeight)) {
      fail("meshFailurePenaltyWeight must be <= 0 (0 disables P3b) and finite, was " + meshFailurePenaltyWeight);
    }
    if (meshFailurePenaltyWeight != 0) {
      checkDecay("meshFailurePenaltyDecay", meshFailurePenaltyDecay);
    }
    // P4: the decay is checked even when the weight is 0, as go does (atomic validation).
    if (invalidMessageDeliveriesWeight > 0 || !Double.isFinite(invalidMessageDeliveriesWeight)) {
      fail("invalidMessageDeliveriesWeight must be <= 0 (0 disables P4) and finite, was "
          + invalidMessageDeliveriesWeight);
    }
    checkDecay("invalidMessageDeliveriesDecay", invalidMessageDeliveriesDecay);
  }

  /**
   * A topic that counts but scores nothing until weights are set: topic weight 1, every term weight
   * 0; quantum 1 s and cap 3600 (P₁), decays 0.9 with caps 100 (P₂, P₃), threshold 1, activation
   * 1 min, window 10 ms (P₃), decay 0.9 (P₃b, P₄). These companions are only placeholders that pass
   * the checks; choose real values when you set a weight (see docs/scoring.md).
   *
   * @return the parameters
   */
  public static TopicScoreParams defaults() {
    return new TopicScoreParams(
        1.0,
        0, Duration.ofSeconds(1), 3600,
        0, 0.9, 100,
        0, 0.9, 1, 100, Duration.ofMinutes(1), Duration.ofMillis(10),
        0, 0.9,
        0, 0.9);
  }

  /**
   * Parameters for a topic of a network that has not tuned its own, derived from the rate of
   * messages the topic is expected to carry (the default scoring of {@code Server}; docs/scoring.md
   * gives the derivation). With the default thresholds (gossip −10, publish −50, graylist −80):
   *
   * <ul>
   *   <li>P₁ time in mesh: +0.01 per second, capped at one hour (+36);
   *   <li>P₂ first deliveries: a peer delivering its share of the topic's messages first ({@code
   *       rate} · 10 min / {@code meshDegree}, at least 10) earns +20; forgotten over 10 minutes;
   *   <li>P₃/P₃b mesh delivery deficits: off, because a deficit threshold set from a guessed rate
   *       prunes honest peers on topics quieter than guessed (a quiet topic is normal);
   *   <li>P₄ invalid messages: weight −1 on the squared count, forgotten over one hour: the gossip
   *       threshold is crossed at 4 invalid messages, the publish threshold at 8 and the graylist at
   *       9, after which the peer is disconnected.
   * </ul>
   *
   * @param messagesPerSecond expected rate of valid messages on the topic (> 0)
   * @param meshDegree the mesh degree D (≥ 1)
   * @param decayInterval the score decay interval ({@link PeerScoreParams#decayInterval()})
   * @return the parameters
   */
  public static TopicScoreParams forExpectedRate(double messagesPerSecond, int meshDegree, Duration decayInterval) {
    if (!(messagesPerSecond > 0) || !Double.isFinite(messagesPerSecond) || meshDegree < 1) {
      throw new IllegalArgumentException("expected rate must be > 0 and the mesh degree >= 1, were "
          + messagesPerSecond + " and " + meshDegree);
    }
    double toZero = PeerScoreParams.DEFAULT_DECAY_TO_ZERO;
    double firstCap = Math.max(10, messagesPerSecond * 600 / meshDegree);
    return defaults()
        .withTimeInMesh(0.01, Duration.ofSeconds(1), 3600)
        .withFirstMessageDeliveries(20 / firstCap,
            PeerScoreParams.decayFactor(Duration.ofMinutes(10), decayInterval, toZero), firstCap)
        .withInvalidMessageDeliveries(-1,
            PeerScoreParams.decayFactor(Duration.ofHours(1), decayInterval, toZero));
  }

  /**
   * {@return a copy with another topic weight}
   *
   * @param weight see {@link #topicWeight()}
   */
  public TopicScoreParams withTopicWeight(double weight) {
    return toBuilder().topicWeight(weight).build();
  }

  /**
   * {@return a copy with other P₁ (time in mesh) parameters}
   *
   * @param weight see {@link #timeInMeshWeight()}
   * @param quantum see {@link #timeInMeshQuantum()}
   * @param cap see {@link #timeInMeshCap()}
   */
  public TopicScoreParams withTimeInMesh(double weight, Duration quantum, double cap) {
    return toBuilder().timeInMeshWeight(weight).timeInMeshQuantum(quantum).timeInMeshCap(cap).build();
  }

  /**
   * {@return a copy with other P₂ (first message deliveries) parameters}
   *
   * @param weight see {@link #firstMessageDeliveriesWeight()}
   * @param decay see {@link #firstMessageDeliveriesDecay()}
   * @param cap see {@link #firstMessageDeliveriesCap()}
   */
  public TopicScoreParams withFirstMessageDeliveries(double weight, double decay, double cap) {
    return toBuilder()
        .firstMessageDeliveriesWeight(weight).firstMessageDeliveriesDecay(decay).firstMessageDeliveriesCap(cap)
        .build();
  }

  /**
   * {@return a copy with other P₃ (mesh message deliveries) parameters}
   *
   * @param weight see {@link #meshMessageDeliveriesWeight()}
   * @param decay see {@link #meshMessageDeliveriesDecay()}
   * @param threshold see {@link #meshMessageDeliveriesThreshold()}
   * @param cap see {@link #meshMessageDeliveriesCap()}
   * @param activation see {@link #meshMessageDeliveriesActivation()}
   * @param window see {@link #meshMessageDeliveriesWindow()}
   */
  public TopicScoreParams withMeshMessageDeliveries(
      double weight, double decay, double threshold, double cap, Duration activation, Duration window) {
    return toBuilder()
        .meshMessageDeliveriesWeight(weight).meshMessageDeliveriesDecay(decay)
        .meshMessageDeliveriesThreshold(threshold).meshMessageDeliveriesCap(cap)
        .meshMessageDeliveriesActivation(activation).meshMessageDeliveriesWindow(window)
        .build();
  }

  /**
   * {@return a copy with other P₃b (sticky mesh failure penalty) parameters}
   *
   * @param weight see {@link #meshFailurePenaltyWeight()}
   * @param decay see {@link #meshFailurePenaltyDecay()}
   */
  public TopicScoreParams withMeshFailurePenalty(double weight, double decay) {
    return toBuilder().meshFailurePenaltyWeight(weight).meshFailurePenaltyDecay(decay).build();
  }

  /**
   * {@return a copy with other P₄ (invalid message deliveries) parameters}
   *
   * @param weight see {@link #invalidMessageDeliveriesWeight()}
   * @param decay see {@link #invalidMessageDeliveriesDecay()}
   */
  public TopicScoreParams withInvalidMessageDeliveries(double weight, double decay) {
    return toBuilder().invalidMessageDeliveriesWeight(weight).invalidMessageDeliveriesDecay(decay).build();
  }

  /**
   * Returns this: every instance is checked when it is made (a rule broken throws {@link
   * IllegalArgumentException} naming the field), so there is nothing left to check.
   *
   * @return these parameters
   */
  public TopicScoreParams validate() {
    return this;
  }

  private static void checkDecay(String name, double decay) {
    if (!(decay > 0 && decay < 1)) {
      fail(name + " must be between 0 and 1 (exclusive), was " + decay);
    }
  }

  private static void fail(String message) {
    throw new IllegalArgumentException("invalid topic score params: " + message);
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
   * Builds topic parameters by name: start from {@link #builder()} ({@link #defaults()}) or {@code
   * toBuilder()}, set what differs, and {@link #build()} checks every rule.
   */
  public static final class Builder {
    private double topicWeight;
    private double timeInMeshWeight;
    private Duration timeInMeshQuantum;
    private double timeInMeshCap;
    private double firstMessageDeliveriesWeight;
    private double firstMessageDeliveriesDecay;
    private double firstMessageDeliveriesCap;
    private double meshMessageDeliveriesWeight;
    private double meshMessageDeliveriesDecay;
    private double meshMessageDeliveriesThreshold;
    private double meshMessageDeliveriesCap;
    private Duration meshMessageDeliveriesActivation;
    private Duration meshMessageDeliveriesWindow;
    private double meshFailurePenaltyWeight;
    private double meshFailurePenaltyDecay;
    private double invalidMessageDeliveriesWeight;
    private double invalidMessageDeliveriesDecay;

    private Builder(TopicScoreParams from) {
      this.topicWeight = from.topicWeight;
      this.timeInMeshWeight = from.timeInMeshWeight;
      this.timeInMeshQuantum = from.timeInMeshQuantum;
      this.timeInMeshCap = from.timeInMeshCap;
      this.firstMessageDeliveriesWeight = from.firstMessageDeliveriesWeight;
      this.firstMessageDeliveriesDecay = from.firstMessageDeliveriesDecay;
      this.firstMessageDeliveriesCap = from.firstMessageDeliveriesCap;
      this.meshMessageDeliveriesWeight = from.meshMessageDeliveriesWeight;
      this.meshMessageDeliveriesDecay = from.meshMessageDeliveriesDecay;
      this.meshMessageDeliveriesThreshold = from.meshMessageDeliveriesThreshold;
      this.meshMessageDeliveriesCap = from.meshMessageDeliveriesCap;
      this.meshMessageDeliveriesActivation = from.meshMessageDeliveriesActivation;
      this.meshMessageDeliveriesWindow = from.meshMessageDeliveriesWindow;
      this.meshFailurePenaltyWeight = from.meshFailurePenaltyWeight;
      this.meshFailurePenaltyDecay = from.meshFailurePenaltyDecay;
      this.invalidMessageDeliveriesWeight = from.invalidMessageDeliveriesWeight;
      this.invalidMessageDeliveriesDecay = from.invalidMessageDeliveriesDecay;
    }

    /**
     * Sets {@link TopicScoreParams#topicWeight()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder topicWeight(double v) {
      this.topicWeight = v;
      return this;
    }

    /**
     * Sets {@link TopicScoreParams#timeInMeshWeight()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder timeInMeshWeight(double v) {
      this.timeInMeshWeight = v;
      return this;
    }

    /**
     * Sets {@link TopicScoreParams#timeInMeshQuantum()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder timeInMeshQuantum(Duration v) {
      this.timeInMeshQuantum = v;
      return this;
    }

    /**
     * Sets {@link TopicScoreParams#timeInMeshCap()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder timeInMeshCap(double v) {
      this.timeInMeshCap = v;
      return this;
    }

    /**
     * Sets {@link TopicScoreParams#firstMessageDeliveriesWeight()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder firstMessageDeliveriesWeight(double v) {
      this.firstMessageDeliveriesWeight = v;
      return this;
    }

    /**
     * Sets {@link TopicScoreParams#firstMessageDeliveriesDecay()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder firstMessageDeliveriesDecay(double v) {
      this.firstMessageDeliveriesDecay = v;
      return this;
    }

    /**
     * Sets {@link TopicScoreParams#firstMessageDeliveriesCap()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder firstMessageDeliveriesCap(double v) {
      this.firstMessageDeliveriesCap = v;
      return this;
    }

    /**
     * Sets {@link TopicScoreParams#meshMessageDeliveriesWeight()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder meshMessageDeliveriesWeight(double v) {
      this.meshMessageDeliveriesWeight = v;
      return this;
    }

    /**
     * Sets {@link TopicScoreParams#meshMessageDeliveriesDecay()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder meshMessageDeliveriesDecay(double v) {
      this.meshMessageDeliveriesDecay = v;
      return this;
    }

    /**
     * Sets {@link TopicScoreParams#meshMessageDeliveriesThreshold()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder meshMessageDeliveriesThreshold(double v) {
      this.meshMessageDeliveriesThreshold = v;
      return this;
    }

    /**
     * Sets {@link TopicScoreParams#meshMessageDeliveriesCap()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder meshMessageDeliveriesCap(double v) {
      this.meshMessageDeliveriesCap = v;
      return this;
    }

    /**
     * Sets {@link TopicScoreParams#meshMessageDeliveriesActivation()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder meshMessageDeliveriesActivation(Duration v) {
      this.meshMessageDeliveriesActivation = v;
      return this;
    }

    /**
     * Sets {@link TopicScoreParams#meshMessageDeliveriesWindow()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder meshMessageDeliveriesWindow(Duration v) {
      this.meshMessageDeliveriesWindow = v;
      return this;
    }

    /**
     * Sets {@link TopicScoreParams#meshFailurePenaltyWeight()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder meshFailurePenaltyWeight(double v) {
      this.meshFailurePenaltyWeight = v;
      return this;
    }

    /**
     * Sets {@link TopicScoreParams#meshFailurePenaltyDecay()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder meshFailurePenaltyDecay(double v) {
      this.meshFailurePenaltyDecay = v;
      return this;
    }

    /**
     * Sets {@link TopicScoreParams#invalidMessageDeliveriesWeight()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder invalidMessageDeliveriesWeight(double v) {
      this.invalidMessageDeliveriesWeight = v;
      return this;
    }

    /**
     * Sets {@link TopicScoreParams#invalidMessageDeliveriesDecay()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder invalidMessageDeliveriesDecay(double v) {
      this.invalidMessageDeliveriesDecay = v;
      return this;
    }

    /** {@return the parameters; throws {@link IllegalArgumentException} naming the first rule broken} */
    public TopicScoreParams build() {
      return new TopicScoreParams(
          topicWeight,
          timeInMeshWeight, timeInMeshQuantum, timeInMeshCap,
          firstMessageDeliveriesWeight, firstMessageDeliveriesDecay, firstMessageDeliveriesCap,
          meshMessageDeliveriesWeight, meshMessageDeliveriesDecay, meshMessageDeliveriesThreshold,
          meshMessageDeliveriesCap, meshMessageDeliveriesActivation, meshMessageDeliveriesWindow,
          meshFailurePenaltyWeight, meshFailurePenaltyDecay,
          invalidMessageDeliveriesWeight, invalidMessageDeliveriesDecay);
    }
  }
}
