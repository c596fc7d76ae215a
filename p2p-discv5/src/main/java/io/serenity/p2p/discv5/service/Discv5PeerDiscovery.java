package io.serenity.p2p.discv5.service;

import io.serenity.p2p.discv5.table.NodeId;
import io.serenity.p2p.discv5.table.TableEntry;
import io.serenity.p2p.eth2.discovery.PeerDiscovery;
import io.serenity.p2p.eth2.enr.Enr;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The Ethereum node's {@link PeerDiscovery} over a running {@link Discv5Service}: each
 * {@link #findNodes()} is a lookup of a random node id (as consensus clients walk the DHT for
 * peers), completing with the records the lookup met followed by the rest of the routing table (at
 * most 256 buckets of 16, records we already verified); a subnet search
 * ({@link #findNodes(Predicate, int)}) first filters the routing table, then walks up to
 * {@value #MAX_SEARCH_LOOKUPS} random lookups until enough records match; {@link #updateLocalEnr} is
 * {@link Discv5Service#updateLocalEnr}.
 *
 * <pre>{@code
 * Discv5Service discv5 = new Discv5Service(config);
 * discv5.start().join();
 * PeerManager pm = new PeerManager(node, new Discv5PeerDiscovery(discv5), digest, 70, 100, Duration.ofSeconds(5));
 * }</pre>
 */
public final class Discv5PeerDiscovery implements PeerDiscovery {

  /** Random lookups a subnet search walks at most. */
  public static final int MAX_SEARCH_LOOKUPS = 3;

  private final Discv5Service service;
  private final SecureRandom random = new SecureRandom();

  /**
   * Discovery over {@code service}, which the caller starts and stops.
   *
   * @param service the discv5 service
   */
  public Discv5PeerDiscovery(Discv5Service service) {
    this.service = Objects.requireNonNull(service, "service");
  }

  @Override
  public CompletableFuture<List<Enr>> findNodes() {
    byte[] target = new byte[NodeId.SIZE];
    synchronized (random) {
      random.nextBytes(target);
    }
    return service.lookup(new NodeId(target)).thenCombine(service.table(), (found, table) -> {
      Map<NodeId, Enr> all = new LinkedHashMap<>();
      for (Enr e : found) {
        all.put(new NodeId(e.nodeId()), e);
      }
      for (TableEntry t : table) {
        all.putIfAbsent(t.id(), t.enr());
      }
      return List.copyOf(all.values());
    });
  }

  @Override
  public CompletableFuture<List<Enr>> findNodes(Predicate<Enr> wanted, int count) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1, got " + count);
    }
    Map<NodeId, Enr> matching = new LinkedHashMap<>();
    return service.table().thenCompose(table -> {
      for (TableEntry t : table) {
        offer(matching, t.enr(), wanted, count);
      }
      return search(matching, wanted, count, MAX_SEARCH_LOOKUPS);
    });
  }

  /** Lookups of random ids, {@code left} at most, until {@code count} records match. */
  private CompletableFuture<List<Enr>> search(Map<NodeId, Enr> matching, Predicate<Enr> wanted, int count,
      int left) {
    if (matching.size() >= count || left == 0) {
      return CompletableFuture.completedFuture(List.copyOf(matching.values()));
    }
    byte[] target = new byte[NodeId.SIZE];
    synchronized (random) {
      random.nextBytes(target);
    }
    return service.lookup(new NodeId(target)).thenCompose(found -> {
      for (Enr e : found) {
        offer(matching, e, wanted, count);
      }
      return search(matching, wanted, count, left - 1);
    });
  }

  private static void offer(Map<NodeId, Enr> matching, Enr e, Predicate<Enr> wanted, int count) {
    if (matching.size() >= count) {
      return;
    }
    boolean ok;
    try {
      ok = wanted.test(e);
    } catch (RuntimeException bad) {
      ok = false;
    }
    if (ok) {
      matching.putIfAbsent(new NodeId(e.nodeId()), e);
    }
  }

  @Override
  public Enr localEnr() {
    return service.localEnr();
  }

  @Override
  public CompletableFuture<Enr> updateLocalEnr(Consumer<Enr.Builder> change) {
    return service.updateLocalEnr(change);
  }
}
