package io.serenity.p2p.mux;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;

/**
 * One stream of a multiplexed connection (yamux or mplex).
 *
 * <p>Every callback and every state change happens on the connection's Netty event loop. The
 * methods here may be called from any thread; they hop onto the loop.
 */
public interface MuxedStream {

  /** {@return the stream id as carried on the wire} */
  long id();

  /** {@return true when this side opened the stream} */
  boolean isInitiator();

  /** {@return the connection that carries this stream} */
  MuxedConnection connection();

  /**
   * Installs the handler for inbound events, replacing any earlier one. Data that arrived before a
   * handler was set is held (bounded by the receive window or the muxer's per-stream buffer limit)
   * and delivered to the new handler, in order, before anything else.
   *
   * @param handler the handler
   */
  void setHandler(MuxedStreamHandler handler);

  /**
   * Pauses ({@code true}) or resumes ({@code false}) handing inbound data to the handler, for a
   * reader that cannot take more yet. While paused, what the remote sends is held by the muxer and
   * the remote's close waits behind it; a reset is still delivered. Yamux grants no receive window
   * for held data, so the remote stops after at most one window: the back-pressure reaches the
   * sender. Mplex has no flow control: it holds up to its per-stream buffer limit, then resets the
   * stream. Resuming delivers what was held, in order. The default does nothing (a muxer that
   * cannot hold data keeps delivering).
   *
   * @param paused whether to hold inbound data
   */
  default void setReadPaused(boolean paused) {}

  /**
   * Writes {@code data}; ownership of the buffer passes to the stream. The future completes when
   * the bytes have been handed to the connection. For yamux that means send window was available,
   * so a writer that awaits each future gets back-pressure instead of an unbounded buffer. Fails
   * with {@link MuxerException} when the stream was reset or closed for writing.
   *
   * @param data the bytes; the stream releases them
   * @return completes when the connection took the bytes
   */
  CompletableFuture<Void> write(ByteBuf data);

  /**
   * Half-close: this side writes no more; the remote may keep writing.
   *
   * @return completes when the close is sent
   */
  CompletableFuture<Void> closeWrite();

  /** Aborts both directions; pending and later writes fail. Idempotent. */
  void reset();

  /**
   * Completes when both halves are closed or the stream was reset.
   *
   * @return a future of the end
   */
  CompletableFuture<Void> closeFuture();

  /**
   * Switches the stream's receive window to reader-driven credit: from now on the muxer grants
   * window back only for bytes reported through {@link #consumed(int)}, and grows the window to at
   * most {@code maxBuffered} bytes. A reader that falls behind then stops the sender through flow
   * control, and its buffer never needs more than {@code maxBuffered}. Mplex, which has no
   * per-stream flow control, stops reading the whole connection while the reader holds {@code
   * maxBuffered} unconsumed bytes, until it is down to half (frames already read still arrive, so
   * the reader may hold up to about one socket read more), and resets a stream that holds the
   * reads past its timeout.
   *
   * @param maxBuffered the most unread bytes the reader will hold
   * @return true when the muxer holds the sender back on behalf of the reader from now on; false
   *     when it cannot (the default) and keeps delivering
   */
  default boolean creditOnConsume(int maxBuffered) {
    return false;
  }

  /**
   * Reports that the reader took {@code bytes} delivered bytes out of its buffer (after {@link
   * #creditOnConsume(int)}); the muxer may now grant them back to the sender.
   *
   * @param bytes how many bytes were consumed
   */
  default void consumed(int bytes) {}
}
