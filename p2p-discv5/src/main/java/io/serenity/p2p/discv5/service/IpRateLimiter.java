package io.serenity.p2p.discv5.service;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per source IP ({@code perSecond} refill, {@code burst} capacity), tracking at most
 * {@code maxIps} addresses (least recently seen forgotten). Runs on the event loop.
 */
final class IpRateLimiter {

  private static final class Bucket {
    double tokens;
    long lastNanos;
  }

  private final double perSecond;
  private final int burst;
  private final LinkedHashMap<InetAddress, Bucket> buckets;

  IpRateLimiter(double perSecond, int burst, int maxIps) {
    this.perSecond = perSecond;
    this.burst = burst;
    this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<InetAddress, Bucket> eldest) {
        return size() > maxIps;
      }
    };
  }

  /** {@return whether a datagram from {@code ip} may be handled now} */
  boolean allow(InetAddress ip, long nowNanos) {
    if (perSecond <= 0) {
      return true;
    }
    Bucket b = buckets.get(ip);
    if (b == null) {
      b = new Bucket();
      b.tokens = burst;
      b.lastNanos = nowNanos;
      buckets.put(ip, b);
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
