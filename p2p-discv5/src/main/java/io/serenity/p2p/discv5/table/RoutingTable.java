package io.serenity.p2p.discv5.table;

import io.serenity.p2p.eth2.enr.Enr;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The Kademlia table of discv5-theory.md: 256 {@link KBucket}s indexed by log distance from the
 * local id (bucket {@code d} holds nodes at distance {@code d}), optional subnet limits. Not
 * thread-safe; the service's event loop owns it.
 */
public final class RoutingTable {

  private final NodeId localId;
  private final IpLimits ipLimits;
  private final KBucket[] buckets = new KBucket[256];

  /**
   * Creates an empty table.
   *
   * @param localId our node id (never stored)
   * @param ipLimits subnet limits, or {@link IpLimits#OFF}
   */
  public RoutingTable(NodeId localId, IpLimits ipLimits) {
    this.localId = localId;
    this.ipLimits = ipLimits;
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] = new KBucket();
    }
  }

  /** {@return our node id} */
  public NodeId localId() {
    return localId;
  }

  /**
   * Offers a record.
   *
   * @param enr the record (already verified)
   * @param live true when the node has just answered us
   * @return what happened; {@link KBucket.Result#IGNORED} for our own id or a subnet limit
   */
  public KBucket.Result offer(Enr enr, boolean live) {
    NodeId id = new NodeId(enr.nodeId());
    int d = localId.logDistance(id);
    if (d == 0) {
      return KBucket.Result.IGNORED;
    }
    KBucket bucket = buckets[d - 1];
    if (bucket.get(id).isEmpty() && !subnetAllows(enr, bucket)) {
      return KBucket.Result.IGNORED;
    }
    return bucket.offer(id, enr, live);
  }

  private boolean subnetAllows(Enr enr, KBucket bucket) {
    if (ipLimits.equals(IpLimits.OFF)) {
      return true;
    }
    Optional<InetAddress> ip = enr.ip();
    if (ip.isEmpty() || exempt(ip.get())) {
      return true;
    }
    byte[] net = ip.get().getAddress();
    long inBucket = bucket.entries().stream().filter(e -> sameSlash24(e.enr(), net)).count();
    if (inBucket >= ipLimits.perBucket()) {
      return false;
    }
    long inTable = entries().stream().filter(e -> sameSlash24(e.enr(), net)).count();
    return inTable < ipLimits.perTable();
  }

  private static boolean exempt(InetAddress a) {
    return a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress();
  }

  private static boolean sameSlash24(Enr enr, byte[] net) {
    return enr.ip().map(InetAddress::getAddress)
        .filter(b -> b.length == 4 && b[0] == net[0] && b[1] == net[1] && b[2] == net[2]).isPresent();
  }

  /**
   * Removes a node that failed to answer; the bucket promotes a replacement.
   *
   * @param id the node
   * @return the promoted record, if any
   */
  public Optional<Enr> remove(NodeId id) {
    int d = localId.logDistance(id);
    return d == 0 ? Optional.empty() : buckets[d - 1].remove(id);
  }

  /**
   * {@return the entry of a node}
   *
   * @param id the node
   */
  public Optional<TableEntry> get(NodeId id) {
    int d = localId.logDistance(id);
    return d == 0 ? Optional.empty() : buckets[d - 1].get(id);
  }

  /**
   * {@return the entries at one log distance from us}
   *
   * @param distance 1..256
   */
  public List<TableEntry> atDistance(int distance) {
    return buckets[distance - 1].entries();
  }

  /**
   * {@return up to {@code n} entries closest to {@code target}, closest first}
   *
   * @param target the target id
   * @param n how many
   * @param liveOnly whether to skip entries not yet verified
   */
  public List<TableEntry> closest(NodeId target, int n, boolean liveOnly) {
    Comparator<TableEntry> byDistance = (a, b) -> target.compareDistance(a.id(), b.id());
    return entries().stream().filter(e -> !liveOnly || e.live()).sorted(byDistance).limit(n).toList();
  }

  /**
   * {@return the least recently seen entry of a random non-empty bucket}
   *
   * @param random the random generator
   */
  public Optional<TableEntry> oldestOfRandomBucket(RandomGenerator random) {
    List<KBucket> nonEmpty = new ArrayList<>();
    for (KBucket b : buckets) {
      if (b.size() > 0) {
        nonEmpty.add(b);
      }
    }
    return nonEmpty.isEmpty() ? Optional.empty() : nonEmpty.get(random.nextInt(nonEmpty.size())).oldest();
  }

  /** {@return every entry, by bucket} */
  public List<TableEntry> entries() {
    List<TableEntry> out = new ArrayList<>();
    for (KBucket b : buckets) {
      out.addAll(b.entries());
    }
    return out;
  }

  /** {@return the number of entries} */
  public int size() {
    int n = 0;
    for (KBucket b : buckets) {
      n += b.size();
    }
    return n;
  }

  /** {@return the number of replacement candidates held} */
  public int replacementCount() {
    int n = 0;
    for (KBucket b : buckets) {
      n += b.replacements().size();
    }
    return n;
  }
}
