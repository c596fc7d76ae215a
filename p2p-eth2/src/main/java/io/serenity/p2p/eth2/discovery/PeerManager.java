package io.serenity.p2p.eth2.discovery;

import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.core.internal.RateLimitedLog;
import io.serenity.p2p.eth2.Eth2Server;
import io.serenity.p2p.eth2.enr.Enr;
import io.serenity.p2p.eth2.reqresp.ReqResp;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.types.Goodbye;
import io.serenity.p2p.host.ConnectionManager;
import io.serenity.p2p.server.Peer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an Ethereum node between a target and a maximum number of peers.
 *
 * <p>Each round ({@link #round()}, every {@code interval} once {@link #start()}ed):
 * <ul>
 *   <li>below {@code targetPeers}: asks {@link PeerDiscovery#findNodes()} for records and dials those
 *       whose {@code eth2} fork digest is ours (phase0 {@code p2p-interface.md}), that have an ip and
 *       tcp port, are not us and not connected, preferring nodes that serve a wanted attestation,
 *       sync committee or data column subnet ({@link #wantAttestationSubnets},
 *       {@link #wantSyncCommitteeSubnets}, {@link #wantDataColumnSubnets}) no connected peer found
 *       through discovery serves yet; at most the shortfall per round;</li>
 *   <li>above {@code maxPeers}: says Goodbye 129 ("too many peers", a client-specific code used by
 *       Lighthouse, Teku and Prysm alike) to the least valuable peers, by the value the host's
 *       {@link ConnectionManager} gives them (pubsub mesh, shared topics, score, application tags),
 *       protected peers never, inbound before outbound on equal value.</li>
 * </ul>
 * Peers on another fork digest are already sent Goodbye 2 ("irrelevant network") by the req/resp
 * Status exchange of {@link Eth2Server}; {@link #stop()} sends Goodbye 1 ("client shutdown") to every
 * peer and waits for them within a bound. Thread-safe.
 *
 * <pre>{@code
 * PeerManager pm = new PeerManager(node, discovery, () -> net.currentForkDigest(Instant.now()),
 *     70, 100, Duration.ofSeconds(5));
 * pm.start();     // after node.start()
 * ...
 * pm.stop();      // Goodbye to every peer, before node.stop()
 * }</pre>
 */
public final class PeerManager implements AutoCloseable {

  /** Goodbye reason 129: too many peers (client-specific range, as Lighthouse, Teku and Prysm use it). */
  public static final long GOODBYE_TOO_MANY_PEERS = 129;

  /** Records remembered from discovery (for their subnets), at most. */
  static final int MAX_KNOWN_RECORDS = 4096;

  private static final Logger LOG = LoggerFactory.getLogger(PeerManager.class);
  private static final RateLimitedLog RLOG = RateLimitedLog.perMinute(LOG, 5);

  private final Eth2Server node;
  private final PeerDiscovery discovery;
  private final Supplier<Bytes4> forkDigest;
  private final int targetPeers;
  private final int maxPeers;
  private final Duration interval;
  private final Map<PeerId, Enr> known = new ConcurrentHashMap<>();
  private final Set<PeerId> dialling = ConcurrentHashMap.newKeySet();
  private volatile Set<Integer> wantedAttnets = Set.of();
  private volatile Set<Integer> wantedSyncnets = Set.of();
  private volatile Set<Integer> wantedColumnSubnets = Set.of();
  private final AtomicLong dials = new AtomicLong();
  private final AtomicLong pruned = new AtomicLong();
  private final AtomicLong skippedOtherFork = new AtomicLong();
  private volatile ScheduledExecutorService timer;
  private volatile ScheduledFuture<?> task;
  private volatile boolean stopped;

  /**
   * A peer manager for {@code node}; nothing runs until {@link #start()}.
   *
   * @param node the Ethereum node (started before {@link #start()})
   * @param discovery where candidate peers come from
   * @param forkDigest our current fork digest (read each round: it changes at fork boundaries)
   * @param targetPeers dial more while fewer peers are connected (at least 1)
   * @param maxPeers prune above this many (at least {@code targetPeers})
   * @param interval time between rounds
   */
  public PeerManager(Eth2Server node, PeerDiscovery discovery, Supplier<Bytes4> forkDigest,
      int targetPeers, int maxPeers, Duration interval) {
    this.node = Objects.requireNonNull(node, "node");
    this.discovery = Objects.requireNonNull(discovery, "discovery");
    this.forkDigest = Objects.requireNonNull(forkDigest, "forkDigest");
    if (targetPeers < 1 || maxPeers < targetPeers) {
      throw new IllegalArgumentException("need 1 <= targetPeers <= maxPeers, got target " + targetPeers
          + " and max " + maxPeers);
    }
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive: " + interval);
    }
    this.targetPeers = targetPeers;
    this.maxPeers = maxPeers;
    this.interval = interval;
  }

  /** {@return the target peer count} */
  public int targetPeers() {
    return targetPeers;
  }

  /** {@return the maximum peer count} */
  public int maxPeers() {
    return maxPeers;
  }

  /**
   * Attestation subnets the node needs peers on (its duties'); discovery prefers nodes whose
   * {@code attnets} has them.
   *
   * @param subnets subnet ids in 0..63
   */
  public void wantAttestationSubnets(Set<Integer> subnets) {
    for (int s : subnets) {
      if (s < 0 || s >= 64) {
        throw new IllegalArgumentException("attestation subnet " + s + " is outside 0..63");
      }
    }
    wantedAttnets = Set.copyOf(subnets);
  }

  /**
   * Sync committee subnets the node needs peers on; discovery prefers nodes whose {@code syncnets}
   * has them.
   *
   * @param subnets subnet ids in 0..3
   */
  public void wantSyncCommitteeSubnets(Set<Integer> subnets) {
    for (int s : subnets) {
      if (s < 0 || s >= 4) {
        throw new IllegalArgumentException("sync committee subnet " + s + " is outside 0..3");
      }
    }
    wantedSyncnets = Set.copyOf(subnets);
  }

  /**
   * Data column subnets (Fulu) the node needs peers on; discovery prefers nodes whose custody groups,
   * computed from their node id and {@code cgc} ({@link EthEnr#custodyGroups}), include them. With the
   * configs' 128 custody groups, columns and subnets, subnet {@code s} is custody group {@code s}.
   *
   * @param subnets subnet ids in 0..127
   */
  public void wantDataColumnSubnets(Set<Integer> subnets) {
    for (int s : subnets) {
      if (s < 0 || s >= EthEnr.NUMBER_OF_CUSTODY_GROUPS) {
        throw new IllegalArgumentException("data column subnet " + s + " is outside 0.."
            + (EthEnr.NUMBER_OF_CUSTODY_GROUPS - 1));
      }
    }
    wantedColumnSubnets = Set.copyOf(subnets);
  }

  /** Runs a round now and then every {@code interval}, on a daemon thread of its own. */
  public synchronized void start() {
    if (timer != null || stopped) {
      return;
    }
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "eth2-peer-manager");
      t.setDaemon(true);
      return t;
    });
    task = timer.scheduleWithFixedDelay(() -> {
      try {
        round().get(interval.toMillis() * 4 + 30_000, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        RLOG.info("peer manager round failed: {}", e.toString());
      }
    }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * One round: prunes when above the maximum, or looks for and dials peers when below the target.
   *
   * @return completes when the round's dials were started or its Goodbyes sent
   */
  public CompletableFuture<Void> round() {
    if (stopped) {
      return CompletableFuture.completedFuture(null);
    }
    List<Peer> peers = node.server().peers();
    if (peers.size() > maxPeers) {
      return prune(peers);
    }
    int shortfall = targetPeers - peers.size() - dialling.size();
    if (shortfall <= 0) {
      return CompletableFuture.completedFuture(null);
    }
    return discovery.findNodes().handle((found, err) -> {
      if (err != null) {
        RLOG.info("discovery round failed: {}", err.toString());
        return null;
      }
      dialFrom(found, shortfall);
      return null;
    });
  }

  private void dialFrom(List<Enr> found, int shortfall) {
    Bytes4 digest = forkDigest.get();
    PeerId self = node.server().peerId();
    Set<PeerId> connected = new HashSet<>();
    for (Peer p : node.server().peers()) {
      connected.add(p.id());
    }
    Map<PeerId, Enr> candidates = new LinkedHashMap<>();
    for (Enr enr : found) {
      PeerId id;
      try {
        id = enr.peerId();
      } catch (RuntimeException e) {
        continue; // not a secp256k1 record we can dial
      }
      if (id.equals(self) || connected.contains(id) || dialling.contains(id)) {
        continue;
      }
      if (!EthEnr.onFork(enr, digest)) {
        skippedOtherFork.incrementAndGet();
        continue;
      }
      if (enr.tcpMultiaddr().isEmpty() && enr.tcp6Multiaddr().isEmpty()) {
        continue;
      }
      candidates.putIfAbsent(id, enr);
    }
    Set<Integer> missingAtt = new HashSet<>(wantedAttnets);
    Set<Integer> missingSync = new HashSet<>(wantedSyncnets);
    Set<Integer> missingColumns = new HashSet<>(wantedColumnSubnets);
    for (PeerId id : connected) {
      Enr e = known.get(id);
      if (e != null) {
        missingAtt.removeIf(s -> EthEnr.hasAttestationSubnet(e, s));
        missingSync.removeIf(s -> EthEnr.hasSyncCommitteeSubnet(e, s));
        if (!missingColumns.isEmpty()) {
          missingColumns.removeAll(columnSubnets(e));
        }
      }
    }
    Map<Enr, Integer> score = new java.util.IdentityHashMap<>();
    for (Enr e : candidates.values()) {
      score.put(e, usefulness(e, missingAtt, missingSync, missingColumns));
    }
    List<Enr> ordered = new ArrayList<>(candidates.values());
    ordered.sort(Comparator.comparingInt((Enr e) -> -score.get(e)));
    int n = 0;
    for (Enr enr : ordered) {
      if (n >= shortfall) {
        break;
      }
      Optional<Multiaddr> addr = enr.tcpMultiaddr().or(enr::tcp6Multiaddr);
      PeerId id = enr.peerId();
      if (known.size() < MAX_KNOWN_RECORDS || known.containsKey(id)) {
        known.put(id, enr);
      }
      dialling.add(id);
      dials.incrementAndGet();
      n++;
      node.server().connect(addr.orElseThrow().toString()).whenComplete((ok, err) -> {
        dialling.remove(id);
        if (err != null) {
          RLOG.info("dial of discovered {} failed: {}", id, err.toString());
        }
      });
    }
  }

  /** The data column subnets a record's custody covers: none without a valid {@code cgc}. */
  private static Set<Integer> columnSubnets(Enr e) {
    java.util.OptionalLong cgc = EthEnr.custodyGroupCount(e);
    if (cgc.isEmpty() || cgc.getAsLong() > EthEnr.NUMBER_OF_CUSTODY_GROUPS) {
      return Set.of();
    }
    return new HashSet<>(EthEnr.custodyGroups(e.nodeId(), cgc.getAsLong(), EthEnr.NUMBER_OF_CUSTODY_GROUPS));
  }

  private static int usefulness(Enr e, Set<Integer> att, Set<Integer> sync, Set<Integer> columns) {
    int n = 0;
    if (!columns.isEmpty()) {
      for (int s : columnSubnets(e)) {
        n += columns.contains(s) ? 1 : 0;
      }
    }
    for (int s : att) {
      n += EthEnr.hasAttestationSubnet(e, s) ? 1 : 0;
    }
    for (int s : sync) {
      n += EthEnr.hasSyncCommitteeSubnet(e, s) ? 1 : 0;
    }
    return n;
  }

  private CompletableFuture<Void> prune(List<Peer> peers) {
    ConnectionManager cm = node.server().host().connectionManager();
    List<Peer> candidates = new ArrayList<>();
    for (Peer p : peers) {
      if (!cm.isProtected(p.id())) {
        candidates.add(p);
      }
    }
    candidates.sort(Comparator.<Peer>comparingInt(p -> cm.value(p.id()))
        .thenComparing(p -> p.direction() == Peer.Direction.OUTBOUND)); // inbound first
    int excess = peers.size() - maxPeers;
    ReqResp rr = node.reqResp();
    List<CompletableFuture<Void>> byes = new ArrayList<>();
    for (int i = 0; i < excess && i < candidates.size(); i++) {
      Peer p = candidates.get(i);
      RLOG.info("pruning {} (value {}): {} peers, above the maximum {}", p.id(), cm.value(p.id()),
          peers.size(), maxPeers);
      pruned.incrementAndGet();
      byes.add(rr.goodbye(p.id(), GOODBYE_TOO_MANY_PEERS));
    }
    return CompletableFuture.allOf(byes.toArray(CompletableFuture[]::new));
  }

  /** {@return dials started from discovery so far} */
  public long dialCount() {
    return dials.get();
  }

  /** {@return peers sent Goodbye 129 for being above the maximum so far} */
  public long prunedCount() {
    return pruned.get();
  }

  /** {@return discovered records skipped for another (or no) fork digest so far} */
  public long otherForkCount() {
    return skippedOtherFork.get();
  }

  /**
   * Stops the rounds and says Goodbye 1 ("client shutdown") to every peer, waiting for the
   * disconnects up to {@code timeout}. Idempotent; call before stopping the node.
   *
   * @param timeout the longest wait for the Goodbyes
   */
  public void stop(Duration timeout) {
    synchronized (this) {
      if (stopped) {
        return;
      }
      stopped = true;
      if (task != null) {
        task.cancel(false);
      }
      if (timer != null) {
        timer.shutdownNow();
      }
    }
    ReqResp rr;
    try {
      rr = node.reqResp();
    } catch (IllegalStateException notStarted) {
      return;
    }
    List<CompletableFuture<Void>> byes = new ArrayList<>();
    for (Peer p : node.server().peers()) {
      byes.add(rr.goodbye(p.id(), Goodbye.CLIENT_SHUTDOWN));
    }
    try {
      CompletableFuture.allOf(byes.toArray(CompletableFuture[]::new))
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      RLOG.info("not every peer acknowledged our Goodbye within {}", timeout);
    }
  }

  /** {@link #stop(Duration)} with 2 seconds. */
  public void stop() {
    stop(Duration.ofSeconds(2));
  }

  /** Same as {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }
}
