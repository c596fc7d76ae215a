package io.serenity.p2p.eth2.reqresp;

import io.serenity.p2p.core.PeerId;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The inbound token buckets, in two levels as phase0 p2p-interface.md "What is a typical rate
 * limiting strategy?" describes: a cost for the request itself ({@link #tryAcquire}: one token per
 * request, per peer and protocol id, {@link ReqRespConfig#rateLimit()}) and a cost for the chunks it
 * asks for ({@link #tryAcquireChunks}: per peer and protocol id, {@link
 * ReqRespConfig#chunkQuotas()}, and for all peers together, {@link
 * ReqRespConfig#globalChunkQuotas()}). Time comes from the caller, so tests are deterministic.
 */
final class RateLimiter {

  private final ReqRespConfig config;
  private final Map<PeerId, Map<String, Bucket>> buckets = new ConcurrentHashMap<>();
  private final Map<PeerId, Map<String, Bucket>> chunkBuckets = new ConcurrentHashMap<>();
  private final Map<String, Bucket> globalChunkBuckets = new ConcurrentHashMap<>();

  /** A token bucket; its fields are guarded by the bucket itself. */
  private static final class Bucket {
    private final ReqRespConfig.RateLimit limit;
    private double tokens;
    private long last;

    Bucket(ReqRespConfig.RateLimit limit, long now) {
      this.limit = limit;
      this.tokens = limit.capacity();
      this.last = now;
    }

    /** Adds the tokens earned since the last call. */
    void refill(long nowNanos) {
      long elapsed = Math.max(0, nowNanos - last);
      tokens = Math.min(limit.capacity(), tokens + (double) elapsed / limit.refillEvery().toNanos());
      last = nowNanos;
    }
  }

  RateLimiter(ReqRespConfig config) {
    this.config = config;
  }

  /** Takes one token from {@code peer}'s request bucket for {@code protocolId}; false when it is empty. */
  boolean tryAcquire(PeerId peer, String protocolId, long nowNanos) {
    Bucket b = buckets.computeIfAbsent(peer, p -> new ConcurrentHashMap<>())
        .computeIfAbsent(protocolId, p -> new Bucket(config.rateLimitOf(protocolId), nowNanos));
    synchronized (b) {
      b.refill(nowNanos);
      if (b.tokens < 1) {
        return false;
      }
      b.tokens -= 1;
      return true;
    }
  }

  /**
   * Charges a request for {@code chunks} response chunks to {@code peer}'s chunk bucket of {@code
   * protocolId} and to the global one, both or neither.
   *
   * @return null when admitted (or the method has no chunk quota), else why not: the words "rate
   *     limited" first, as clients recognise them
   */
  String tryAcquireChunks(PeerId peer, String protocolId, long chunks, long nowNanos) {
    ReqRespConfig.RateLimit perPeer = config.chunkQuotas().get(protocolId);
    ReqRespConfig.RateLimit global = config.globalChunkQuotas().get(protocolId);
    if (perPeer == null && global == null) {
      return null;
    }
    long n = Math.max(1, chunks);
    if (perPeer != null && n > perPeer.capacity()) {
      return "rate limited: " + n + " chunks are more than the per-peer quota of " + perPeer.capacity();
    }
    if (global != null && n > global.capacity()) {
      return "rate limited: " + n + " chunks are more than the node's quota of " + global.capacity();
    }
    Bucket g = global == null ? null : globalChunkBuckets.computeIfAbsent(protocolId, k -> new Bucket(global, nowNanos));
    Bucket p = perPeer == null ? null : chunkBuckets.computeIfAbsent(peer, x -> new ConcurrentHashMap<>())
        .computeIfAbsent(protocolId, x -> new Bucket(perPeer, nowNanos));
    // lock order: the global bucket, then the peer's
    if (g == null) {
      synchronized (p) {
        return take(null, p, n, nowNanos);
      }
    }
    synchronized (g) {
      if (p == null) {
        return take(g, null, n, nowNanos);
      }
      synchronized (p) {
        return take(g, p, n, nowNanos);
      }
    }
  }

  /** Takes {@code n} tokens from both buckets (null: none); the caller holds their locks. */
  private static String take(Bucket global, Bucket peer, long n, long nowNanos) {
    if (peer != null) {
      peer.refill(nowNanos);
      if (peer.tokens < n) {
        return "rate limited: " + n + " chunks, " + (long) peer.tokens + " left in this peer's quota";
      }
    }
    if (global != null) {
      global.refill(nowNanos);
      if (global.tokens < n) {
        return "rate limited: " + n + " chunks, " + (long) global.tokens + " left in the node's quota";
      }
    }
    if (peer != null) {
      peer.tokens -= n;
    }
    if (global != null) {
      global.tokens -= n;
    }
    return null;
  }

  /** Drops {@code peer}'s buckets (it disconnected). */
  void forget(PeerId peer) {
    buckets.remove(peer);
    chunkBuckets.remove(peer);
  }
}
