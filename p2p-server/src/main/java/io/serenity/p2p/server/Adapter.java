package io.serenity.p2p.server;

/**
 * Middleware around a topic's {@link Handler} (the seed's {@code Adapter func(Handler) Handler}).
 * The first adapter given to {@link Server#registerTopic} is the outermost: it sees each message
 * first. An adapter that does not call {@code next} stops the message there (rate limits,
 * blocklists).
 *
 * <pre>{@code
 * Adapter logger = next -> msg -> {
 *   LOG.info("{} from {}", msg.context().topic(), msg.peer());
 *   next.handle(msg);
 * };
 * server.registerTopic("puzzles", Puzzle.class, logger, Adapters.rateLimit(10, 20));
 * }</pre>
 *
 * <p>{@code wrap} is called once, at registration; returning null is an error that names the
 * adapter.
 */
@FunctionalInterface
public interface Adapter {

  /**
   * Returns a handler that does this adapter's work and, unless it drops the message, calls next.
   *
   * @param next the rest of the chain: the next adapter, or the feed
   * @return the handler that runs this adapter in front of {@code next}
   */
  Handler wrap(Handler next);
}
