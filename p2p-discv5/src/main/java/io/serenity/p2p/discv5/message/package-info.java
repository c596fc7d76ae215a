/**
 * The discv5 protocol messages (discv5-wire.md, "Protocol Messages"): PING, PONG, FINDNODE,
 * NODES, TALKREQ and TALKRESP as records of the sealed {@link io.serenity.p2p.discv5.message.Message},
 * with their strict RLP codec {@link io.serenity.p2p.discv5.message.MessageCodec}.
 */
package io.serenity.p2p.discv5.message;
