package io.serenity.p2p.server;

import io.serenity.p2p.event.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Test fixture: servers on 127.0.0.1 with an ephemeral port, quick reconnects and no minimum of
 * peers, stopped at the end. Also in the p2p-server test-jar.
 */
public final class TestServers implements AutoCloseable {

  /** Bound for any single await. */
  public static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final List<Server> servers = new ArrayList<>();

  /** A loopback config builder for tests. */
  public static ServerConfig.Builder loopback() {
    return ServerConfig.builder()
        .listen("/ip4/127.0.0.1/tcp/0")
        .minPeers(0)
        .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(400));
  }

  /** A server built from {@code customise(loopback())}, with topics registered by {@code setup}, started. */
  public Server start(Consumer<ServerConfig.Builder> customise, Consumer<Server> setup) {
    ServerConfig.Builder b = loopback();
    customise.accept(b);
    Server s = new Server(b.build());
    servers.add(s);
    setup.accept(s);
    s.start();
    return s;
  }

  /** A server, not started, that is stopped at the end. */
  public Server create(ServerConfig config) {
    Server s = new Server(config);
    servers.add(s);
    return s;
  }

  /** {@code s}'s dialable address as text. */
  public static String addr(Server s) {
    return s.listenAddrs().get(0).toString();
  }

  /** Waits for {@code f} at most {@link #TIMEOUT}. */
  public static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new AssertionError("future failed: " + e.getCause(), e.getCause());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Takes the next element of {@code q} within {@link #TIMEOUT} or fails. */
  public static <T> T take(BlockingQueue<T> q) {
    try {
      T v = q.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (v == null) {
        throw new AssertionError("nothing arrived within " + TIMEOUT);
      }
      return v;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * Waits until {@code counter} reads at least {@code n} (bounded by {@link #TIMEOUT}) and returns
   * what it read, for counters that have no event to wait on. Callers assert the exact value.
   */
  public static long awaitAtLeast(LongSupplier counter, long n, String what) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    long v;
    while ((v = counter.getAsLong()) < n) {
      if (deadline - System.nanoTime() <= 0) {
        throw new AssertionError(what + " still " + v + " after " + TIMEOUT + ", expected at least " + n);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what);
      }
    }
    return v;
  }

  /** Takes elements of {@code q} until one matches (bounded by {@link #TIMEOUT} overall). */
  public static <T> T takeUntil(BlockingQueue<T> q, Predicate<T> match) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    List<T> skipped = new ArrayList<>();
    while (true) {
      long left = deadline - System.nanoTime();
      try {
        T v = left > 0 ? q.poll(left, TimeUnit.NANOSECONDS) : null;
        if (v == null) {
          throw new AssertionError("no matching element within " + TIMEOUT + "; skipped " + skipped);
        }
        if (match.test(v)) {
          return v;
        }
        skipped.add(v);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** A queue subscribed to {@code s}'s peer events. */
  public static BlockingQueue<PeerEvent> peerEvents(Server s) {
    LinkedBlockingQueue<PeerEvent> q = new LinkedBlockingQueue<>();
    Subscription unused = s.peerEvents().subscribe(q);
    return q;
  }

  @Override
  public void close() {
    for (Server s : servers) {
      s.stop();
    }
  }
}
