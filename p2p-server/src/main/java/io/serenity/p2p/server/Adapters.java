package io.serenity.p2p.server;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stock {@link Adapter}s: logging, a per-peer rate limit, a blocklist and metrics counters. Put the
 * cheap gatekeepers (blocklist, rate limit) first, since the first adapter runs first.
 *
 * <pre>{@code
 * Set<PeerId> banned = ConcurrentHashMap.newKeySet();
 * MessageMetrics metrics = new MessageMetrics();
 * server.registerTopic("blocks", Block.class,
 *     Adapters.metrics(metrics), Adapters.blocklist(banned::contains),
 *     Adapters.rateLimit(10, 20), Adapters.logging());
 * }</pre>
 */
public final class Adapters {

  private static final Logger LOG = LoggerFactory.getLogger(Adapters.class);

  private Adapters() {}

  /**
   * Logs one line per message (topic, source, peer, size, type) at info level, then passes it on.
   *
   * @return the logging adapter
   */
  public static Adapter logging() {
    return logging(LOG);
  }

  /**
   * As {@link #logging()}, to {@code logger}.
   *
   * @param logger where the lines go
   * @return the logging adapter
   */
  public static Adapter logging(Logger logger) {
    return next ->
        msg -> {
          MessageContext c = msg.context();
          logger.info("{} message on {} from {}: {} bytes, {}",
              c.source(), c.topic(), msg.peer(), c.size(), msg.data().getClass().getSimpleName());
          next.handle(msg);
        };
  }

  /**
   * Drops messages from peers {@code blocked} accepts (checked per message, so it may change).
   *
   * @param blocked true for the peers to drop
   * @return the blocklist adapter
   */
  public static Adapter blocklist(Predicate<PeerId> blocked) {
    return next ->
        msg -> {
          if (blocked.test(msg.peer())) {
            LOG.debug("dropping {} message from blocked peer {}", msg.context().topic(), msg.peer());
            return;
          }
          next.handle(msg);
        };
  }

  /**
   * Lets each peer through at most {@code perSecond} messages per second on average, with bursts of
   * up to {@code burst} (a token bucket per peer and topic); the excess is dropped.
   *
   * @param perSecond the sustained rate per peer
   * @param burst how many messages a peer may send at once
   * @return the rate-limiting adapter
   */
  public static Adapter rateLimit(double perSecond, int burst) {
    return rateLimit(perSecond, burst, Clock.system());
  }

  /**
   * As {@link #rateLimit(double, int)} on {@code clock} (tests use a manual one).
   *
   * @param perSecond the sustained rate per peer
   * @param burst how many messages a peer may send at once
   * @param clock the time source of the token buckets
   * @return the rate-limiting adapter
   */
  public static Adapter rateLimit(double perSecond, int burst, Clock clock) {
    if (!(perSecond > 0) || burst < 1) {
      throw new IllegalArgumentException(
          "rateLimit needs perSecond > 0 and burst >= 1: " + perSecond + ", " + burst);
    }
    return next -> {
      RateLimiter limiter = new RateLimiter(perSecond, burst, clock);
      return msg -> {
        if (!limiter.tryAcquire(msg.peer())) {
          LOG.debug("rate limit: dropping {} message from {}", msg.context().topic(), msg.peer());
          return;
        }
        next.handle(msg);
      };
    };
  }

  /**
   * Counts every message and its bytes into {@code metrics}, then passes it on.
   *
   * @param metrics the counters to fill
   * @return the counting adapter
   */
  public static Adapter metrics(MessageMetrics metrics) {
    return next ->
        msg -> {
          metrics.record(msg.context());
          next.handle(msg);
        };
  }

  /** Token buckets per peer; buckets that refilled are forgotten when the map grows large. */
  static final class RateLimiter {
    private static final int MAX_TRACKED = 10_000;

    private final double perNano;
    private final int burst;
    private final Clock clock;
    private final Map<PeerId, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();

    RateLimiter(double perSecond, int burst, Clock clock) {
      this.perNano = perSecond / 1e9;
      this.burst = burst;
      this.clock = clock;
    }

    boolean tryAcquire(PeerId peer) {
      long now = clock.nanos();
      if (buckets.size() > MAX_TRACKED) {
        buckets.values().removeIf(b -> b.full(now));
      }
      boolean ok = buckets.computeIfAbsent(peer, p -> new Bucket(burst, now)).take(now);
      if (!ok) {
        dropped.incrementAndGet();
      }
      return ok;
    }

    long dropped() {
      return dropped.get();
    }

    private final class Bucket {
      private double tokens;
      private long last;

      Bucket(double tokens, long now) {
        this.tokens = tokens;
        this.last = now;
      }

      synchronized boolean take(long now) {
        refill(now);
        if (tokens >= 1) {
          tokens -= 1;
          return true;
        }
        return false;
      }

      synchronized boolean full(long now) {
        refill(now);
        return tokens >= burst;
      }

      private void refill(long now) {
        tokens = Math.min(burst, tokens + (now - last) * perNano);
        last = now;
      }
    }
  }
}
