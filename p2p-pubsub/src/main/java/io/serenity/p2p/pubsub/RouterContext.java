package io.serenity.p2p.pubsub;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.time.Scheduler;
import java.util.Set;

/** What the pubsub core offers its {@link Router}; every method is called on the router thread. */
interface RouterContext {

  /** The scheduler the router runs on (and schedules its heartbeat with). */
  Scheduler scheduler();

  /** Our own PeerId. */
  PeerId self();

  /** Topics we are subscribed to locally. */
  Set<String> localTopics();

  /** Peers with a pubsub stream that announced {@code topic}. */
  Set<PeerId> peersInTopic(String topic);

  /** All peers with a pubsub stream. */
  Set<PeerId> peers();

  /** The protocol id the peer's stream speaks, or null when it is not a pubsub peer. */
  String protocolOf(PeerId peer);

  /** True when the peer's connection was dialled by us (gossipsub D_out). */
  boolean isOutbound(PeerId peer);

  /** The remote IP of the peer's connection, or null (score P6). */
  String ipOf(PeerId peer);

  /**
   * Queues {@code rpc} for {@code peer} on its bounded outbound queue, in {@code lane}: the router
   * says which lane, since only it knows whether a message is our own. Returns false when it was
   * dropped (queue full or peer gone); drops are counted and logged by the core.
   */
  boolean send(PeerId peer, Rpc rpc, Lane lane);

  /** True when the core has seen {@code id} recently (the seen cache), so IHAVE for it is ignored. */
  boolean seen(MessageId id);

  /** Asks the core to dial a peer learnt from peer exchange (best effort). */
  void connect(PeerId peer, byte[] signedPeerRecord);

  /** Closes our connection to a peer that misbehaved badly (e.g. control queue overflow). */
  void disconnect(PeerId peer, String reason);
}
