package io.serenity.p2p.mux;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** A secured connection carrying many streams. */
public interface MuxedConnection {

  /** The muxer's protocol id, e.g. {@code /yamux/1.0.0}. */
  String protocolId();

  /** Opens a new outbound stream. Fails when the stream limit is reached or the session is closing. */
  CompletableFuture<MuxedStream> openStream();

  /**
   * Called, on the event loop, for each stream the remote opens. The acceptor normally installs a
   * handler at once. Streams beyond the configured limit are reset before they reach it.
   */
  void setInboundStreamAcceptor(Consumer<MuxedStream> acceptor);

  /** Number of open streams, both directions. */
  int streamCount();

  /** Tells the remote we are going away (where the muxer can), resets all streams and closes. */
  void close();

  /** Completes when the underlying connection has closed. */
  CompletableFuture<Void> closeFuture();
}
