package io.serenity.p2p.pubsub;

import io.serenity.p2p.time.Clock;
import java.time.Duration;

/**
 * Ids of messages seen recently, so each is processed once (pubsub spec, "Message deduplication").
 * Entries expire after the TTL on the injected clock; the cache is also bounded in entries, dropping
 * the oldest first, so a flood of unique ids cannot grow it without limit.
 *
 * <p>Every entry has the same TTL, so insertion order is expiry order: the ids and their expiry times
 * sit in a ring in that order (12 bytes a slot), with an open-addressing table for membership (the
 * id and its hash code, linear probing, at most half full; removal shifts the entries behind back, so no
 * tombstones). Two ids are added per forwarded message (ours when we publish, the peer's when we
 * receive); a linked hash map with a boxed expiry per entry and an iterator per look at the oldest cost
 * about twice the memory, and a hash set still a 32-byte node per id.
 */
final class SeenCache {
  private final Clock clock;
  private final long ttlNanos;
  private final int capacity;
  // Membership: ids and their hash codes by slot; a power of two, never more than half full.
  private MessageId[] table = new MessageId[32];
  private int[] hashes = new int[32];
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
    int h = id.hashCode();
    if (find(id, h) >= 0) {
      return false;
    }
    if ((size + 1) * 2 > table.length) {
      rehash(table.length * 2);
    }
    insert(id, h);
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
    return find(id, id.hashCode()) >= 0;
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
    remove(ringIds[head]);
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

  // ---- the membership table ----

  /** The home slot of a hash code (mixed, since ids' hash codes are array hashes of similar bytes). */
  private static int home(int h, int mask) {
    int m = h * 0x9E3779B9;
    return (m ^ (m >>> 16)) & mask;
  }

  /** {@return the slot holding an id equal to {@code id}, or -1} */
  private int find(MessageId id, int h) {
    int mask = table.length - 1;
    for (int i = home(h, mask); ; i = (i + 1) & mask) {
      MessageId e = table[i];
      if (e == null) {
        return -1;
      }
      if (hashes[i] == h && e.equals(id)) {
        return i;
      }
    }
  }

  private void insert(MessageId id, int h) {
    int mask = table.length - 1;
    int i = home(h, mask);
    while (table[i] != null) {
      i = (i + 1) & mask;
    }
    table[i] = id;
    hashes[i] = h;
  }

  /** Removes {@code id} (the very object the ring holds) and closes the gap behind it. */
  private void remove(MessageId id) {
    int mask = table.length - 1;
    int i = home(id.hashCode(), mask);
    while (table[i] != id) {
      if (table[i] == null) {
        return; // not held (cannot happen: the ring and the table hold the same ids)
      }
      i = (i + 1) & mask;
    }
    table[i] = null;
    // Shift back every entry of the run after the hole that may sit there: one whose home slot is
    // not cyclically between the hole and its own slot.
    for (int j = (i + 1) & mask; table[j] != null; j = (j + 1) & mask) {
      int k = home(hashes[j], mask);
      if (((j - k) & mask) >= ((j - i) & mask)) {
        table[i] = table[j];
        hashes[i] = hashes[j];
        table[j] = null;
        i = j;
      }
    }
  }

  private void rehash(int slots) {
    MessageId[] oldIds = table;
    int[] oldHashes = hashes;
    table = new MessageId[slots];
    hashes = new int[slots];
    for (int i = 0; i < oldIds.length; i++) {
      if (oldIds[i] != null) {
        insert(oldIds[i], oldHashes[i]);
      }
    }
  }
}
