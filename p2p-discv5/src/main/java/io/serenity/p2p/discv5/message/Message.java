package io.serenity.p2p.discv5.message;

/**
 * A discv5 protocol message (discv5-wire.md, "Protocol Messages"). On the wire, inside the
 * encrypted part of a packet: {@code message-type || rlp([request-id, ...])}; see
 * {@link MessageCodec}. Topic advertisement messages (0x07-0x0A) are not supported.
 */
public sealed interface Message permits Ping, Pong, FindNode, Nodes, TalkReq, TalkResp {

  /** {@return the message-type byte} */
  int type();

  /** {@return the request id; a response carries its request's id} */
  RequestId requestId();
}
