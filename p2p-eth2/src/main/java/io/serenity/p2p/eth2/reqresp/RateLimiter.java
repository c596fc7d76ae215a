package io.serenity.p2p.eth2.reqresp;

import io.serenity.p2p.core.PeerId;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets per (peer, protocol id) for inbound requests (phase0 p2p-interface.md "Why are
 * there rate limits" suggests a per-peer token bucket). Time comes from the caller, so tests are
 * deterministic.
 */
final class RateLimiter {

  private final ReqRespConfig config;
  private final Map<PeerId, Map<String, Bucket>> buckets = new ConcurrentHashMap<>();

  private static final class Bucket {
    double tokens;
    long last;

    Bucket(int capacity, long now) {
      tokens = capacity;
      last = now;
    }
  }

  RateLimiter(ReqRespConfig config) {
    this.config = config;
  }

  /** Takes one token from {@code peer}'s bucket for {@code protocolId}; false when it is empty. */
  boolean tryAcquire(PeerId peer, String protocolId, long nowNanos) {
    ReqRespConfig.RateLimit limit = config.rateLimitOf(protocolId);
    Bucket b = buckets.computeIfAbsent(peer, p -> new ConcurrentHashMap<>())
        .computeIfAbsent(protocolId, p -> new Bucket(limit.capacity(), nowNanos));
    synchronized (b) {
      long elapsed = Math.max(0, nowNanos - b.last);
      b.tokens = Math.min(limit.capacity(), b.tokens + (double) elapsed / limit.refillEvery().toNanos());
      b.last = nowNanos;
      if (b.tokens < 1) {
        return false;
      }
      b.tokens -= 1;
      return true;
    }
  }

  /** Drops {@code peer}'s buckets (it disconnected). */
  void forget(PeerId peer) {
    buckets.remove(peer);
  }
}
