/**
 * Discovery and peer management for the Ethereum node: {@link io.serenity.p2p.eth2.discovery.PeerDiscovery}
 * (a source of candidate ENRs and the holder of our own record, implemented over discv5 by
 * {@code p2p-discv5}), {@link io.serenity.p2p.eth2.discovery.EthEnr} (the consensus fields of an ENR:
 * {@code eth2}, {@code attnets}, {@code syncnets}, {@code cgc}, {@code nfd}) and
 * {@link io.serenity.p2p.eth2.discovery.PeerManager} (a target and a maximum peer count, dialling from
 * discovery, pruning with Goodbye).
 */
package io.serenity.p2p.eth2.discovery;
