package io.serenity.p2p.transport;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import io.serenity.p2p.core.internal.RateLimitedLog;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bytes queued for writing, per connection and for the whole node, and the bounds on them.
 *
 * <p>Each connection gets an {@link Account} when it is {@linkplain #attach attached}: a handler at
 * the head of its pipeline charges every byte handed to the socket's outbound buffer until the
 * socket took it, and the muxer charges the bytes its streams hold waiting for the peer's window.
 * Two bounds apply:
 *
 * <ul>
 *   <li>per connection, {@link #connectionLimit()} bytes in the socket's outbound buffer: a peer
 *       that does not read TCP cannot make us hold more; a write that would pass it closes the
 *       connection (mplex resets the stream whose write would pass it before that);
 *   <li>for the node, {@link #nodeLimit()} bytes over all accounts: a reservation that would pass it
 *       closes the connection holding the most, which gives its bytes back at once. When that
 *       connection is the one reserving, the reservation fails.
 * </ul>
 *
 * <p>Every time a bound is met it is counted ({@link #hits()}) and logged, at most 5 lines a minute.
 * The hot path costs two atomic adds per write and one per completion; the search for the largest
 * connection runs only when the node bound is met.
 */
public final class WriteBudget {

  private static final Logger LOG = LoggerFactory.getLogger(WriteBudget.class);
  private static final RateLimitedLog RLOG = RateLimitedLog.perMinute(LOG, 5);
  private static final AttributeKey<Account> KEY = AttributeKey.valueOf(WriteBudget.class, "account");

  /** Default bound on one connection's socket outbound buffer: 64 MiB. */
  public static final long DEFAULT_CONNECTION_LIMIT = 64L << 20;

  /** Default bound on the bytes queued for writing over the whole node: 256 MiB. */
  public static final long DEFAULT_NODE_LIMIT = 256L << 20;

  /** Where a bound was met. */
  public enum Scope {
    /** One stream's own queue (a write refused, or its stream reset). */
    STREAM,
    /** One connection's queue (a stream reset, or the connection closed). */
    CONNECTION,
    /** The whole node's queues (the connection holding the most closed). */
    NODE;

    /** {@return lower-case name, for metric labels} */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * A counter key: the scope and the muxer of the connection ("none" before one was agreed).
   *
   * @param scope the bound that was met
   * @param muxer the connection's muxer
   */
  public record Hit(Scope scope, String muxer) {}

  private final long connectionLimit;
  private final long nodeLimit;
  private final AtomicLong queued = new AtomicLong();
  private final AtomicLong maxQueued = new AtomicLong();
  private final AtomicLong maxSocketQueued = new AtomicLong();
  private final Set<Account> accounts = ConcurrentHashMap.newKeySet();
  private final Map<Hit, LongAdder> hits = new ConcurrentHashMap<>();

  /**
   * A budget with these limits.
   *
   * @param connectionLimit bytes one connection's socket outbound buffer may hold
   * @param nodeLimit bytes queued for writing over all connections
   */
  public WriteBudget(long connectionLimit, long nodeLimit) {
    if (connectionLimit < 1 || nodeLimit < 1) {
      throw new IllegalArgumentException(
          "write limits must be positive: connection " + connectionLimit + ", node " + nodeLimit);
    }
    this.connectionLimit = connectionLimit;
    this.nodeLimit = nodeLimit;
  }

  /** {@return a budget with the default limits} */
  public static WriteBudget defaults() {
    return new WriteBudget(DEFAULT_CONNECTION_LIMIT, DEFAULT_NODE_LIMIT);
  }

  /** {@return the bytes one connection may have queued} */
  public long connectionLimit() {
    return connectionLimit;
  }

  /** {@return the bytes all connections together may have queued} */
  public long nodeLimit() {
    return nodeLimit;
  }

  /** {@return bytes queued for writing now, over all connections} */
  public long queuedBytes() {
    return queued.get();
  }

  /** {@return the most bytes ever queued at once, over all connections} */
  public long maxQueuedBytes() {
    return maxQueued.get();
  }

  /** {@return the most bytes one connection's socket outbound buffer ever held} */
  public long maxSocketQueuedBytes() {
    return maxSocketQueued.get();
  }

  /** Called by the head handler when a connection's socket buffer grew to {@code n} bytes. */
  void socketQueued(long n) {
    if (n > maxSocketQueued.get()) {
      maxSocketQueued.accumulateAndGet(n, Math::max);
    }
  }

  /** {@return open accounts (connections attached and not closed)} */
  public int accounts() {
    return accounts.size();
  }

  /** {@return how often each bound was met, by scope and muxer} */
  public Map<Hit, Long> hits() {
    Map<Hit, Long> out = new TreeMap<>(
        java.util.Comparator.comparing((Hit h) -> h.scope()).thenComparing(Hit::muxer));
    hits.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /**
   * {@return total of {@link #hits()} for {@code scope}}
   *
   * @param scope the bound
   */
  public long hits(Scope scope) {
    long n = 0;
    for (Map.Entry<Hit, LongAdder> e : hits.entrySet()) {
      if (e.getKey().scope() == scope) {
        n += e.getValue().sum();
      }
    }
    return n;
  }

  /**
   * Counts one meeting of a bound (for queues above the muxer, e.g. a protocol's responses).
   *
   * @param scope the bound that was met
   * @param muxer the connection's muxer
   */
  public void recordHit(Scope scope, String muxer) {
    hits.computeIfAbsent(new Hit(scope, muxer == null ? "none" : muxer), k -> new LongAdder()).increment();
  }

  /**
   * Opens an account for {@code channel} and installs the handler that charges its socket outbound
   * buffer at the head of its pipeline. Call before anything is written (a channel initializer).
   * The account closes with the channel.
   *
   * @param channel a new channel
   * @return its account
   */
  public Account attach(Channel channel) {
    Account a = new Account(channel);
    if (channel.attr(KEY).setIfAbsent(a) != null) {
      throw new IllegalStateException("channel already attached to a write budget: " + channel);
    }
    accounts.add(a);
    channel.pipeline().addFirst("write-budget", new WriteBoundHandler(a, connectionLimit));
    channel.closeFuture().addListener(f -> a.close());
    return a;
  }

  /**
   * {@return the account of {@code channel}, or null when it was not attached to a budget}
   *
   * @param channel a channel
   */
  public static Account accountOf(Channel channel) {
    return channel.attr(KEY).get();
  }

  /** Closes the connection holding the most (other than none); returns it, or null. */
  private Account closeLargest(Account asking) {
    Account largest = null;
    long most = 0;
    for (Account a : accounts) {
      long h = a.held.get();
      if (h > most) {
        most = h;
        largest = a;
      }
    }
    if (largest == null) {
      return null;
    }
    largest.hit(Scope.NODE);
    RLOG.warn("write budget: {} bytes queued for writing on the node (limit {}); closing the connection to {}, "
            + "which holds the most ({} bytes)",
        queued.get(), nodeLimit, largest.channel.remoteAddress(), most);
    // its bytes come back at once: the closing channel drops them
    largest.close();
    largest.channel.close();
    return largest;
  }

  /** One connection's share of the budget. Thread-safe. */
  public final class Account {
    private final Channel channel;
    /** Bytes held; -1 once closed (everything given back, later releases ignored). */
    private final AtomicLong held = new AtomicLong();
    private volatile String muxer = "none";

    private Account(Channel channel) {
      this.channel = channel;
    }

    /** {@return the budget this account draws on} */
    public WriteBudget budget() {
      return WriteBudget.this;
    }

    /** {@return the per-connection bound on the socket outbound buffer} */
    public long connectionLimit() {
      return connectionLimit;
    }

    /**
     * Names the muxer for the counters ({@link Hit#muxer()}).
     *
     * @param name the muxer's name, e.g. {@code yamux}
     */
    public void setMuxer(String name) {
      muxer = name;
    }

    /** {@return the muxer name set by {@link #setMuxer}, {@code none} before} */
    public String muxer() {
      return muxer;
    }

    /** {@return bytes this connection holds (0 once closed)} */
    public long held() {
      return Math.max(0, held.get());
    }

    /**
     * Counts a bound met on this connection.
     *
     * @param scope the bound that was met
     */
    public void hit(Scope scope) {
      recordHit(scope, muxer);
    }

    /**
     * Charges {@code n} bytes. When the node would pass its bound, the connection holding the most
     * is closed; if that is this one (or this one is closed), nothing is charged and false returned.
     *
     * @param n bytes about to be queued
     * @return false when nothing was charged: the write must not happen
     */
    public boolean reserve(long n) {
      for (;;) {
        long h = held.get();
        if (h < 0) {
          return false;
        }
        if (held.compareAndSet(h, h + n)) {
          break;
        }
      }
      long total = queued.addAndGet(n);
      // a few rounds at most: each closes a connection and gives its bytes back
      for (int round = 0; total > nodeLimit && round < 8; round++) {
        Account closed = closeLargest(this);
        if (closed == null || closed == this || held.get() < 0) {
          release(n); // ignored when this account was closed: everything went back already
          return false;
        }
        total = queued.get();
      }
      if (total > maxQueued.get()) {
        maxQueued.accumulateAndGet(total, Math::max);
      }
      return true;
    }

    /**
     * Gives back {@code n} bytes charged by {@link #reserve}.
     *
     * @param n bytes written or dropped
     */
    public void release(long n) {
      for (;;) {
        long h = held.get();
        if (h < 0) {
          return;
        }
        long m = Math.min(h, n);
        if (held.compareAndSet(h, h - m)) {
          queued.addAndGet(-m);
          return;
        }
      }
    }

    /** Gives everything back; later charges fail and later releases are ignored. */
    void close() {
      long h = held.getAndSet(-1);
      if (h > 0) {
        queued.addAndGet(-h);
      }
      accounts.remove(this);
    }

    @Override
    public String toString() {
      return "write account of " + channel.remoteAddress() + " (" + held() + " bytes)";
    }
  }
}
