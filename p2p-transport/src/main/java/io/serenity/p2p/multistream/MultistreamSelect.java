package io.serenity.p2p.multistream;

import io.netty.buffer.ByteBuf;
import io.serenity.p2p.mux.MuxedStream;
import io.serenity.p2p.mux.MuxedStreamHandler;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * multistream-select 1.0 ({@code /multistream/1.0.0}): agrees on a protocol for a connection or a
 * stream.
 *
 * <p>On a connection being upgraded, add a handler and wait for its future:
 *
 * <pre>{@code
 * MultistreamHandler mss = MultistreamSelect.dialerHandler(List.of(Noise.PROTOCOL_ID));
 * channel.pipeline().addLast(mss);
 * mss.selected().thenAccept(p -> channel.pipeline().addLast(noiseHandler));
 * }</pre>
 *
 * <p>On a muxed stream:
 *
 * <pre>{@code
 * MultistreamSelect.select(stream, List.of("/ipfs/ping/1.0.0"), p -> new PingHandler());
 * MultistreamSelect.accept(stream, handlers.keySet(), handlers::get);
 * }</pre>
 *
 * <p>Failures are {@link MultistreamException}s; the connection is closed or the stream reset.
 */
public final class MultistreamSelect {

  /** The protocol id of multistream-select itself, sent as the first message by both sides. */
  public static final String PROTOCOL_ID = "/multistream/1.0.0";

  /** The listener's answer to a protocol it does not support. */
  public static final String NA = "na";

  /** The request for the listener's protocol list. */
  public static final String LS = "ls";

  private MultistreamSelect() {}

  /**
   * {@return a connection-upgrade handler proposing {@code proposals} in preference order}
   *
   * @param proposals protocol ids, best first
   */
  public static MultistreamHandler dialerHandler(List<String> proposals) {
    return dialerHandler(proposals, MultistreamConfig.defaults());
  }

  /**
   * As {@link #dialerHandler(List)} with explicit limits.
   *
   * @param proposals protocol ids, best first
   * @param config the limits
   * @return the handler
   */
  public static MultistreamHandler dialerHandler(List<String> proposals, MultistreamConfig config) {
    return new MultistreamHandler(Negotiation.dialer(proposals, config));
  }

  /**
   * {@return a connection-upgrade handler accepting any of {@code supported}}
   *
   * @param supported the protocol ids we serve
   */
  public static MultistreamHandler listenerHandler(Collection<String> supported) {
    return listenerHandler(supported, MultistreamConfig.defaults());
  }

  /**
   * As {@link #listenerHandler(Collection)} with explicit limits.
   *
   * @param supported the protocol ids we serve
   * @param config the limits
   * @return the handler
   */
  public static MultistreamHandler listenerHandler(
      Collection<String> supported, MultistreamConfig config) {
    return new MultistreamHandler(Negotiation.listener(supported, config));
  }

  /**
   * Negotiates as the stream's opener. Sends the header and the first proposal in one write, falls
   * back to the next proposal on {@code na}. On agreement installs {@code handlerFor.apply(id)} as
   * the stream's handler and hands it any bytes that arrived after the echo before anything else;
   * the future then completes with the id. On failure the stream is reset and the future completes
   * with a {@link MultistreamException} (listing what was tried when every proposal was refused).
   *
   * @param stream a stream we opened
   * @param proposals protocol ids, best first
   * @param handlerFor the handler for the agreed protocol
   * @return completes with the agreed protocol id
   * @throws IllegalArgumentException when {@code proposals} is empty, too long, or holds a bad id
   */
  public static CompletableFuture<String> select(
      MuxedStream stream, List<String> proposals, Function<String, MuxedStreamHandler> handlerFor) {
    return select(stream, proposals, handlerFor, MultistreamConfig.defaults());
  }

  /**
   * As {@link #select(MuxedStream, List, Function)} with explicit limits.
   *
   * @param stream a stream we opened
   * @param proposals protocol ids, best first
   * @param handlerFor the handler for the agreed protocol
   * @param config the limits
   * @return completes with the agreed protocol id
   */
  public static CompletableFuture<String> select(
      MuxedStream stream,
      List<String> proposals,
      Function<String, MuxedStreamHandler> handlerFor,
      MultistreamConfig config) {
    return run(stream, Negotiation.dialer(proposals, config), handlerFor);
  }

  /**
   * Negotiates as the stream's acceptor: answers each proposal with its echo when it is in {@code
   * supported}, else {@code na}, and answers {@code ls} with {@code supported}. On agreement
   * installs {@code handlerFor.apply(id)} and delivers bytes that followed the proposal (lazy
   * dialers send data at once) to it first; the future completes with the id. On failure the stream
   * is reset and the future completes exceptionally.
   *
   * @param stream a stream the remote opened
   * @param supported the protocol ids we serve
   * @param handlerFor the handler for the agreed protocol
   * @return completes with the agreed protocol id
   */
  public static CompletableFuture<String> accept(
      MuxedStream stream,
      Collection<String> supported,
      Function<String, MuxedStreamHandler> handlerFor) {
    return accept(stream, supported, handlerFor, MultistreamConfig.defaults());
  }

  /**
   * As {@link #accept(MuxedStream, Collection, Function)} with explicit limits.
   *
   * @param stream a stream the remote opened
   * @param supported the protocol ids we serve
   * @param handlerFor the handler for the agreed protocol
   * @param config the limits
   * @return completes with the agreed protocol id
   */
  public static CompletableFuture<String> accept(
      MuxedStream stream,
      Collection<String> supported,
      Function<String, MuxedStreamHandler> handlerFor,
      MultistreamConfig config) {
    return run(stream, Negotiation.listener(supported, config), handlerFor);
  }

  /**
   * Asks the listener on {@code stream} for its protocols with {@code ls}, then resets the stream
   * (listing is optional in the spec; many peers do not answer it).
   *
   * @param stream a stream we opened
   * @param config the limits
   * @return completes with the listener's protocol ids
   */
  public static CompletableFuture<List<String>> ls(MuxedStream stream, MultistreamConfig config) {
    CompletableFuture<List<String>> result = new CompletableFuture<>();
    new StreamNegotiation(
            Negotiation.lister(config),
            (step, leftover) -> {
              leftover.release();
              stream.reset();
              result.complete(step.listed());
            },
            result::completeExceptionally)
        .start(stream);
    return result;
  }

  private static CompletableFuture<String> run(
      MuxedStream stream,
      Negotiation negotiation,
      Function<String, MuxedStreamHandler> handlerFor) {
    Objects.requireNonNull(handlerFor, "handlerFor");
    CompletableFuture<String> result = new CompletableFuture<>();
    new StreamNegotiation(
            negotiation,
            (step, leftover) -> {
              MuxedStreamHandler next;
              try {
                next =
                    Objects.requireNonNull(
                        handlerFor.apply(step.selected()), "handler for " + step.selected());
              } catch (RuntimeException e) {
                leftover.release();
                throw e;
              }
              stream.setHandler(next);
              if (leftover.isReadable()) {
                next.onData(stream, leftover);
              } else {
                leftover.release();
              }
              result.complete(step.selected());
            },
            result::completeExceptionally)
        .start(stream);
    return result;
  }

  /** Encodes one message (for tests and tools that write raw multistream bytes). */
  static ByteBuf encode(MultistreamMessage message) {
    return MultistreamCodec.encode(List.of(message));
  }
}
