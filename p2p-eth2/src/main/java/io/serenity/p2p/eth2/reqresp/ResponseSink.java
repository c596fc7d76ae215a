package io.serenity.p2p.eth2.reqresp;

/**
 * Where a {@link RequestHandler} writes its answer: zero or more {@link #next} chunks, then exactly
 * one {@link #complete} or {@link #error}. Methods may be called from any thread; calls after the
 * end are ignored, except {@link #next}, which then throws {@link IllegalStateException}.
 *
 * @param <R> response chunk type
 */
public interface ResponseSink<R> {

  /**
   * Sends one success chunk. Throws when the method's chunk limit is reached or the sink ended.
   *
   * <p>Back-pressure: on the handler's virtual thread this waits while more than 1 MiB of earlier
   * chunks is still unread by the peer, so a handler never gets far ahead of its reader; a peer that
   * reads nothing for the response timeout gets its stream reset (and this throws). On other
   * threads it never blocks: a chunk that would leave more than 4 MiB unsent resets the stream.
   *
   * @param chunk the value
   */
  void next(R chunk);

  /**
   * Sends one success chunk with explicit context bytes (4 for methods with {@link
   * Method#forkDigestContext()}: the fork digest of the epoch of this value, when it differs from the
   * current one). {@link #next(Object)} writes the engine's default context ({@link
   * ReqRespEngine#setDefaultContext}; under {@link ReqResp}, the fork digest of our current Status).
   *
   * @param chunk the value
   * @param context its context bytes
   */
  void next(R chunk, byte[] context);

  /** Ends the response (closes our side of the stream). */
  void complete();

  /**
   * Ends the response with an error chunk: {@code code} 1 (invalid request), 2 (server error), 3
   * (resource unavailable) or 128..255; {@code message} is cut to 256 UTF-8 bytes.
   *
   * @param code the result code
   * @param message the error message
   */
  void error(int code, String message);

  /** {@return true once the response ended (completed, failed, timed out or reset by the peer)} */
  boolean isClosed();
}
