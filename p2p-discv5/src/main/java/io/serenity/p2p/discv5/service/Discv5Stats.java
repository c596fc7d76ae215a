package io.serenity.p2p.discv5.service;

import java.util.Map;

/**
 * A snapshot of a service's bounded structures and drop counters.
 *
 * @param tableSize routing table entries
 * @param replacements replacement candidates held by the table
 * @param sessions sessions cached
 * @param challenges live WHOAREYOU challenges
 * @param pendingRequests requests waiting for a response
 * @param handshakeState request nonces remembered and handshakes in progress in the session layer
 * @param rateLimitedIps IPs tracked by the per-IP rate limit
 * @param lookups lookups running
 * @param drops datagrams and messages dropped, by reason
 */
public record Discv5Stats(int tableSize, int replacements, int sessions, int challenges, int pendingRequests,
    int handshakeState, int rateLimitedIps, int lookups, Map<String, Long> drops) {

  /** Copies the map. */
  public Discv5Stats {
    drops = Map.copyOf(drops);
  }

  /** {@return all drops counted} */
  public long totalDrops() {
    return drops.values().stream().mapToLong(Long::longValue).sum();
  }
}
