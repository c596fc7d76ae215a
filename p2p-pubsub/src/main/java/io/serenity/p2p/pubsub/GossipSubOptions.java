package io.serenity.p2p.pubsub;

import io.serenity.p2p.core.PeerInfo;
import java.util.List;
import java.util.Objects;

/**
 * The gossipsub features beyond {@link GossipSubParams}: peer scoring, direct peers and peer
 * exchange (gossipsub v1.1).
 *
 * <pre>{@code
 * GossipSubOptions options = GossipSubOptions.defaults()
 *     .withScoring(PeerScoreParams.ethereum(topics), PeerScoreThresholds.ethereum())
 *     .withDirectPeers(List.of(PeerInfo.makePeer("/ip4/10.0.0.2/tcp/9000/p2p/16Uiu2...")));
 * PubSub pubsub = PubSub.gossipsub(host, PubSubConfig.defaults(), GossipSubParams.ethereum(), options);
 * }</pre>
 *
 * @param scoreParams peer scoring parameters, or null for no scoring (every peer scores 0)
 * @param thresholds what scores mean (ignored without scoring: all thresholds are then 0, so no
 *     peer is ever graylisted and PX is accepted from everyone, as go-libp2p-pubsub does)
 * @param directPeers peers we always forward to and keep connected, outside the mesh (v1.1 "Explicit
 *     Peering Agreements"); they should be configured symmetrically on both sides
 * @param peerExchange whether our PRUNEs carry up to {@link GossipSubParams#prunePeers()} other peers
 *     of the topic (v1.1 "Peer Exchange"); off by default as in go, and meant for bootstrappers.
 *     Receiving PX is governed by {@link PeerScoreThresholds#acceptPXThreshold()}.
 */
public record GossipSubOptions(
    PeerScoreParams scoreParams, PeerScoreThresholds thresholds, List<PeerInfo> directPeers, boolean peerExchange) {

  /** Thresholds that make an unscored router behave as gossipsub v1.0 does (go's choice). */
  static final PeerScoreThresholds UNSCORED = new PeerScoreThresholds(0, 0, 0, 0, 0);

  /** Checks the thresholds and copies the direct peers. */
  public GossipSubOptions {
    Objects.requireNonNull(thresholds, "thresholds");
    directPeers = List.copyOf(directPeers);
  }

  /**
   * No scoring, no direct peers, no PX sent.
   *
   * @return the options
   */
  public static GossipSubOptions defaults() {
    return new GossipSubOptions(null, UNSCORED, List.of(), false);
  }

  /**
   * Scores peers with {@code params} and acts on {@code thresholds}.
   *
   * @param params how peers are scored
   * @param thresholds what each score level costs a peer
   * @return a copy with scoring
   */
  public GossipSubOptions withScoring(PeerScoreParams params, PeerScoreThresholds thresholds) {
    return new GossipSubOptions(Objects.requireNonNull(params, "params"), thresholds, directPeers, peerExchange);
  }

  /**
   * Keeps {@code peers} connected and always forwards to them.
   *
   * @param peers the direct peers and their addresses
   * @return a copy with these direct peers
   */
  public GossipSubOptions withDirectPeers(List<PeerInfo> peers) {
    return new GossipSubOptions(scoreParams, thresholds, peers, peerExchange);
  }

  /**
   * Sends peer exchange records in PRUNE.
   *
   * @param enabled whether to send them
   * @return a copy with peer exchange on or off
   */
  public GossipSubOptions withPeerExchange(boolean enabled) {
    return new GossipSubOptions(scoreParams, thresholds, directPeers, enabled);
  }

  /** {@return true when peers are scored} */
  public boolean scoring() {
    return scoreParams != null;
  }

  /**
   * Validates the score parameters and thresholds; returns this.
   *
   * @return these options
   */
  public GossipSubOptions validate() {
    if (scoreParams != null) {
      scoreParams.validate();
      thresholds.validate();
    }
    return this;
  }
}
