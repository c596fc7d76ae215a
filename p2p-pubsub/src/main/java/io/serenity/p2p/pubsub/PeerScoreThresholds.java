package io.serenity.p2p.pubsub;

/**
 * Score thresholds the gossipsub router compares {@link PeerScore#score} against (gossipsub v1.1
 * "Score Thresholds"). Below 0 a peer is pruned from meshes and never grafted or exchanged in PX;
 * below {@code gossipThreshold} no IHAVE/IWANT to or from it; below {@code publishThreshold} no
 * (flood/fanout) publishing to it; below {@code graylistThreshold} all its RPCs are ignored. PX is
 * accepted only from peers at or above {@code acceptPXThreshold}, and opportunistic grafting starts
 * when the median mesh score is below {@code opportunisticGraftThreshold}.
 *
 * <p>Every instance is checked when it is made: the ordering gossip ≥ publish ≥ graylist, all ≤ 0,
 * and acceptPX, opportunisticGraft ≥ 0 (as go-libp2p-pubsub; the spec asks for strict
 * inequalities, which these also allow). A broken rule throws {@link IllegalArgumentException}
 * naming the threshold.
 *
 * <pre>{@code
 * PeerScoreThresholds t = PeerScoreThresholds.ethereum().toBuilder().acceptPXThreshold(50).build();
 * if (score.score(peer) < t.graylistThreshold()) { return false; } // ignore the RPC
 * }</pre>
 *
 * @param gossipThreshold ≤ 0
 * @param publishThreshold ≤ gossipThreshold
 * @param graylistThreshold ≤ publishThreshold
 * @param acceptPXThreshold ≥ 0; should be reachable only by bootstrappers and trusted peers
 * @param opportunisticGraftThreshold ≥ 0; small compared to what topic scores reach
 */
public record PeerScoreThresholds(
    double gossipThreshold,
    double publishThreshold,
    double graylistThreshold,
    double acceptPXThreshold,
    double opportunisticGraftThreshold) {

  /**
   * Checks the thresholds.
   *
   * @throws IllegalArgumentException naming the first bad threshold and what it must be
   */
  public PeerScoreThresholds {
    if (gossipThreshold > 0 || !Double.isFinite(gossipThreshold)) {
      fail("gossipThreshold must be <= 0 and finite, was " + gossipThreshold);
    }
    if (!Double.isFinite(publishThreshold) || publishThreshold > gossipThreshold) {
      fail("publishThreshold must be <= gossipThreshold (" + gossipThreshold + ") and finite, was "
          + publishThreshold);
    }
    if (!Double.isFinite(graylistThreshold) || graylistThreshold > publishThreshold) {
      fail("graylistThreshold must be <= publishThreshold (" + publishThreshold + ") and finite, was "
          + graylistThreshold);
    }
    if (acceptPXThreshold < 0 || !Double.isFinite(acceptPXThreshold)) {
      fail("acceptPXThreshold must be >= 0 and finite, was " + acceptPXThreshold);
    }
    if (opportunisticGraftThreshold < 0 || !Double.isFinite(opportunisticGraftThreshold)) {
      fail("opportunisticGraftThreshold must be >= 0 and finite, was " + opportunisticGraftThreshold);
    }
  }

  /**
   * Modest values for networks whose parameters have not been tuned: gossip −10, publish −50,
   * graylist −80, accept PX 10, opportunistic graft 1. Scale them with the weights you choose.
   *
   * @return the thresholds
   */
  public static PeerScoreThresholds defaults() {
    return new PeerScoreThresholds(-10, -50, -80, 10, 1);
  }

  /**
   * The values Ethereum consensus clients (Lighthouse, Teku, Prysm, Lodestar) use: gossip −4000,
   * publish −8000, graylist −16000, accept PX 100, opportunistic graft 5.
   *
   * @return the thresholds
   */
  public static PeerScoreThresholds ethereum() {
    return new PeerScoreThresholds(-4000, -8000, -16000, 100, 5);
  }

  /**
   * Returns this: every instance is checked when it is made (a rule broken throws {@link
   * IllegalArgumentException} naming the threshold), so there is nothing left to check.
   *
   * @return these thresholds
   */
  public PeerScoreThresholds validate() {
    return this;
  }

  private static void fail(String message) {
    throw new IllegalArgumentException("invalid peer score thresholds: " + message);
  }

  /** {@return a builder starting from {@link #defaults()}} */
  public static Builder builder() {
    return new Builder(defaults());
  }

  /** {@return a builder starting from these thresholds} */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Builds thresholds by name: start from {@link #builder()} ({@link #defaults()}) or {@code
   * ethereum().toBuilder()}, set what differs, and {@link #build()} checks every rule.
   */
  public static final class Builder {
    private double gossipThreshold;
    private double publishThreshold;
    private double graylistThreshold;
    private double acceptPXThreshold;
    private double opportunisticGraftThreshold;

    private Builder(PeerScoreThresholds from) {
      this.gossipThreshold = from.gossipThreshold;
      this.publishThreshold = from.publishThreshold;
      this.graylistThreshold = from.graylistThreshold;
      this.acceptPXThreshold = from.acceptPXThreshold;
      this.opportunisticGraftThreshold = from.opportunisticGraftThreshold;
    }

    /**
     * Sets {@link PeerScoreThresholds#gossipThreshold()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder gossipThreshold(double v) {
      this.gossipThreshold = v;
      return this;
    }

    /**
     * Sets {@link PeerScoreThresholds#publishThreshold()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder publishThreshold(double v) {
      this.publishThreshold = v;
      return this;
    }

    /**
     * Sets {@link PeerScoreThresholds#graylistThreshold()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder graylistThreshold(double v) {
      this.graylistThreshold = v;
      return this;
    }

    /**
     * Sets {@link PeerScoreThresholds#acceptPXThreshold()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder acceptPXThreshold(double v) {
      this.acceptPXThreshold = v;
      return this;
    }

    /**
     * Sets {@link PeerScoreThresholds#opportunisticGraftThreshold()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder opportunisticGraftThreshold(double v) {
      this.opportunisticGraftThreshold = v;
      return this;
    }

    /** {@return the thresholds; throws {@link IllegalArgumentException} naming the first rule broken} */
    public PeerScoreThresholds build() {
      return new PeerScoreThresholds(gossipThreshold, publishThreshold, graylistThreshold, acceptPXThreshold,
          opportunisticGraftThreshold);
    }
  }
}
