package io.serenity.p2p.pubsub;

/**
 * The outbound queue lanes of one peer, in the order they are written: control, then our own
 * publishes, then forwards of other peers' messages. The router names the lane of each RPC it sends,
 * since only it knows which messages are our own (under {@code StrictNoSign} a message carries no
 * author to tell by).
 */
enum Lane {
  /** Subscriptions and control (GRAFT, PRUNE, IHAVE, IWANT, IDONTWANT): never dropped for room. */
  CONTROL,
  /** Messages this node publishes. */
  PUBLISH,
  /** Messages of other peers we forward, and IWANT replies: dropped first when a peer reads slowly. */
  FORWARD
}
