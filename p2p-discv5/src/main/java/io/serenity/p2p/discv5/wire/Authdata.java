package io.serenity.p2p.discv5.wire;

/**
 * The flag-specific part of a packet header (discv5-wire.md, "Packet Encoding"), unmasked.
 */
public sealed interface Authdata permits MessageAuthdata, WhoareyouAuthdata, HandshakeAuthdata {

  /** {@return the packet kind this authdata belongs to} */
  Flag flag();

  /** {@return the authdata bytes as they go into the header (before masking)} */
  byte[] encode();
}
