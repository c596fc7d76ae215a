/**
 * The SSZ containers of the Ethereum consensus networking profile ({@link StatusMessage},
 * {@link MetaData}, {@link Ping}, {@link Goodbye}, {@link EnrForkId}, {@link ForkData}). Each is a
 * record with a {@code static final SszCodec CODEC}, {@code byte[] encode()} and
 * {@code static decode(byte[])} (strict length, {@link io.serenity.p2p.eth2.ssz.SszException}).
 */
package io.serenity.p2p.eth2.types;
