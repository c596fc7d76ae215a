package io.serenity.p2p.host;

import java.nio.ByteBuffer;

/**
 * Reads every uvarint-length-prefixed message of a {@link Stream} in place, installed with {@link
 * Stream#readMessages}: the push-style counterpart of {@link Stream#readMessage(int,
 * java.util.function.Function)} for protocols that read messages until the stream ends (one call per
 * message, no future per message). Callbacks run on the connection's event loop, in order.
 */
public interface MessageReader {

  /**
   * A whole message arrived. The buffer is a view of the stream's own memory, valid only during the
   * call: read it (its position may move), never keep it or modify its contents. Returning false pauses
   * reading: the stream buffers nothing more than it holds and grants the remote no more window (yamux,
   * QUIC) until {@link Stream#resumeMessages()}, so a slow consumer stops the sender. Throwing resets the
   * stream and ends reading with {@link #onClose} given the exception. The reader must not reset the
   * stream itself during this call; throwing does that.
   *
   * @param stream the stream
   * @param message the message's bytes, position at the first, limit at the end
   * @return true to go on reading, false to pause
   */
  boolean onMessage(Stream stream, ByteBuffer message);

  /**
   * Reading ended and no more calls follow: the remote closed its side or reset the stream, the
   * connection closed, the remote broke the framing (a message over the limit), a resource limit was
   * hit (all as {@link HostException} or {@link ResourceLimitException}), or {@link #onMessage} threw
   * (that exception; the stream was reset).
   *
   * @param stream the stream
   * @param cause why
   */
  void onClose(Stream stream, Throwable cause);
}
