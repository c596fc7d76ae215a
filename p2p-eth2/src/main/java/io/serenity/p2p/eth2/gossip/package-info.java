/**
 * Eth2 gossip: {@code ssz_snappy} payloads ({@link io.serenity.p2p.eth2.gossip.SnappyBlock}),
 * topics ({@link io.serenity.p2p.eth2.gossip.Eth2Topic}), fork digests, the eth2 message id and the
 * pubsub profile ({@link io.serenity.p2p.eth2.gossip.Eth2GossipProfile}).
 */
package io.serenity.p2p.eth2.gossip;
