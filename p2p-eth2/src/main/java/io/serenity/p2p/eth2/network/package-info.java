/**
 * Ethereum networks and their fork schedules: {@link io.serenity.p2p.eth2.network.Network} (built-in
 * presets for mainnet, sepolia and hoodi), {@link io.serenity.p2p.eth2.network.ChainConfig} (a strict
 * reader of the consensus specs' {@code config.yaml}), {@link io.serenity.p2p.eth2.network.ForkSchedule}
 * ({@code compute_fork_digest} including the Fulu blob-parameter mask, the ENR {@code eth2} and
 * {@code nfd} values) and {@link io.serenity.p2p.eth2.network.NetworkConfig} (the wall clock: slot,
 * epoch and current digest at an instant).
 */
package io.serenity.p2p.eth2.network;
