/**
 * The Ethereum consensus p2p profile (consensus-specs {@code p2p-interface.md}): ssz_snappy gossip
 * encoding, eth2 message ids and topic names, the req/resp protocols, and Ethereum Node Records.
 */
package io.serenity.p2p.eth2;
