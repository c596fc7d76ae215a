/**
 * Packets of discv5 (discv5-wire.md, "Packet Encoding"): the masked header, the three kinds of
 * authdata, strict datagram decoding ({@link io.serenity.p2p.discv5.wire.PacketCodec}), building
 * outgoing packets from one random source ({@link io.serenity.p2p.discv5.wire.PacketWriter}) and
 * the recipient's handshake check ({@link io.serenity.p2p.discv5.wire.Handshake}).
 */
package io.serenity.p2p.discv5.wire;
