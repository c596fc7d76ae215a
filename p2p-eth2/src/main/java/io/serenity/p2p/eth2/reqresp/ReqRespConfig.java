package io.serenity.p2p.eth2.reqresp;

import java.time.Duration;
import java.util.Map;

/**
 * Settings of {@link ReqRespEngine}; {@code goodbyeGrace} and {@code statusOnConnect} are read only
 * by the Ethereum methods of {@link ReqResp}. Start from {@link #defaults()}.
 *
 * @param ttfbTimeout a requester waits this long for the first response byte after sending its
 *     request; a responder waits this long for the complete request (default 5 s, the phase0
 *     {@code TTFB_TIMEOUT})
 * @param respTimeout a requester waits this long for each complete response chunk after the first
 *     byte or the previous chunk; a responder whose handler produces nothing for this long has its
 *     stream reset (default 10 s, the phase0 {@code RESP_TIMEOUT})
 * @param maxPayloadSize cap on any uncompressed chunk (default 10 MiB, {@code MAX_PAYLOAD_SIZE})
 * @param maxInboundStreamsPerPeer concurrent inbound req/resp streams one peer may hold, all
 *     methods together; streams beyond it are reset at once (default 16)
 * @param rateLimit the inbound token bucket per peer and method, one token per request, taken when
 *     the stream opens (default 32 requests burst, one new request every 100 ms)
 * @param rateLimits per-protocol-id overrides of {@code rateLimit} (default none)
 * @param goodbyeGrace after sending Goodbye, how long to wait for the peer to close the stream
 *     before disconnecting (default 1 s)
 * @param statusOnConnect send Status on every connection we dialled (default true; the spec makes
 *     it the dialer's duty)
 * @param maxConcurrentRequests our outbound requests in flight per peer and protocol id; more wait
 *     in a queue until one finishes (default 2, the spec's {@code MAX_CONCURRENT_REQUESTS})
 * @param statusInterval how often {@link ReqResp} sends our Status again to every connected peer
 *     whose Status it holds, so both sides see each other's head move (default 5 minutes, as
 *     Lighthouse does; {@link Duration#ZERO} switches it off)
 * @param chunkQuotas token buckets per peer counted in response chunks, by protocol id: once a
 *     request is decoded it is charged the chunks it asks for (a by-range count, the roots of a
 *     by-root list, slots times columns...), before the handler runs; a method without an entry has
 *     no per-peer chunk quota (default {@link #defaultChunkQuotas()}: Lighthouse's quotas for the
 *     spec's sync methods)
 * @param globalChunkQuotas the same for all peers together (default {@link
 *     #defaultGlobalChunkQuotas()}: four times each per-peer quota)
 */
public record ReqRespConfig(
    Duration ttfbTimeout,
    Duration respTimeout,
    int maxPayloadSize,
    int maxInboundStreamsPerPeer,
    RateLimit rateLimit,
    Map<String, RateLimit> rateLimits,
    Duration goodbyeGrace,
    boolean statusOnConnect,
    int maxConcurrentRequests,
    Duration statusInterval,
    Map<String, RateLimit> chunkQuotas,
    Map<String, RateLimit> globalChunkQuotas) {

  /**
   * A token bucket: {@code capacity} requests at once, one more every {@code refillEvery}.
   *
   * @param capacity burst size
   * @param refillEvery time per new token
   */
  public record RateLimit(int capacity, Duration refillEvery) {
    /** Rejects a non-positive capacity or period. */
    public RateLimit {
      if (capacity < 1) {
        throw new IllegalArgumentException("rate limit capacity must be >= 1: " + capacity);
      }
      if (refillEvery == null || refillEvery.isNegative() || refillEvery.isZero()) {
        throw new IllegalArgumentException("rate limit refillEvery must be positive: " + refillEvery);
      }
    }

    /**
     * {@return a bucket of {@code tokens} that refills completely every {@code period}} (Lighthouse
     * writes its quotas this way: {@code of(1024, Duration.ofSeconds(10))} is 1024 tokens at once,
     * then one every 9.77 ms)
     *
     * @param tokens the capacity
     * @param period the time to refill an empty bucket
     */
    public static RateLimit of(int tokens, Duration period) {
      if (tokens < 1) {
        throw new IllegalArgumentException("rate limit capacity must be >= 1: " + tokens);
      }
      return new RateLimit(tokens, period.dividedBy(tokens));
    }
  }

  /** Copies the maps; a null {@code statusInterval} is {@link Duration#ZERO} (off). */
  public ReqRespConfig {
    rateLimits = Map.copyOf(rateLimits);
    statusInterval = statusInterval == null ? Duration.ZERO : statusInterval;
    chunkQuotas = Map.copyOf(chunkQuotas);
    globalChunkQuotas = Map.copyOf(globalChunkQuotas);
  }

  /**
   * The settings with the default chunk quotas (the constructor before {@code chunkQuotas} existed).
   *
   * @param ttfbTimeout see the record
   * @param respTimeout see the record
   * @param maxPayloadSize see the record
   * @param maxInboundStreamsPerPeer see the record
   * @param rateLimit see the record
   * @param rateLimits see the record
   * @param goodbyeGrace see the record
   * @param statusOnConnect see the record
   * @param maxConcurrentRequests see the record
   * @param statusInterval see the record
   */
  public ReqRespConfig(Duration ttfbTimeout, Duration respTimeout, int maxPayloadSize, int maxInboundStreamsPerPeer,
      RateLimit rateLimit, Map<String, RateLimit> rateLimits, Duration goodbyeGrace, boolean statusOnConnect,
      int maxConcurrentRequests, Duration statusInterval) {
    this(ttfbTimeout, respTimeout, maxPayloadSize, maxInboundStreamsPerPeer, rateLimit, rateLimits, goodbyeGrace,
        statusOnConnect, maxConcurrentRequests, statusInterval, defaultChunkQuotas(), defaultGlobalChunkQuotas());
  }

  /**
   * The settings without periodic Status (the constructor before {@code statusInterval} existed).
   *
   * @param ttfbTimeout see the record
   * @param respTimeout see the record
   * @param maxPayloadSize see the record
   * @param maxInboundStreamsPerPeer see the record
   * @param rateLimit see the record
   * @param rateLimits see the record
   * @param goodbyeGrace see the record
   * @param statusOnConnect see the record
   * @param maxConcurrentRequests see the record
   */
  public ReqRespConfig(Duration ttfbTimeout, Duration respTimeout, int maxPayloadSize, int maxInboundStreamsPerPeer,
      RateLimit rateLimit, Map<String, RateLimit> rateLimits, Duration goodbyeGrace, boolean statusOnConnect,
      int maxConcurrentRequests) {
    this(ttfbTimeout, respTimeout, maxPayloadSize, maxInboundStreamsPerPeer, rateLimit, rateLimits, goodbyeGrace,
        statusOnConnect, maxConcurrentRequests, Duration.ZERO, defaultChunkQuotas(), defaultGlobalChunkQuotas());
  }

  /**
   * {@return a copy that re-sends Status every {@code every} ({@link Duration#ZERO}: never)}
   *
   * @param every the interval
   */
  public ReqRespConfig withStatusInterval(Duration every) {
    return new ReqRespConfig(ttfbTimeout, respTimeout, maxPayloadSize, maxInboundStreamsPerPeer, rateLimit,
        rateLimits, goodbyeGrace, statusOnConnect, maxConcurrentRequests, every, chunkQuotas, globalChunkQuotas);
  }

  /** {@return the defaults listed on the record components} */
  public static ReqRespConfig defaults() {
    return new ReqRespConfig(Duration.ofSeconds(5), Duration.ofSeconds(10), Method.MAX_PAYLOAD_SIZE, 16,
        new RateLimit(32, Duration.ofMillis(100)), Map.of(), Duration.ofSeconds(1), true, 2, Duration.ofMinutes(5),
        defaultChunkQuotas(), defaultGlobalChunkQuotas());
  }

  /**
   * {@return the per-peer chunk quotas of the spec's sync methods} They are Lighthouse's inbound
   * quotas, each refilled completely every 10 s: BeaconBlocksByRange v2 1024 blocks, BeaconBlocksByRoot v2 128,
   * BlobSidecarsByRange v1 6144 sidecars, BlobSidecarsByRoot v1 768, DataColumnSidecarsByRange v1 5120
   * sidecars, DataColumnSidecarsByRoot v1 512; BeaconBlocksByHead v1 (which Lighthouse does not
   * serve yet) gets the blocks-by-range quota. A request asking for more chunks than a quota's
   * capacity can never be served and is refused at once.
   */
  public static Map<String, RateLimit> defaultChunkQuotas() {
    Duration tenSeconds = Duration.ofSeconds(10);
    return Map.of(
        Eth2Methods.BLOCKS_BY_RANGE_V2.protocolId(), RateLimit.of(1024, tenSeconds),
        Eth2Methods.BLOCKS_BY_HEAD_V1.protocolId(), RateLimit.of(1024, tenSeconds),
        Eth2Methods.BLOCKS_BY_ROOT_V2.protocolId(), RateLimit.of(128, tenSeconds),
        Eth2Methods.BLOB_SIDECARS_BY_RANGE_V1.protocolId(), RateLimit.of(6144, tenSeconds),
        Eth2Methods.BLOB_SIDECARS_BY_ROOT_V1.protocolId(), RateLimit.of(768, tenSeconds),
        Eth2Methods.DATA_COLUMN_SIDECARS_BY_RANGE_V1.protocolId(), RateLimit.of(5120, tenSeconds),
        Eth2Methods.DATA_COLUMN_SIDECARS_BY_ROOT_V1.protocolId(), RateLimit.of(512, tenSeconds));
  }

  /**
   * {@return the chunk quotas shared by all peers} Each is four times the one of {@link
   * #defaultChunkQuotas()}, burst and rate: four peers asking at the full per-peer rate use the
   * node's whole budget for that method.
   */
  public static Map<String, RateLimit> defaultGlobalChunkQuotas() {
    Map<String, RateLimit> all = new java.util.HashMap<>();
    defaultChunkQuotas().forEach((id, q) -> all.put(id, new RateLimit(4 * q.capacity(), q.refillEvery().dividedBy(4))));
    return Map.copyOf(all);
  }

  /**
   * {@return a copy with other chunk quotas}
   *
   * @param perPeer per-peer quotas by protocol id, counted in response chunks (empty: none)
   * @param global quotas shared by all peers, by protocol id (empty: none)
   */
  public ReqRespConfig withChunkQuotas(Map<String, RateLimit> perPeer, Map<String, RateLimit> global) {
    return new ReqRespConfig(ttfbTimeout, respTimeout, maxPayloadSize, maxInboundStreamsPerPeer, rateLimit,
        rateLimits, goodbyeGrace, statusOnConnect, maxConcurrentRequests, statusInterval, perPeer, global);
  }

  /**
   * {@return a copy with other timeouts}
   *
   * @param ttfb the time to the first response byte
   * @param resp the time for each response chunk
   */
  public ReqRespConfig withTimeouts(Duration ttfb, Duration resp) {
    return new ReqRespConfig(ttfb, resp, maxPayloadSize, maxInboundStreamsPerPeer, rateLimit, rateLimits,
        goodbyeGrace, statusOnConnect, maxConcurrentRequests, statusInterval,
        chunkQuotas, globalChunkQuotas);
  }

  /**
   * {@return a copy with another default rate limit and overrides}
   *
   * @param all the limit of every protocol without an override
   * @param byProtocol overrides by protocol id
   */
  public ReqRespConfig withRateLimits(RateLimit all, Map<String, RateLimit> byProtocol) {
    return new ReqRespConfig(ttfbTimeout, respTimeout, maxPayloadSize, maxInboundStreamsPerPeer, all, byProtocol,
        goodbyeGrace, statusOnConnect, maxConcurrentRequests, statusInterval,
        chunkQuotas, globalChunkQuotas);
  }

  /**
   * {@return a copy with another inbound stream limit}
   *
   * @param n the most concurrent inbound streams per peer
   */
  public ReqRespConfig withMaxInboundStreamsPerPeer(int n) {
    return new ReqRespConfig(ttfbTimeout, respTimeout, maxPayloadSize, n, rateLimit, rateLimits, goodbyeGrace,
        statusOnConnect, maxConcurrentRequests, statusInterval,
        chunkQuotas, globalChunkQuotas);
  }

  /**
   * {@return a copy with Status on connect switched on or off}
   *
   * @param on whether to exchange Status with every new peer
   */
  public ReqRespConfig withStatusOnConnect(boolean on) {
    return new ReqRespConfig(ttfbTimeout, respTimeout, maxPayloadSize, maxInboundStreamsPerPeer, rateLimit,
        rateLimits, goodbyeGrace, on, maxConcurrentRequests, statusInterval,
        chunkQuotas, globalChunkQuotas);
  }

  /**
   * {@return a copy with another outbound concurrency per peer and protocol}
   *
   * @param n the most concurrent requests per peer and protocol
   */
  public ReqRespConfig withMaxConcurrentRequests(int n) {
    return new ReqRespConfig(ttfbTimeout, respTimeout, maxPayloadSize, maxInboundStreamsPerPeer, rateLimit,
        rateLimits, goodbyeGrace, statusOnConnect, n, statusInterval, chunkQuotas, globalChunkQuotas);
  }

  /**
   * Rejects nonsense values with a message naming the field; returns this.
   *
   * @return this config
   * @throws IllegalArgumentException naming the bad field
   */
  public ReqRespConfig validate() {
    positive("ttfbTimeout", ttfbTimeout);
    positive("respTimeout", respTimeout);
    positive("goodbyeGrace", goodbyeGrace);
    if (statusInterval.isNegative()) {
      throw new IllegalArgumentException("statusInterval must be >= 0: " + statusInterval);
    }
    if (maxPayloadSize < 1 || maxPayloadSize > Method.MAX_PAYLOAD_SIZE) {
      throw new IllegalArgumentException("maxPayloadSize must be in [1, " + Method.MAX_PAYLOAD_SIZE + "]: " + maxPayloadSize);
    }
    if (maxInboundStreamsPerPeer < 1) {
      throw new IllegalArgumentException("maxInboundStreamsPerPeer must be >= 1: " + maxInboundStreamsPerPeer);
    }
    if (maxConcurrentRequests < 1) {
      throw new IllegalArgumentException("maxConcurrentRequests must be >= 1: " + maxConcurrentRequests);
    }
    if (rateLimit == null) {
      throw new IllegalArgumentException("rateLimit must be set");
    }
    return this;
  }

  /** The bucket of {@code protocolId}. */
  RateLimit rateLimitOf(String protocolId) {
    return rateLimits.getOrDefault(protocolId, rateLimit);
  }

  /** True when {@code protocolId} has a per-peer or a global chunk quota. */
  boolean hasChunkQuota(String protocolId) {
    return chunkQuotas.containsKey(protocolId) || globalChunkQuotas.containsKey(protocolId);
  }

  private static void positive(String name, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
  }
}
