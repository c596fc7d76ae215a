package io.serenity.p2p.pubsub;

import io.serenity.p2p.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ids of messages seen recently, so each is processed once (pubsub spec, "Message deduplication").
 * Entries expire after the TTL on the injected clock; the cache is also bounded in entries, dropping
 * the oldest first, so a flood of unique ids cannot grow it without limit.
 */
final class SeenCache {
  private final Clock clock;
  private final long ttlNanos;
  private final int capacity;
  /** Insertion order is expiry order: every entry has the same TTL. */
  private final LinkedHashMap<MessageId, Long> expiries = new LinkedHashMap<>();
  private long evictedEarly;

  SeenCache(Clock clock, Duration ttl, int capacity) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("seen TTL must be positive, got " + ttl);
    }
    if (capacity < 1) {
      throw new IllegalArgumentException("seen cache capacity must be positive, got " + capacity);
    }
    this.clock = clock;
    this.ttlNanos = ttl.toNanos();
    this.capacity = capacity;
  }

  /** Records {@code id}; returns true when it was not already present (first sight). */
  boolean add(MessageId id) {
    long now = clock.nanos();
    expire(now);
    if (expiries.containsKey(id)) {
      return false;
    }
    if (expiries.size() >= capacity) {
      Iterator<Map.Entry<MessageId, Long>> it = expiries.entrySet().iterator();
      it.next();
      it.remove();
      evictedEarly++;
    }
    expiries.put(id, now + ttlNanos);
    return true;
  }

  boolean contains(MessageId id) {
    expire(clock.nanos());
    return expiries.containsKey(id);
  }

  int size() {
    return expiries.size();
  }

  /** Entries dropped before their TTL because the cache was full. */
  long evictedEarly() {
    return evictedEarly;
  }

  private void expire(long now) {
    Iterator<Map.Entry<MessageId, Long>> it = expiries.entrySet().iterator();
    while (it.hasNext()) {
      if (it.next().getValue() - now > 0) {
        return;
      }
      it.remove();
    }
  }
}
