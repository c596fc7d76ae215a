package io.serenity.p2p.mux;

import io.netty.buffer.ByteBuf;

/** Receives a stream's inbound events, on the connection's event loop. */
public interface MuxedStreamHandler {

  /** Inbound bytes; the handler takes ownership of {@code data} and must release it. */
  void onData(MuxedStream stream, ByteBuf data);

  /** The remote half-closed: no more data will arrive. */
  default void onRemoteClose(MuxedStream stream) {}

  /** The stream was reset, by either side or because its connection closed. */
  default void onReset(MuxedStream stream) {}
}
