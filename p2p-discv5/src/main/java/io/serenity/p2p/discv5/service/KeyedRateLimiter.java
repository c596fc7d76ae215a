package io.serenity.p2p.discv5.service;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per key, a source IP or a node id ({@code perSecond} refill, {@code burst} capacity),
 * tracking at most {@code maxKeys} keys (least recently seen forgotten). Runs on the event loop.
 *
 * @param <K> the key
 */
final class KeyedRateLimiter<K> {

  private static final class Bucket {
    double tokens;
    long lastNanos;
  }

  private final double perSecond;
  private final int burst;
  private final LinkedHashMap<K, Bucket> buckets;

  KeyedRateLimiter(double perSecond, int burst, int maxKeys) {
    this.perSecond = perSecond;
    this.burst = burst;
    this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, Bucket> eldest) {
        return size() > maxKeys;
      }
    };
  }

  /** {@return whether one more datagram or request of {@code key} may be handled now} */
  boolean allow(K key, long nowNanos) {
    if (perSecond <= 0) {
      return true;
    }
    Bucket b = buckets.get(key);
    if (b == null) {
      b = new Bucket();
      b.tokens = burst;
      b.lastNanos = nowNanos;
      buckets.put(key, b);
    }
    b.tokens = Math.min(burst, b.tokens + (nowNanos - b.lastNanos) * perSecond / 1e9);
    b.lastNanos = nowNanos;
    if (b.tokens < 1) {
      return false;
    }
    b.tokens -= 1;
    return true;
  }

  int size() {
    return buckets.size();
  }
}
