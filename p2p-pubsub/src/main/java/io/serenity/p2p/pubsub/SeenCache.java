package io.serenity.p2p.pubsub;

import io.serenity.p2p.time.Clock;
import java.time.Duration;

/**
 * Ids of messages seen recently, so each is processed once (pubsub spec, "Message deduplication").
 * Entries expire after the TTL on the injected clock; the cache is also bounded in entries, dropping
 * the oldest first, so a flood of unique ids cannot grow it without limit.
 *
 * <p>Every entry has the same TTL, so insertion order is expiry order: the ids and their expiry times
 * sit in a ring in that order (12 bytes a slot), with an open-addressing {@link IdTable} for
 * membership. Two ids are added per forwarded message (ours when we publish, the peer's when we
 * receive); a linked hash map with a boxed expiry per entry and an iterator per look at the oldest cost
 * about twice the memory, and a hash set still a 32-byte node per id.
 */
final class SeenCache {
  private final Clock clock;
  private final long ttlNanos;
  private final int capacity;
  private final IdTable<MessageId> ids = new IdTable<>(id -> id);
  // Ring of ids in insertion (= expiry) order, with their expiry times; grows by doubling up to what
  // the cache holds, never past the next power of two above capacity.
  private MessageId[] ringIds = new MessageId[16];
  private long[] ringExpiries = new long[16];
  private int head;
  private int size;
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
    if (ids.get(id) != null) {
      return false;
    }
    ids.add(id);
    if (size >= capacity) {
      removeOldest();
      evictedEarly++;
    }
    if (size == ringIds.length) {
      grow();
    }
    int slot = (head + size) & (ringIds.length - 1);
    ringIds[slot] = id;
    ringExpiries[slot] = now + ttlNanos;
    size++;
    return true;
  }

  boolean contains(MessageId id) {
    expire(clock.nanos());
    return ids.get(id) != null;
  }

  int size() {
    return size;
  }

  /** Entries dropped before their TTL because the cache was full. */
  long evictedEarly() {
    return evictedEarly;
  }

  private void expire(long now) {
    while (size > 0 && ringExpiries[head] - now <= 0) {
      removeOldest();
    }
  }

  private void removeOldest() {
    ids.remove(ringIds[head]);
    ringIds[head] = null;
    head = (head + 1) & (ringIds.length - 1);
    size--;
  }

  private void grow() {
    int n = ringIds.length;
    MessageId[] i2 = new MessageId[n * 2];
    long[] e2 = new long[n * 2];
    for (int k = 0; k < size; k++) {
      int from = (head + k) & (n - 1);
      i2[k] = ringIds[from];
      e2[k] = ringExpiries[from];
    }
    ringIds = i2;
    ringExpiries = e2;
    head = 0;
  }
}
