package io.serenity.p2p.event;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Tracks subscriptions so they can be ended together (go-ethereum {@code event.SubscriptionScope}):
 * a component subscribes to several feeds, tracks each subscription here, and ends them all with
 * one {@link #close()}.
 *
 * <pre>{@code
 * SubscriptionScope scope = new SubscriptionScope();
 * scope.track(blocks.subscribe(onBlock));
 * scope.track(attestations.subscribe(onAttestation));
 * ...
 * scope.close(); // unsubscribes both
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class SubscriptionScope implements AutoCloseable {

  private final Object lock = new Object();
  private final Set<Tracked> subs = new LinkedHashSet<>();
  private boolean closed;

  /** An empty scope. */
  public SubscriptionScope() {}

  /**
   * Tracks {@code s} and returns a wrapper: unsubscribing the wrapper unsubscribes {@code s} and
   * forgets it. Once the scope is closed, {@code s} is unsubscribed at once and this throws
   * {@link IllegalStateException}.
   *
   * @param s the subscription to track
   * @return the wrapper
   */
  public Subscription track(Subscription s) {
    Tracked t = new Tracked(s);
    synchronized (lock) {
      if (!closed) {
        subs.add(t);
        return t;
      }
    }
    s.unsubscribe();
    throw new IllegalStateException("subscription scope is closed");
  }

  /**
   * Subscriptions currently tracked.
   *
   * @return how many
   */
  public int count() {
    synchronized (lock) {
      return subs.size();
    }
  }

  /** Unsubscribes every tracked subscription and refuses new ones. Idempotent. */
  @Override
  public void close() {
    List<Tracked> all;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      all = new ArrayList<>(subs);
      subs.clear();
    }
    for (Tracked t : all) {
      t.inner.unsubscribe();
    }
  }

  private final class Tracked implements Subscription {
    final Subscription inner;

    Tracked(Subscription inner) {
      this.inner = inner;
    }

    @Override
    public void unsubscribe() {
      synchronized (lock) {
        subs.remove(this);
      }
      inner.unsubscribe();
    }

    @Override
    public CompletableFuture<Void> err() {
      return inner.err();
    }

    @Override
    public boolean isActive() {
      return inner.isActive();
    }

    @Override
    public long dropped() {
      return inner.dropped();
    }
  }
}
