package io.serenity.p2p.pubsub;

import java.time.Duration;
import java.util.Objects;

/**
 * Gossipsub router parameters, named as in the gossipsub specs (v1.0 "Parameters", v1.1 "Router
 * parameters", v1.2 IDONTWANT). {@link #defaults()} are go-libp2p's; {@link #ethereum()} is the
 * Ethereum consensus p2p-interface preset. How long message ids are remembered is a pubsub setting,
 * not a router one: {@link PubSubConfig#seenTtl()} ({@link PubSubConfig#ETHEREUM_SEEN_TTL} for
 * Ethereum), which must cover the message cache ({@link #messageCacheSpan()}).
 *
 * @param d desired mesh degree
 * @param dLow lower bound: below it the heartbeat grafts up to {@code d}
 * @param dHigh upper bound: above it the heartbeat prunes down to {@code d}
 * @param dScore mesh peers kept by score when pruning (v1.1)
 * @param dOut outbound mesh peers to keep (v1.1); below dLow and at most d/2
 * @param dLazy peers that get IHAVE gossip each heartbeat (at least; see gossipFactor)
 * @param gossipFactor share of eligible non-mesh peers that get gossip, when more than dLazy (v1.1)
 * @param heartbeatInterval time between heartbeats
 * @param heartbeatInitialDelay delay of the first heartbeat
 * @param historyLength message cache windows (heartbeats) kept for IWANT
 * @param historyGossip newest windows advertised in IHAVE
 * @param fanoutTtl how long fanout state lives after our last publish to a topic we do not join
 * @param pruneBackoff backoff given and honoured after PRUNE (v1.1)
 * @param unsubscribeBackoff backoff after we leave a topic (v1.1)
 * @param prunePeers peers offered in PX on PRUNE (v1.1)
 * @param floodPublish publish our own messages to every topic peer above the publish threshold (v1.1)
 * @param gossipRetransmission times one peer may fetch the same message by IWANT
 * @param maxIHaveLength message ids accepted from one peer's IHAVEs per heartbeat
 * @param maxIHaveMessages IHAVE messages accepted from one peer per heartbeat
 * @param iwantFollowupTime time a peer has to deliver a message it advertised and we asked for
 * @param graftFloodThreshold a GRAFT this soon after a PRUNE earns an extra penalty (v1.1)
 * @param opportunisticGraftTicks heartbeats between opportunistic grafting rounds (v1.1)
 * @param opportunisticGraftPeers peers grafted per opportunistic round (v1.1)
 * @param directConnectTicks heartbeats between reconnection attempts to direct peers (v1.1)
 * @param idontwantMessageThreshold messages at least this large trigger IDONTWANT (v1.2)
 * @param maxIDontWantMessages IDONTWANT messages accepted from one peer per heartbeat (v1.2)
 */
public record GossipSubParams(
    int d,
    int dLow,
    int dHigh,
    int dScore,
    int dOut,
    int dLazy,
    double gossipFactor,
    Duration heartbeatInterval,
    Duration heartbeatInitialDelay,
    int historyLength,
    int historyGossip,
    Duration fanoutTtl,
    Duration pruneBackoff,
    Duration unsubscribeBackoff,
    int prunePeers,
    boolean floodPublish,
    int gossipRetransmission,
    int maxIHaveLength,
    int maxIHaveMessages,
    Duration iwantFollowupTime,
    Duration graftFloodThreshold,
    int opportunisticGraftTicks,
    int opportunisticGraftPeers,
    int directConnectTicks,
    int idontwantMessageThreshold,
    int maxIDontWantMessages) {

  /** Checks for null durations; {@link #validate()} checks the values. */
  public GossipSubParams {
    Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
    Objects.requireNonNull(heartbeatInitialDelay, "heartbeatInitialDelay");
    Objects.requireNonNull(fanoutTtl, "fanoutTtl");
    Objects.requireNonNull(pruneBackoff, "pruneBackoff");
    Objects.requireNonNull(unsubscribeBackoff, "unsubscribeBackoff");
    Objects.requireNonNull(iwantFollowupTime, "iwantFollowupTime");
    Objects.requireNonNull(graftFloodThreshold, "graftFloodThreshold");
    check(d, dLow, dHigh, dScore, dOut, dLazy, gossipFactor, heartbeatInterval, heartbeatInitialDelay, historyLength,
        historyGossip, fanoutTtl, pruneBackoff, unsubscribeBackoff, prunePeers, gossipRetransmission, maxIHaveLength,
        maxIHaveMessages, iwantFollowupTime, graftFloodThreshold, opportunisticGraftTicks, opportunisticGraftPeers,
        directConnectTicks, idontwantMessageThreshold, maxIDontWantMessages);
  }

  /**
   * go-libp2p's defaults.
   *
   * @return the parameters
   */
  public static GossipSubParams defaults() {
    return new GossipSubParams(
        6, 5, 12, 4, 2, 6, 0.25,
        Duration.ofSeconds(1), Duration.ofMillis(100),
        5, 3,
        Duration.ofSeconds(60), Duration.ofMinutes(1), Duration.ofSeconds(10),
        16, true, 3, 5000, 10,
        Duration.ofSeconds(3), Duration.ofSeconds(10),
        60, 2, 300,
        1024, 1000);
  }

  /**
   * The Ethereum consensus preset (consensus-specs p2p-interface, "The gossip domain"): D 8, D_low 6,
   * D_high 12, D_lazy 6, heartbeat 700 ms, fanout TTL 60 s, 6 history windows, gossip over 3; the
   * rest as go-libp2p. (Its seen TTL, two epochs, is {@link PubSubConfig#ETHEREUM_SEEN_TTL}.)
   *
   * @return the parameters
   */
  public static GossipSubParams ethereum() {
    GossipSubParams g = defaults();
    return new GossipSubParams(
        8, 6, 12, g.dScore(), g.dOut(), 6, g.gossipFactor(),
        Duration.ofMillis(700), g.heartbeatInitialDelay(),
        6, 3,
        Duration.ofSeconds(60), g.pruneBackoff(), g.unsubscribeBackoff(),
        g.prunePeers(), g.floodPublish(), g.gossipRetransmission(), g.maxIHaveLength(), g.maxIHaveMessages(),
        g.iwantFollowupTime(), g.graftFloodThreshold(),
        g.opportunisticGraftTicks(), g.opportunisticGraftPeers(), g.directConnectTicks(),
        g.idontwantMessageThreshold(), g.maxIDontWantMessages());
  }

  /** {@return how long the message cache holds a message: {@code historyLength} heartbeats} */
  public Duration messageCacheSpan() {
    return heartbeatInterval.multipliedBy(historyLength);
  }

  /**
   * Returns this: every instance is checked when it is made (a rule broken throws {@link
   * IllegalArgumentException} naming it), so there is nothing left to check.
   *
   * @return these parameters
   */
  public GossipSubParams validate() {
    return this;
  }

  @SuppressWarnings("checkstyle:ParameterNumber")
  private static void check(int d, int dLow, int dHigh, int dScore, int dOut, int dLazy, double gossipFactor,
      Duration heartbeatInterval, Duration heartbeatInitialDelay, int historyLength, int historyGossip,
      Duration fanoutTtl, Duration pruneBackoff, Duration unsubscribeBackoff, int prunePeers,
      int gossipRetransmission, int maxIHaveLength, int maxIHaveMessages, Duration iwantFollowupTime,
      Duration graftFloodThreshold, int opportunisticGraftTicks, int opportunisticGraftPeers, int directConnectTicks,
      int idontwantMessageThreshold, int maxIDontWantMessages) {
    require(d > 0, "d must be positive, got " + d);
    require(dLow >= 0 && dLow <= d && d <= dHigh,
        "need 0 <= dLow <= d <= dHigh, got dLow " + dLow + ", d " + d + ", dHigh " + dHigh);
    require(dScore >= 0 && dScore <= dHigh, "need 0 <= dScore <= dHigh, got dScore " + dScore);
    require(dOut >= 0 && dOut < dLow && dOut <= d / 2,
        "need dOut < dLow and dOut <= d/2, got dOut " + dOut + ", dLow " + dLow + ", d " + d);
    require(dLazy >= 0, "dLazy must not be negative, got " + dLazy);
    require(gossipFactor >= 0 && gossipFactor <= 1, "gossipFactor must be in [0, 1], got " + gossipFactor);
    require(positive(heartbeatInterval), "heartbeatInterval must be positive, got " + heartbeatInterval);
    require(!heartbeatInitialDelay.isNegative(), "heartbeatInitialDelay must not be negative");
    require(historyGossip >= 1 && historyGossip <= historyLength,
        "need 1 <= historyGossip <= historyLength, got " + historyGossip + " and " + historyLength);
    require(positive(fanoutTtl), "fanoutTtl must be positive, got " + fanoutTtl);
    require(positive(pruneBackoff), "pruneBackoff must be positive, got " + pruneBackoff);
    require(positive(unsubscribeBackoff), "unsubscribeBackoff must be positive, got " + unsubscribeBackoff);
    require(prunePeers >= 0, "prunePeers must not be negative");
    require(gossipRetransmission >= 1, "gossipRetransmission must be at least 1");
    require(maxIHaveLength >= 1 && maxIHaveMessages >= 1, "maxIHaveLength and maxIHaveMessages must be positive");
    require(positive(iwantFollowupTime), "iwantFollowupTime must be positive");
    require(!graftFloodThreshold.isNegative(), "graftFloodThreshold must not be negative");
    require(opportunisticGraftTicks >= 1 && opportunisticGraftPeers >= 0, "opportunistic grafting settings out of range");
    require(directConnectTicks >= 1, "directConnectTicks must be positive");
    require(idontwantMessageThreshold >= 0 && maxIDontWantMessages >= 0, "IDONTWANT settings must not be negative");
  }


  private static boolean positive(Duration d) {
    return !d.isNegative() && !d.isZero();
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** {@return a builder starting from go-libp2p's defaults} */
  public static Builder builder() {
    return new Builder(defaults());
  }

  /** {@return a builder starting from these parameters} */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Builds parameters by name: start from {@link #builder()} (go-libp2p's defaults) or {@code
   * ethereum().toBuilder()}, set what differs, and {@link #build()} checks every rule.
   */
  public static final class Builder {
    private int d;
    private int dLow;
    private int dHigh;
    private int dScore;
    private int dOut;
    private int dLazy;
    private double gossipFactor;
    private Duration heartbeatInterval;
    private Duration heartbeatInitialDelay;
    private int historyLength;
    private int historyGossip;
    private Duration fanoutTtl;
    private Duration pruneBackoff;
    private Duration unsubscribeBackoff;
    private int prunePeers;
    private boolean floodPublish;
    private int gossipRetransmission;
    private int maxIHaveLength;
    private int maxIHaveMessages;
    private Duration iwantFollowupTime;
    private Duration graftFloodThreshold;
    private int opportunisticGraftTicks;
    private int opportunisticGraftPeers;
    private int directConnectTicks;
    private int idontwantMessageThreshold;
    private int maxIDontWantMessages;

    private Builder(GossipSubParams from) {
      this.d = from.d;
      this.dLow = from.dLow;
      this.dHigh = from.dHigh;
      this.dScore = from.dScore;
      this.dOut = from.dOut;
      this.dLazy = from.dLazy;
      this.gossipFactor = from.gossipFactor;
      this.heartbeatInterval = from.heartbeatInterval;
      this.heartbeatInitialDelay = from.heartbeatInitialDelay;
      this.historyLength = from.historyLength;
      this.historyGossip = from.historyGossip;
      this.fanoutTtl = from.fanoutTtl;
      this.pruneBackoff = from.pruneBackoff;
      this.unsubscribeBackoff = from.unsubscribeBackoff;
      this.prunePeers = from.prunePeers;
      this.floodPublish = from.floodPublish;
      this.gossipRetransmission = from.gossipRetransmission;
      this.maxIHaveLength = from.maxIHaveLength;
      this.maxIHaveMessages = from.maxIHaveMessages;
      this.iwantFollowupTime = from.iwantFollowupTime;
      this.graftFloodThreshold = from.graftFloodThreshold;
      this.opportunisticGraftTicks = from.opportunisticGraftTicks;
      this.opportunisticGraftPeers = from.opportunisticGraftPeers;
      this.directConnectTicks = from.directConnectTicks;
      this.idontwantMessageThreshold = from.idontwantMessageThreshold;
      this.maxIDontWantMessages = from.maxIDontWantMessages;
    }

    /**
     * Sets {@link GossipSubParams#d()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder d(int v) {
      this.d = v;
      return this;
    }

    /**
     * Sets {@link GossipSubParams#dLow()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder dLow(int v) {
      this.dLow = v;
      return this;
    }

    /**
     * Sets {@link GossipSubParams#dHigh()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder dHigh(int v) {
      this.dHigh = v;
      return this;
    }

    /**
     * Sets {@link GossipSubParams#dScore()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder dScore(int v) {
      this.dScore = v;
      return this;
    }

    /**
     * Sets {@link GossipSubParams#dOut()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder dOut(int v) {
      this.dOut = v;
      return this;
    }

    /**
     * Sets {@link GossipSubParams#dLazy()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder dLazy(int v) {
      this.dLazy = v;
      return this;
    }

    /**
     * Sets {@link GossipSubParams#gossipFactor()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder gossipFactor(double v) {
      this.gossipFactor = v;
      return this;
    }

    /**
     * Sets {@link GossipSubParams#heartbeatInterval()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder heartbeatInterval(Duration v) {
      this.heartbeatInterval = v;
      return this;
    }

    /**
     * Sets {@link GossipSubParams#heartbeatInitialDelay()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder heartbeatInitialDelay(Duration v) {
      this.heartbeatInitialDelay = v;
      return this;
    }

    /**
     * Sets {@link GossipSubParams#historyLength()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder historyLength(int v) {
      this.historyLength = v;
      return this;
    }

    /**
     * Sets {@link GossipSubParams#historyGossip()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder historyGossip(int v) {
      this.historyGossip = v;
      return this;
    }

    /**
     * Sets {@link GossipSubParams#fanoutTtl()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder fanoutTtl(Duration v) {
      this.fanoutTtl = v;
      return this;
    }

    /**
     * Sets {@link GossipSubParams#pruneBackoff()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder pruneBackoff(Duration v) {
      this.pruneBackoff = v;
      return this;
    }

    /**
     * Sets {@link GossipSubParams#unsubscribeBackoff()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder unsubscribeBackoff(Duration v) {
      this.unsubscribeBackoff = v;
      return this;
    }

    /**
     * Sets {@link GossipSubParams#prunePeers()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder prunePeers(int v) {
      this.prunePeers = v;
      return this;
    }

    /**
     * Sets {@link GossipSubParams#floodPublish()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder floodPublish(boolean v) {
      this.floodPublish = v;
      return this;
    }

    /**
     * Sets {@link GossipSubParams#gossipRetransmission()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder gossipRetransmission(int v) {
      this.gossipRetransmission = v;
      return this;
    }

    /**
     * Sets {@link GossipSubParams#maxIHaveLength()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder maxIHaveLength(int v) {
      this.maxIHaveLength = v;
      return this;
    }

    /**
     * Sets {@link GossipSubParams#maxIHaveMessages()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder maxIHaveMessages(int v) {
      this.maxIHaveMessages = v;
      return this;
    }

    /**
     * Sets {@link GossipSubParams#iwantFollowupTime()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder iwantFollowupTime(Duration v) {
      this.iwantFollowupTime = v;
      return this;
    }

    /**
     * Sets {@link GossipSubParams#graftFloodThreshold()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder graftFloodThreshold(Duration v) {
      this.graftFloodThreshold = v;
      return this;
    }

    /**
     * Sets {@link GossipSubParams#opportunisticGraftTicks()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder opportunisticGraftTicks(int v) {
      this.opportunisticGraftTicks = v;
      return this;
    }

    /**
     * Sets {@link GossipSubParams#opportunisticGraftPeers()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder opportunisticGraftPeers(int v) {
      this.opportunisticGraftPeers = v;
      return this;
    }

    /**
     * Sets {@link GossipSubParams#directConnectTicks()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder directConnectTicks(int v) {
      this.directConnectTicks = v;
      return this;
    }

    /**
     * Sets {@link GossipSubParams#idontwantMessageThreshold()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder idontwantMessageThreshold(int v) {
      this.idontwantMessageThreshold = v;
      return this;
    }

    /**
     * Sets {@link GossipSubParams#maxIDontWantMessages()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder maxIDontWantMessages(int v) {
      this.maxIDontWantMessages = v;
      return this;
    }


    /** {@return the parameters; throws {@link IllegalArgumentException} naming the first rule broken} */
    public GossipSubParams build() {
      return new GossipSubParams(d, dLow, dHigh, dScore, dOut, dLazy, gossipFactor, heartbeatInterval, heartbeatInitialDelay, historyLength, historyGossip, fanoutTtl, pruneBackoff, unsubscribeBackoff, prunePeers, floodPublish, gossipRetransmission, maxIHaveLength, maxIHaveMessages, iwantFollowupTime, graftFloodThreshold, opportunisticGraftTicks, opportunisticGraftPeers, directConnectTicks, idontwantMessageThreshold, maxIDontWantMessages);
    }
  }
}
