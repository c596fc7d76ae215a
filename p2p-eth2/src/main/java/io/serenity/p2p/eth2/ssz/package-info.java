/**
 * A minimal SSZ layer (consensus-specs {@code ssz/simple-serialize.md}): basic types, fixed byte
 * vectors, bitvectors, fixed-size containers, strict decoding and {@code hash_tree_root}. Clients
 * plug their own types in through {@link io.serenity.p2p.eth2.ssz.SszCodec}.
 */
package io.serenity.p2p.eth2.ssz;
