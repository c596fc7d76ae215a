/**
 * The Kademlia routing table: {@link io.serenity.p2p.discv5.table.NodeId} and its log distance,
 * {@link io.serenity.p2p.discv5.table.KBucket} with its replacement list, and
 * {@link io.serenity.p2p.discv5.table.RoutingTable}. Not thread-safe: the service's event loop owns
 * every instance.
 */
package io.serenity.p2p.discv5.table;
