package io.serenity.p2p.event;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One-to-many delivery of values of one type, with the semantics of go-ethereum's {@code
 * event.Feed}, plus a non-blocking mode per subscription.
 *
 * <pre>{@code
 * Feed<Block> blocks = Feed.of(Block.class);
 * BlockingQueue<Block> queue = new LinkedBlockingQueue<>(16);     // like a Go channel
 * Subscription sub = blocks.subscribe(queue);
 * Subscription log = blocks.subscribe(b -> LOG.info("block {}", b)); // runs on a delivery thread
 * int n = blocks.send(block);  // 2, once the queue took the block and the consumer returned
 * sub.unsubscribe();
 * }</pre>
 *
 * <h2>Semantics</h2>
 *
 * <ul>
 *   <li>A feed carries one element type: given to {@link #of(Class)}, or fixed by the first {@link
 *       #send} (the value's class) or typed {@link #subscribe(Class, Consumer)}. A later value or
 *       typed subscriber that does not fit fails with {@link FeedTypeException} ("wrong type in
 *       send: got X, want Y"). Generics make this a compile-time property in typed code; the check
 *       catches raw and erased uses, as go's run-time check does.
 *   <li>{@link #send} offers the value to every subscription that existed when the send began and
 *       returns how many took it; with no subscribers it returns 0. It blocks until each
 *       <em>blocking</em> subscriber has taken the value or unsubscribed: slow subscribers are not
 *       dropped. Sends run one at a time, in arrival order; concurrent sends wait their turn.
 *   <li>A subscription made while a send runs starts with the next send. The same sink subscribed
 *       N times gets N copies.
 *   <li>{@link Subscription#unsubscribe()} is idempotent and releases a send blocked on that
 *       subscriber. The feed never closes a sink.
 * </ul>
 *
 * <h2>Sinks and modes</h2>
 *
 * <ul>
 *   <li>{@link #subscribe(BlockingQueue)}: the Go-channel analogue. "Taken" means the queue accepted
 *       the value ({@code put}); a full queue blocks the send. A {@link
 *       java.util.concurrent.SynchronousQueue} behaves like an unbuffered channel.
 *   <li>{@link #subscribe(Consumer)}: the consumer runs on the feed's delivery executor (never on
 *       the sender's thread, so unsubscribing can release a send stuck on a slow consumer); "taken"
 *       means {@code accept} returned. Each subscriber sees values in send order.
 *   <li>{@link #subscribe(Consumer, int)} and {@link #subscribeNonBlocking(BlockingQueue)}: never
 *       block a send. Values go into a bounded buffer (the queue itself, or one of the given
 *       capacity drained on the delivery executor); when it is full the value is dropped for that
 *       subscriber and counted in {@link Subscription#dropped()}. Use these where the sender is a
 *       network thread that must not stall.
 * </ul>
 *
 * <p>A consumer that throws is logged and stays subscribed. A consumer must not call {@link #send}
 * on the same feed from a blocking subscription: that send would wait for itself (as in go).
 *
 * @param <T> the type of the values
 */
public final class Feed<T> implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Feed.class);

  /**
   * Default delivery executor: one virtual thread per delivery task, shared by all feeds. Consumers
   * are application code that may block (a database write, a blocking queue); a virtual thread per
   * task costs a few hundred bytes while parked, so a slow consumer holds no platform thread.
   */
  private static final ExecutorService SHARED =
      Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("feed-delivery-", 1).factory());

  private final Executor executor;
  private final Object lock = new Object();
  private final ReentrantLock sendLock = new ReentrantLock(true);
  // Guarded by lock.
  private Class<?> type;
  private final List<Sub<?>> subs = new ArrayList<>();
  private boolean closed;

  private Feed(Class<?> type, Executor executor) {
    this.type = type;
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  /**
   * {@return a feed whose element type is fixed by its first send or typed subscribe}
   *
   * @param <T> the type of the values
   */
  public static <T> Feed<T> create() {
    return new Feed<>(null, SHARED);
  }

  /**
   * {@return a feed of {@code type}}
   *
   * @param <T> the type of the values
   * @param type the class every value must be an instance of
   */
  public static <T> Feed<T> of(Class<T> type) {
    return new Feed<>(Objects.requireNonNull(type, "type"), SHARED);
  }

  /**
   * {@return a feed of {@code type} whose consumers run on {@code executor}}
   *
   * @param <T> the type of the values
   * @param type the class every value must be an instance of
   * @param executor runs the consumers of callback subscriptions
   */
  public static <T> Feed<T> of(Class<T> type, Executor executor) {
    return new Feed<>(Objects.requireNonNull(type, "type"), executor);
  }

  /** {@return the element type, once fixed} */
  public Optional<Class<?>> type() {
    synchronized (lock) {
      return Optional.ofNullable(type);
    }
  }

  /**
   * Active subscriptions.
   *
   * @return how many
   */
  public int subscriberCount() {
    synchronized (lock) {
      return subs.size();
    }
  }

  /**
   * Blocking: each send waits until {@code sink} returned; it runs on the delivery executor.
   *
   * @param sink receives every value
   * @return the subscription
   */
  public Subscription subscribe(Consumer<? super T> sink) {
    return add(new ConsumerSub<T>(this, Objects.requireNonNull(sink, "sink")));
  }

  /**
   * Typed blocking subscribe: fixes the feed's type to {@code elementType} if unset, else checks
   * that every value of the feed is an {@code elementType}.
   *
   * @param <E> the element type
   * @param elementType the class every value must be an instance of
   * @param sink receives every value
   * @return the subscription
   * @throws FeedTypeException "wrong type in subscribe: got X, want Y"
   */
  public <E> Subscription subscribe(Class<E> elementType, Consumer<? super E> sink) {
    Objects.requireNonNull(elementType, "elementType");
    synchronized (lock) {
      checkOpen();
      if (type == null) {
        type = elementType;
      } else if (!elementType.isAssignableFrom(type)) {
        throw new FeedTypeException("subscribe", elementType, type);
      }
    }
    return add(new ConsumerSub<E>(this, Objects.requireNonNull(sink, "sink")));
  }

  /**
   * Non-blocking: values wait in a buffer of {@code capacity} and are handed to {@code sink} in
   * order on the delivery executor; when the buffer is full a value is dropped and counted.
   *
   * @param sink receives the values that fit in the buffer
   * @param capacity the buffer size
   * @return the subscription; {@link Subscription#dropped()} counts the losses
   */
  public Subscription subscribe(Consumer<? super T> sink, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1: " + capacity);
    }
    return add(new BufferedSub<T>(this, Objects.requireNonNull(sink, "sink"), capacity));
  }

  /**
   * Blocking, like a Go channel: each send waits until {@code queue} accepted the value.
   *
   * @param queue receives every value
   * @return the subscription
   */
  public Subscription subscribe(BlockingQueue<? super T> queue) {
    return add(new QueueSub<T>(this, Objects.requireNonNull(queue, "queue")));
  }

  /**
   * Non-blocking: values that {@code queue} does not accept at once are dropped and counted.
   *
   * @param queue receives the values it has room for
   * @return the subscription; {@link Subscription#dropped()} counts the losses
   */
  public Subscription subscribeNonBlocking(BlockingQueue<? super T> queue) {
    return add(new OfferSub<T>(this, Objects.requireNonNull(queue, "queue")));
  }

  /**
   * Delivers {@code value} to every subscription present when this send begins and returns how
   * many took it. Blocks until each blocking subscriber took it or unsubscribed; see the class
   * comment.
   *
   * @param value the value
   * @return how many subscriptions took it
   * @throws FeedTypeException "wrong type in send: got X, want Y"
   * @throws FeedClosedException when the feed is closed
   */
  public int send(T value) {
    Objects.requireNonNull(value, "value");
    synchronized (lock) {
      checkOpen();
      if (type == null) {
        type = value.getClass();
      } else if (!type.isInstance(value)) {
        throw new FeedTypeException("send", value.getClass(), type);
      }
    }
    sendLock.lock();
    try {
      List<Sub<?>> targets;
      synchronized (lock) {
        checkOpen();
        targets = List.copyOf(subs);
      }
      if (targets.isEmpty()) {
        return 0;
      }
      Delivery d = new Delivery(targets.size());
      for (Sub<?> s : targets) {
        s.start(value, d);
      }
      return d.await();
    } finally {
      sendLock.unlock();
    }
  }

  /**
   * Ends every subscription (their {@link Subscription#err()} fails with {@link
   * FeedClosedException}), releasing any blocked send; later sends and subscribes fail.
   * Idempotent.
   */
  @Override
  public void close() {
    List<Sub<?>> all;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      all = new ArrayList<>(subs);
    }
    FeedClosedException cause = new FeedClosedException("feed closed");
    for (Sub<?> s : all) {
      s.end(cause);
    }
  }

  /** {@return true once {@link #close()} was called} */
  public boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new FeedClosedException("feed closed");
    }
  }

  private Subscription add(Sub<?> s) {
    synchronized (lock) {
      checkOpen();
      subs.add(s);
    }
    return s;
  }

  private void remove(Sub<?> s) {
    synchronized (lock) {
      subs.remove(s);
    }
  }

  /** One send in progress: counts down as each target takes the value or leaves. */
  private static final class Delivery {
    private final CountDownLatch left;
    private final AtomicInteger received = new AtomicInteger();

    Delivery(int targets) {
      this.left = new CountDownLatch(targets);
    }

    void done(boolean took) {
      if (took) {
        received.incrementAndGet();
      }
      left.countDown();
    }

    /** Waits for every target; an interrupt is kept for the caller but does not cut the wait. */
    int await() {
      boolean interrupted = false;
      while (true) {
        try {
          left.await();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      return received.get();
    }
  }

  /** A subscription; {@code start} settles its part of a delivery exactly once. */
  private abstract static class Sub<V> implements Subscription {
    final Feed<?> feed;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    final AtomicBoolean active = new AtomicBoolean(true);
    final AtomicLong dropped = new AtomicLong();
    /** The delivery a blocking subscriber has not yet settled. */
    final AtomicReference<Delivery> pending = new AtomicReference<>();

    Sub(Feed<?> feed) {
      this.feed = feed;
    }

    /** Starts handing {@code value} over; the feed checked its type. */
    abstract void deliver(V value, Delivery d);

    @SuppressWarnings("unchecked")
    final void start(Object value, Delivery d) {
      deliver((V) value, d);
    }

    /** Parks {@code d} until a worker settles it; false (and settled) if already unsubscribed. */
    final boolean park(Delivery d) {
      pending.set(d);
      if (!active.get()) {
        settle(d, false);
        return false;
      }
      return true;
    }

    final void settle(Delivery d, boolean took) {
      if (pending.compareAndSet(d, null)) {
        d.done(took);
      }
    }

    final void run(Delivery d, Runnable task) {
      try {
        feed.executor.execute(task);
      } catch (RejectedExecutionException e) {
        LOG.warn("feed delivery executor refused a delivery; subscriber skipped", e);
        settle(d, false);
      }
    }

    void onEnd() {}

    /**
     * Whether {@code d}, still pending when the subscription ends, already reached the subscriber
     * (a consumer inside {@code accept}): such a value counts as taken even though ending releases
     * the send.
     */
    boolean reached(Delivery d) {
      return false;
    }

    final void end(Throwable cause) {
      if (!active.compareAndSet(true, false)) {
        return;
      }
      feed.remove(this);
      onEnd();
      Delivery d = pending.getAndSet(null);
      if (d != null) {
        d.done(reached(d));
      }
      if (cause == null) {
        done.complete(null);
      } else {
        done.completeExceptionally(cause);
      }
    }

    @Override
    public final void unsubscribe() {
      end(null);
    }

    @Override
    public final CompletableFuture<Void> err() {
      return done.copy();
    }

    @Override
    public final boolean isActive() {
      return active.get();
    }

    @Override
    public final long dropped() {
      return dropped.get();
    }

    static void accept(Consumer<Object> sink, Object value) {
      try {
        sink.accept(value);
      } catch (RuntimeException e) {
        LOG.warn("feed subscriber failed on {}", value.getClass().getName(), e);
      }
    }
  }

  /** Blocking consumer: the send waits until accept returned. */
  private static final class ConsumerSub<V> extends Sub<V> {
    private final Consumer<Object> sink;
    /** The delivery whose value accept has started on. */
    private volatile Delivery accepting;

    @SuppressWarnings("unchecked")
    ConsumerSub(Feed<?> feed, Consumer<? super V> sink) {
      super(feed);
      this.sink = (Consumer<Object>) sink;
    }

    @Override
    void deliver(V value, Delivery d) {
      if (!park(d)) {
        return;
      }
      run(
          d,
          () -> {
            if (!active.get()) {
              settle(d, false);
              return;
            }
            accepting = d;
            try {
              accept(sink, value);
            } finally {
              settle(d, true);
            }
          });
    }

    @Override
    boolean reached(Delivery d) {
      return accepting == d;
    }
  }

  /** Blocking queue: the send waits until put returned; unsubscribe interrupts the put. */
  private static final class QueueSub<V> extends Sub<V> {
    private final BlockingQueue<? super V> queue;
    private Thread putter; // guarded by this

    QueueSub(Feed<?> feed, BlockingQueue<? super V> queue) {
      super(feed);
      this.queue = queue;
    }

    @Override
    void deliver(V value, Delivery d) {
      if (queue.offer(value)) { // fast path, as go tries every channel without blocking first
        d.done(true);
        return;
      }
      if (!park(d)) {
        return;
      }
      run(
          d,
          () -> {
            synchronized (this) {
              if (pending.get() != d) {
                return;
              }
              putter = Thread.currentThread();
            }
            try {
              queue.put(value);
              settle(d, true);
            } catch (InterruptedException e) {
              settle(d, false);
            } finally {
              synchronized (this) {
                putter = null;
                notifyAll();
              }
              // an unsubscribe may have interrupted us just as the put succeeded: do not leak it
              Thread.interrupted();
            }
          });
    }

    /**
     * Interrupts a put in progress and waits for it to finish, so that once unsubscribe returns the
     * queue gets nothing more (as go guarantees for channels).
     */
    @Override
    void onEnd() {
      synchronized (this) {
        if (putter == null || putter == Thread.currentThread()) {
          return;
        }
        putter.interrupt();
        boolean interrupted = false;
        while (putter != null) {
          try {
            wait();
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /** Non-blocking consumer behind a bounded buffer drained on the executor. */
  private static final class BufferedSub<V> extends Sub<V> {
    private final Consumer<Object> sink;
    private final ArrayBlockingQueue<V> buffer;
    private final AtomicBoolean draining = new AtomicBoolean();

    @SuppressWarnings("unchecked")
    BufferedSub(Feed<?> feed, Consumer<? super V> sink, int capacity) {
      super(feed);
      this.sink = (Consumer<Object>) sink;
      this.buffer = new ArrayBlockingQueue<>(capacity);
    }

    @Override
    void deliver(V value, Delivery d) {
      if (buffer.offer(value)) {
        d.done(true);
        schedule();
      } else {
        dropped.incrementAndGet();
        d.done(false);
      }
    }

    private void schedule() {
      if (draining.compareAndSet(false, true)) {
        try {
          feed.executor.execute(this::drain);
        } catch (RejectedExecutionException e) {
          draining.set(false);
          LOG.warn("feed delivery executor refused a drain", e);
        }
      }
    }

    private void drain() {
      try {
        V v;
        while (active.get() && (v = buffer.poll()) != null) {
          accept(sink, v);
        }
      } finally {
        draining.set(false);
        if (active.get() && !buffer.isEmpty()) {
          schedule();
        }
      }
    }

    @Override
    void onEnd() {
      buffer.clear();
    }
  }

  /** Non-blocking queue: offer, or drop and count. */
  private static final class OfferSub<V> extends Sub<V> {
    private final BlockingQueue<? super V> queue;

    OfferSub(Feed<?> feed, BlockingQueue<? super V> queue) {
      super(feed);
      this.queue = queue;
    }

    @Override
    void deliver(V value, Delivery d) {
      if (queue.offer(value)) {
        d.done(true);
      } else {
        dropped.incrementAndGet();
        d.done(false);
      }
    }
  }
}
