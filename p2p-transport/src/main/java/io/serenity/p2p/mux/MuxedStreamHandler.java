package io.serenity.p2p.mux;

import io.netty.buffer.ByteBuf;

/** Receives a stream's inbound events, on the connection's event loop. */
public interface MuxedStreamHandler {

  /**
   * Inbound bytes; the handler takes ownership of {@code data} and must release it.
   *
   * @param stream the stream
   * @param data the bytes
   */
  void onData(MuxedStream stream, ByteBuf data);

  /**
   * The remote half-closed: no more data will arrive.
   *
   * @param stream the stream
   */
  default void onRemoteClose(MuxedStream stream) {}

  /**
   * The stream was reset, by either side or because its connection closed.
   *
   * @param stream the stream
   */
  default void onReset(MuxedStream stream) {}
}
