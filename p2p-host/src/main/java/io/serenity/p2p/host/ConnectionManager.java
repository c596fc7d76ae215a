package io.serenity.p2p.host;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.core.internal.RateLimitedLog;
import io.serenity.p2p.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the number of connections between two watermarks by value, so that slots go to useful
 * peers rather than to whoever came first. When more than {@link HostConfig#connectionHighWater()}
 * connections are open, the least valuable are closed until {@link HostConfig#connectionLowWater()}
 * remain. Never closed: protected peers ({@link #protect}: static, direct, explicit peers) and
 * connections younger than {@link HostConfig#connectionGracePeriod()} (a newcomer gets time to
 * become useful). Among the rest, lowest value first; on equal value inbound before outbound
 * (outbound ones we chose), then the youngest first.
 *
 * <p>Value is the sum of a peer's tags ({@link #tag}): pubsub tags its mesh peers, peers that share
 * our topics, and adds the peer's score; an application may add its own. A crowd of idle peers
 * therefore cannot lock newcomers out: it is trimmed as soon as the crowd passes the high watermark.
 * Thread-safe.
 */
public final class ConnectionManager {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionManager.class);
  private static final RateLimitedLog RLOG = RateLimitedLog.perMinute(LOG, 5);

  private final Host host;
  private final HostConfig config;
  private final Clock clock;
  private final Map<PeerId, Map<String, Integer>> tags = new ConcurrentHashMap<>();
  private final Map<PeerId, Set<String>> protections = new ConcurrentHashMap<>();
  private final AtomicBoolean trimScheduled = new AtomicBoolean();
  private final AtomicLong trimmed = new AtomicLong();

  ConnectionManager(Host host, HostConfig config, Clock clock) {
    this.host = host;
    this.config = config;
    this.clock = clock;
  }

  /**
   * Adds or replaces the value {@code tag} gives {@code peer} (any sign).
   *
   * @param peer the peer
   * @param tag why it has value, e.g. {@code pubsub}
   * @param value how much
   */
  public void tag(PeerId peer, String tag, int value) {
    tags.computeIfAbsent(Objects.requireNonNull(peer), p -> new ConcurrentHashMap<>()).put(tag, value);
  }

  /**
   * Removes one tag of {@code peer}.
   *
   * @param peer the peer
   * @param tag the tag to remove
   */
  public void untag(PeerId peer, String tag) {
    Map<String, Integer> t = tags.get(peer);
    if (t != null) {
      t.remove(tag);
    }
  }

  /**
   * {@return the sum of {@code peer}'s tags}
   *
   * @param peer the peer
   */
  public int value(PeerId peer) {
    Map<String, Integer> t = tags.get(peer);
    if (t == null) {
      return 0;
    }
    int sum = 0;
    for (int v : t.values()) {
      sum += v;
    }
    return sum;
  }

  /**
   * Never trims {@code peer} while at least one protection (by {@code tag}) is in force.
   *
   * @param peer the peer
   * @param tag who protects it
   */
  public void protect(PeerId peer, String tag) {
    protections.computeIfAbsent(Objects.requireNonNull(peer), p -> ConcurrentHashMap.newKeySet()).add(tag);
  }

  /**
   * Removes one protection; returns whether the peer is still protected by another.
   *
   * @param peer the peer
   * @param tag the protection to remove
   * @return whether another protection remains
   */
  public boolean unprotect(PeerId peer, String tag) {
    Set<String> s = protections.get(peer);
    if (s == null) {
      return false;
    }
    s.remove(tag);
    if (s.isEmpty()) {
      protections.remove(peer, s);
      return false;
    }
    return true;
  }

  /**
   * {@return whether {@code peer} is protected}
   *
   * @param peer the peer
   */
  public boolean isProtected(PeerId peer) {
    Set<String> s = protections.get(peer);
    return s != null && !s.isEmpty();
  }

  /** {@return connections closed by trimming so far} */
  public long trimmedCount() {
    return trimmed.get();
  }

  /** Forgets the tags of a peer that disconnected (protections stay: they are about the peer). */
  void onDisconnected(PeerId peer) {
    tags.remove(peer);
  }

  /** A connection was added: trims soon if we are above the high watermark. */
  void onConnected() {
    if (host.connections().size() > config.connectionHighWater()) {
      scheduleTrim(Duration.ZERO);
    }
  }

  private void scheduleTrim(Duration delay) {
    if (trimScheduled.compareAndSet(false, true)) {
      host.eventLoops().next().schedule(() -> {
        trimScheduled.set(false);
        trim();
      }, delay.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  /**
   * Closes the least valuable connections until at most the low watermark remain, when more than
   * the high watermark are open. Returns how many it closed.
   *
   * @return how many connections it closed
   */
  public int trim() {
    List<Connection> open = host.connections();
    if (open.size() <= config.connectionHighWater()) {
      return 0;
    }
    long now = clock.nanos();
    long grace = config.connectionGracePeriod().toNanos();
    List<Connection> candidates = new ArrayList<>();
    boolean inGrace = false;
    for (Connection c : open) {
      if (isProtected(c.remotePeer())) {
        continue;
      }
      if (now - c.openedAtNanos() < grace) {
        inGrace = true;
        continue;
      }
      candidates.add(c);
    }
    candidates.sort(Comparator.<Connection>comparingInt(c -> value(c.remotePeer()))
        .thenComparing(Connection::isInitiator) // inbound (false) first
        .thenComparing(Comparator.comparingLong(Connection::openedAtNanos).reversed()));
    int excess = open.size() - config.connectionLowWater();
    int closed = 0;
    for (Connection c : candidates) {
      if (closed >= excess) {
        break;
      }
      RLOG.info("trimming connection to {} (value {}): {} connections, above the high watermark {}",
          c.remotePeer(), value(c.remotePeer()), open.size(), config.connectionHighWater());
      trimmed.incrementAndGet(); // counted before the close is seen by anyone
      c.close();
      closed++;
    }
    if (open.size() - closed > config.connectionHighWater() && inGrace) {
      scheduleTrim(config.connectionGracePeriod()); // the newcomers' grace ends: look again
    }
    return closed;
  }
}
