package io.serenity.p2p.discv5.service;

import io.serenity.p2p.discv5.table.NodeId;
import java.net.InetAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Distinct node ids seen per source IP: an IP that shows more than {@code maxIds} of them within
 * {@code windowNanos} is ignored for {@code banNanos}. At most {@code maxIps} addresses are tracked
 * (least recently seen forgotten, bans included), each with at most {@code maxIds + 1} ids, so the
 * memory is bounded whatever a flood sends. Runs on the event loop.
 */
final class NodeIdsPerIp {

  private static final class Seen {
    /** Node id to when it was first seen from this IP, oldest first. */
    final LinkedHashMap<NodeId, Long> ids = new LinkedHashMap<>();
    long bannedUntil;
    boolean banned;
  }

  private final int maxIds;
  private final long windowNanos;
  private final long banNanos;
  private final LinkedHashMap<InetAddress, Seen> ips;
  private long bans;

  NodeIdsPerIp(int maxIds, long windowNanos, long banNanos, int maxIps) {
    this.maxIds = maxIds;
    this.windowNanos = windowNanos;
    this.banNanos = banNanos;
    this.ips = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<InetAddress, Seen> eldest) {
        return size() > maxIps;
      }
    };
  }

  /** {@return whether a packet from {@code ip} claiming {@code id} may be handled; false while banned} */
  boolean admit(InetAddress ip, NodeId id, long nowNanos) {
    if (maxIds <= 0) {
      return true;
    }
    Seen e = ips.computeIfAbsent(ip, k -> new Seen());
    if (e.banned) {
      if (nowNanos - e.bannedUntil < 0) {
        return false;
      }
      e.banned = false;
      e.ids.clear();
    }
    Iterator<Long> it = e.ids.values().iterator();
    while (it.hasNext() && nowNanos - it.next() > windowNanos) {
      it.remove();
    }
    e.ids.putIfAbsent(id, nowNanos);
    if (e.ids.size() > maxIds) {
      e.banned = true;
      e.bannedUntil = nowNanos + banNanos;
      e.ids.clear();
      bans++;
      return false;
    }
    return true;
  }

  /** {@return how many IPs are tracked} */
  int size() {
    return ips.size();
  }

  /** {@return how many bans were imposed so far} */
  long bans() {
    return bans;
  }
}
