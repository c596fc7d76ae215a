package io.serenity.p2p.host;

import java.nio.ByteBuffer;

/**
 * Push-style reader of a {@link Stream}, installed with {@link Stream#receive}. Callbacks run on the
 * connection's event loop, in order; the buffer is only valid during the call.
 */
public interface StreamReceiver {

  /**
   * Bytes arrived.
   *
   * @param stream the stream
   * @param data the bytes, valid during the call
   */
  void onData(Stream stream, ByteBuffer data);

  /**
   * The remote closed its write side: no more data.
   *
   * @param stream the stream
   */
  default void onEnd(Stream stream) {}

  /**
   * The stream was reset (by either side, a limit, or the connection closing).
   *
   * @param stream the stream
   */
  default void onReset(Stream stream) {}
}
