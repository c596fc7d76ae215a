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
 * @param messageCacheBytes the most payload bytes the message cache holds (default 256 MiB); beyond
 *     it the oldest messages leave before their {@code historyLength} heartbeats are up, so IWANT for
 *     them goes unanswered (counted and logged). Payloads of 8 KiB or more are copied into arrays the
 *     cache recycles, and it keeps at most this many bytes of them for reuse.
 */
public record GossipSubOptions(
    PeerScoreParams scoreParams, PeerScoreThresholds thresholds, List<PeerInfo> directPeers, boolean peerExchange,
    long messageCacheBytes) {

  /** 256 MiB. */
  public static final long DEFAULT_MESSAGE_CACHE_BYTES = MessageCache.DEFAULT_MAX_BYTES;

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
    return new GossipSubOptions(null, UNSCORED, List.of(), false, DEFAULT_MESSAGE_CACHE_BYTES);
  }

  /**
   * Scores peers with {@code params} and acts on {@code thresholds}.
   *
   * @param params how peers are scored
   * @param thresholds what each score level costs a peer
   * @return a copy with scoring
   */
  public GossipSubOptions withScoring(PeerScoreParams params, PeerScoreThresholds thresholds) {
    return new GossipSubOptions(Objects.requireNonNull(params, "params"), thresholds, directPeers, peerExchange,
        messageCacheBytes);
  }

  /**
   * Keeps {@code peers} connected and always forwards to them.
   *
   * @param peers the direct peers and their addresses
   * @return a copy with these direct peers
   */
  public GossipSubOptions withDirectPeers(List<PeerInfo> peers) {
    return new GossipSubOptions(scoreParams, thresholds, peers, peerExchange, messageCacheBytes);
  }

  /**
   * Sends peer exchange records in PRUNE.
   *
   * @param enabled whether to send them
   * @return a copy with peer exchange on or off
   */
  public GossipSubOptions withPeerExchange(boolean enabled) {
    return new GossipSubOptions(scoreParams, thresholds, directPeers, enabled, messageCacheBytes);
  }

  /**
   * Bounds the payload bytes the message cache holds.
   *
   * @param bytes the bound, above 0
   * @return a copy with this bound
   */
  public GossipSubOptions withMessageCacheBytes(long bytes) {
    return new GossipSubOptions(scoreParams, thresholds, directPeers, peerExchange, bytes);
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
    if (messageCacheBytes <= 0) {
      throw new IllegalArgumentException("messageCacheBytes must be > 0, was " + messageCacheBytes);
    }
    if (scoreParams != null) {
      scoreParams.validate();
      thresholds.validate();
    }
    return this;
  }
}
