package io.serenity.p2p.event;

import java.util.concurrent.CompletableFuture;

/**
 * A handle on one subscription to a {@link Feed} (go-ethereum {@code event.Subscription}). Ends
 * with {@link #unsubscribe()} or when the feed closes; the sink is never closed by the feed.
 *
 * <pre>{@code
 * Subscription sub = feed.subscribe(queue);
 * ...
 * sub.unsubscribe();           // idempotent; releases a send blocked on this subscriber
 * sub.err().isDone();          // true: the end is signalled
 * }</pre>
 */
public interface Subscription extends AutoCloseable {

  /**
   * Stops delivery. Idempotent. A send blocked on this subscriber returns without it; {@link
   * #err()} completes normally.
   */
  void unsubscribe();

  /**
   * Completes when the subscription ends: normally after {@link #unsubscribe()}, exceptionally with
   * {@link FeedClosedException} when the feed was closed. (go's {@code Err()} channel, closed on
   * unsubscribe.) Each call returns a fresh dependent future; completing it has no effect here.
   *
   * @return a future of the subscription's end
   */
  CompletableFuture<Void> err();

  /** {@return true until the subscription ends} */
  boolean isActive();

  /**
   * Values this subscription lost because its buffer was full: only a non-blocking subscription
   * drops; a blocking one always reports 0.
   *
   * @return how many values were dropped
   */
  long dropped();

  /** Same as {@link #unsubscribe()}. */
  @Override
  default void close() {
    unsubscribe();
  }
}
