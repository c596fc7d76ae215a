package io.serenity.p2p.discv5.table;

import io.serenity.p2p.eth2.enr.Enr;

/**
 * One node of the routing table.
 *
 * @param id the node id
 * @param enr its newest known record
 * @param live whether it has answered us (a PONG or any other authenticated response) since it
 *     was added; only live entries are relayed to other nodes
 */
public record TableEntry(NodeId id, Enr enr, boolean live) {}
