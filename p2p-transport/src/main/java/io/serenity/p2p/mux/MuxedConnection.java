package io.serenity.p2p.mux;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** A secured connection carrying many streams. */
public interface MuxedConnection {

  /** {@return the muxer's protocol id, e.g. {@code /yamux/1.0.0}} */
  String protocolId();

  /**
   * Opens a new outbound stream. Fails when the stream limit is reached or the session is closing.
   *
   * @return completes with the stream
   */
  CompletableFuture<MuxedStream> openStream();

  /**
   * Installs (or replaces) the acceptor, which is called on the event loop for each stream the
   * remote opens and normally installs a handler at once. May be called from any thread.
   *
   * <p>Ordering: the acceptor takes effect on the event loop. A stream goes to the acceptor in force
   * when its opening frame is processed there; streams already handed to an earlier acceptor stay
   * with that one. Streams the remote opened before any acceptor was installed are held (at most
   * {@link InboundStreams#MAX_HELD}; beyond that they are reset and counted in {@link
   * #refusedEarlyStreams()}) and handed to the first acceptor, in the order they arrived, before
   * anything else. So a remote may open streams the moment the handshake ends without racing the
   * installation. Streams beyond the muxer's inbound stream limit are reset before they reach any
   * acceptor.
   *
   * @param acceptor called with each inbound stream
   * @return completes once {@code acceptor} is in force (held streams handed to it): every stream
   *     the remote opens after that goes to it; also completes when the connection has closed
   */
  CompletableFuture<Void> setInboundStreamAcceptor(Consumer<MuxedStream> acceptor);

  /**
   * Streams the remote opened while no acceptor was installed and {@link InboundStreams#MAX_HELD}
   * were already waiting for one; each was reset.
   *
   * @return how many
   */
  long refusedEarlyStreams();

  /** {@return number of open streams, both directions} */
  int streamCount();

  /** Tells the remote we are going away (where the muxer can), resets all streams and closes. */
  void close();

  /**
   * Completes when the underlying connection has closed.
   *
   * @return a future of the close
   */
  CompletableFuture<Void> closeFuture();
}
