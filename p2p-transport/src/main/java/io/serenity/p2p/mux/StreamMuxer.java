package io.serenity.p2p.mux;

import io.netty.channel.Channel;

/** A stream multiplexer protocol (yamux, mplex): installs a session on a secured connection. */
public interface StreamMuxer {

  /** {@return the protocol id negotiated for this muxer} */
  String protocolId();

  /**
   * Installs the session handler at the end of {@code channel}'s pipeline (which already delivers
   * plaintext {@code ByteBuf}s) and returns the muxed connection. {@code initiator} is true on the
   * side that dialled.
   *
   * @param channel a secured channel
   * @param initiator true on the dialling side
   * @return the muxed connection
   */
  MuxedConnection install(Channel channel, boolean initiator);
}
