package io.serenity.p2p.server;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.core.PeerInfo;
import io.serenity.p2p.host.Host;
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
 * Keeps static peers connected: dials each at start and again whenever its connection drops,
 * waiting {@code min} before the first redial and doubling the wait after each failure up to
 * {@code max}. All state lives on the server's control thread.
 */
final class StaticPeers {

  private static final Logger LOG = LoggerFactory.getLogger(StaticPeers.class);

  private final Host host;
  private final ScheduledExecutorService control;
  private final Duration min;
  private final Duration max;
  private final Map<PeerId, Entry> peers = new HashMap<>();
  private volatile boolean stopped;

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

  StaticPeers(Host host, ScheduledExecutorService control, List<PeerInfo> list, Duration min, Duration max) {
    this.host = host;
    this.control = control;
    this.min = min;
    this.max = max;
    for (PeerInfo p : list) {
      peers.put(p.id(), new Entry(p, min));
      host.connectionManager().protect(p.id(), "static"); // never trimmed by the connection manager
    }
  }

  /** The static peers' ids (fixed at construction). */
  Set<PeerId> ids() {
    return Set.copyOf(peers.keySet());
  }

  /** Dials every static peer now. */
  void start() {
    control.execute(() -> peers.values().forEach(this::dial));
  }

  /** A connection closed: redial if it was a static peer. */
  void onDisconnected(PeerId peer) {
    control.execute(
        () -> {
          Entry e = peers.get(peer);
          if (e != null && !e.busy && !stopped) {
            LOG.info("static peer {} disconnected; redialling in {} ms", peer, e.backoff.toMillis());
            schedule(e);
          }
        });
  }

  void stop() {
    stopped = true;
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
    }
    e.busy = true;
    control.schedule(() -> dial(e), wait.toNanos(), TimeUnit.NANOSECONDS);
  }
}
