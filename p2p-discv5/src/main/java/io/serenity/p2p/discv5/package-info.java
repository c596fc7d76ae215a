/**
 * Node Discovery v5.1 (devp2p {@code discv5-wire.md}, {@code discv5-theory.md}): the handshake
 * cryptography ({@code crypto}), packets and their masking ({@code wire}) and the protocol messages
 * ({@code message}). Every bad input is reported as {@link io.serenity.p2p.discv5.Discv5Exception}.
 */
package io.serenity.p2p.discv5;
