package io.serenity.p2p.pubsub;

/**
 * Score thresholds the gossipsub router compares {@link PeerScore#score} against (gossipsub v1.1
 * "Score Thresholds"). Below 0 a peer is pruned from meshes and never grafted or exchanged in PX;
 * below {@code gossipThreshold} no IHAVE/IWANT to or from it; below {@code publishThreshold} no
 * (flood/fanout) publishing to it; below {@code graylistThreshold} all its RPCs are ignored. PX is
 * accepted only from peers at or above {@code acceptPXThreshold}, and opportunistic grafting starts
 * when the median mesh score is below {@code opportunisticGraftThreshold}.
 *
 * <pre>{@code
 * PeerScoreThresholds t = PeerScoreThresholds.ethereum().validate();
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
   * Modest values for networks whose parameters have not been tuned: gossip −10, publish −50,
   * graylist −80, accept PX 10, opportunistic graft 1. Scale them with the weights you choose.
   */
  public static PeerScoreThresholds defaults() {
    return new PeerScoreThresholds(-10, -50, -80, 10, 1);
  }

  /**
   * The values Ethereum consensus clients (Lighthouse, Teku, Prysm, Lodestar) use: gossip −4000,
   * publish −8000, graylist −16000, accept PX 100, opportunistic graft 5.
   */
  public static PeerScoreThresholds ethereum() {
    return new PeerScoreThresholds(-4000, -8000, -16000, 100, 5);
  }

  /**
   * Checks the ordering gossip ≥ publish ≥ graylist, all ≤ 0, and acceptPX, opportunisticGraft ≥ 0
   * (as go-libp2p-pubsub; the spec asks for strict inequalities, which these also allow).
   *
   * @return this, for chaining
   * @throws IllegalArgumentException naming the first bad threshold and what it must be
   */
  public PeerScoreThresholds validate() {
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
    return this;
  }

  private static void fail(String message) {
    throw new IllegalArgumentException("invalid peer score thresholds: " + message);
  }
}
