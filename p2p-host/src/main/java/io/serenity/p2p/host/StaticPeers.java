package io.serenity.p2p.host;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.core.PeerInfo;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps static peers connected: dials each at start and again whenever its connection drops (a
 * partition, a restart of the peer, a keep-alive timeout), waiting {@code min} before the first
 * redial and doubling the wait after each failure up to {@code max}. Static peers are protected from
 * the connection manager's trimming. All state lives on the given single-threaded executor. Used by
 * the {@code Server} (static peers) and by {@code p2p-node run} (its {@code --peer} addresses).
 *
 * <pre>{@code
 * StaticPeers kept = new StaticPeers(host, executor, List.of(PeerInfo.parse(addr)),
 *     Duration.ofSeconds(1), Duration.ofSeconds(60));
 * kept.start();   // dials now; redials on every disconnect
 * ...
 * kept.stop();
 * }</pre>
 */
public final class StaticPeers {

  private static final Logger LOG = LoggerFactory.getLogger(StaticPeers.class);

  private final Host host;
  private final ScheduledExecutorService control;
  private final Duration min;
  private final Duration max;
  private final Map<PeerId, Entry> peers = new HashMap<>();
  private volatile boolean stopped;
  private volatile Host.Subscription subscription;
  private volatile java.util.function.BiConsumer<PeerInfo, Throwable> onFailure = (p, e) -> {};

  /** Per peer: where to dial, the next wait, and whether a dial is scheduled or running. */
  private static final class Entry {
    final PeerInfo info;
    Duration backoff;
    boolean busy;
    int failures;

    Entry(PeerInfo info, Duration backoff) {
      this.info = info;
      this.backoff = backoff;
    }
  }

  /**
   * A redialler for {@code list}; nothing is dialled before {@link #start}.
   *
   * @param host the host that dials
   * @param control a single-threaded executor: every state change runs on it
   * @param list the peers to keep connected (each address must name its peer id)
   * @param min the first wait before redialling, doubled after each failure
   * @param max the longest wait between redials
   */
  public StaticPeers(Host host, ScheduledExecutorService control, List<PeerInfo> list, Duration min, Duration max) {
    if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
      throw new IllegalArgumentException("redial backoff must be 0 < min <= max, was " + min + " and " + max);
    }
    this.host = host;
    this.control = control;
    this.min = min;
    this.max = max;
    for (PeerInfo p : list) {
      peers.put(p.id(), new Entry(p, min));
      host.connectionManager().protect(p.id(), "static"); // never trimmed by the connection manager
    }
  }

  /**
   * Called (on the executor) with each failed dial that is logged: the first failure of a peer and
   * then each power of two, as the log lines. Set it before {@link #start()}.
   *
   * @param listener called with the peer and the failure
   */
  public void onFailure(java.util.function.BiConsumer<PeerInfo, Throwable> listener) {
    this.onFailure = java.util.Objects.requireNonNull(listener, "listener");
  }

  /** {@return the static peers' ids (fixed at construction)} */
  public Set<PeerId> ids() {
    return Set.copyOf(peers.keySet());
  }

  /** Dials every static peer now, and again whenever one disconnects. */
  public void start() {
    subscription = host.addListener(event -> {
      if (event instanceof HostEvent.PeerDisconnected d) {
        onDisconnected(d.peer());
      }
    });
    control.execute(() -> peers.values().forEach(this::dial));
  }

  /** A connection closed: redial if it was a static peer. */
  private void onDisconnected(PeerId peer) {
    if (stopped) {
      return;
    }
    try {
      control.execute(() -> redial(peer));
    } catch (java.util.concurrent.RejectedExecutionException ignored) {
      // the executor stopped: so did we
    }
  }

  private void redial(PeerId peer) {
    Entry e = peers.get(peer);
    if (e != null && !e.busy && !stopped) {
      LOG.info("static peer {} disconnected; redialling in {} ms", peer, e.backoff.toMillis());
      schedule(e);
    }
  }

  /** Stops redialling (connections stay as they are). */
  public void stop() {
    stopped = true;
    Host.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
  }

  private void schedule(Entry e) {
    e.busy = true;
    control.schedule(() -> dial(e), e.backoff.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void dial(Entry e) {
    if (stopped) {
      return;
    }
    e.busy = true;
    host.connect(e.info)
        .whenComplete(
            (c, err) -> {
              if (stopped) {
                return;
              }
              try {
                control.execute(() -> dialed(e, err));
              } catch (java.util.concurrent.RejectedExecutionException ignored) {
                // the server stopped meanwhile
              }
            });
  }

  private void dialed(Entry e, Throwable err) {
    if (stopped) {
      return;
    }
    if (err == null) {
      e.busy = false;
      e.failures = 0;
      e.backoff = min;
      // it may have dropped again before we got here; the disconnect event then found us busy
      if (host.connection(e.info.id()).isEmpty()) {
        schedule(e);
      }
      return;
    }
    e.failures++;
    Duration wait = e.backoff;
    Duration doubled = e.backoff.multipliedBy(2);
    e.backoff = doubled.compareTo(max) > 0 ? max : doubled;
    if (e.failures == 1 || Long.bitCount(e.failures) == 1) {
      LOG.info("static peer {} unreachable ({} failures): {}; next try in {} ms",
          e.info.id(), e.failures, err.getMessage(), wait.toMillis());
      try {
        onFailure.accept(e.info, err);
      } catch (RuntimeException x) {
        LOG.warn("static peers' failure listener threw", x);
      }
    }
    e.busy = true;
    control.schedule(() -> dial(e), wait.toNanos(), TimeUnit.NANOSECONDS);
  }
}
