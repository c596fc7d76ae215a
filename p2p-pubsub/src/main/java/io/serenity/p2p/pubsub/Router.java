package io.serenity.p2p.pubsub;

import io.serenity.p2p.core.PeerId;
import java.util.List;

/**
 * A pubsub routing algorithm (floodsub, gossipsub). Every method is called on the router's {@link
 * io.serenity.p2p.time.Scheduler} thread, and the router calls back only through its {@link
 * RouterContext}, so its state needs no locks and it runs unchanged under virtual time.
 *
 * <p>The pubsub core owns streams, RPC decoding, subscriptions, the seen cache, signatures and
 * validation; the router decides who gets what.
 */
interface Router {

  /** Protocol ids this router speaks, best first (e.g. meshsub 1.2, 1.1, 1.0, floodsub). */
  List<String> protocols();

  /** Called once before anything else. The router may schedule its heartbeat here. */
  void attach(RouterContext context);

  /** A peer's pubsub stream is up, speaking {@code protocol} (one of {@link #protocols()}). */
  void addPeer(PeerId peer, String protocol, boolean outbound);

  /** The peer is gone (connection closed or stream failed). */
  void removePeer(PeerId peer);

  /** The peer announced a (un)subscription; the context's topic tables are already updated. */
  void onSubscription(PeerId peer, String topic, boolean subscribed);

  /**
   * Whether to look at an RPC from {@code peer} at all. Gossipsub returns false for graylisted
   * peers (score below the graylist threshold).
   */
  boolean acceptFrom(PeerId peer);

  /** The control part of an RPC from {@code peer} (empty for floodsub). */
  void handleControl(PeerId peer, Rpc.Control control);

  /** We joined {@code topic} (local subscription). */
  void join(String topic);

  /** We left {@code topic}. */
  void leave(String topic);

  /**
   * A message is ready to route: our own publish ({@code receivedFrom} is null) or a received
   * message that passed validation (first time seen). Send it to the peers the algorithm chooses,
   * never back to {@code receivedFrom} or the author.
   */
  void publish(MessageId id, PubSubMessage message, PeerId receivedFrom);

  /** A message arrived for the first time and is entering validation (scoring, IWANT promises). */
  default void onFirstSeen(MessageId id, PubSubMessage message, PeerId from) {}

  /** A message we had already seen arrived again from {@code from} (duplicates feed scoring). */
  default void onDuplicate(MessageId id, PubSubMessage message, PeerId from) {}

  /** Validation of a message from {@code from} ended with {@code result} (REJECT feeds P4). */
  default void onValidated(MessageId id, PubSubMessage message, PeerId from, ValidationResult result) {}

  /**
   * A message from {@code from} was dropped before or instead of validation (bad signature, policy,
   * too big, validation queue full); {@code reason} decides whether the sender is penalised and
   * {@code detail} says what happened, for logs.
   */
  default void onRejected(
      MessageId id, PubSubMessage message, PeerId from, PeerScore.RejectReason reason, String detail) {}

  /** The peer's score, for metrics and the status page (0 when the router does not score). */
  default double score(PeerId peer) {
    return 0;
  }

  /** Our mesh peers in {@code topic} (empty for floodsub). */
  default List<PeerId> meshPeers(String topic) {
    return List.of();
  }

  /** Messages the router's cache forgot early because it held its byte bound (0 when it has no cache). */
  default long messageCacheEvictedEarly() {
    return 0;
  }

  /** Stops timers; called once on shutdown. */
  void detach();
}
