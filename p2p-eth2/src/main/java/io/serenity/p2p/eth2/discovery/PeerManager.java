package io.serenity.p2p.eth2.discovery;

import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.core.internal.RateLimitedLog;
import io.serenity.p2p.eth2.Eth2Server;
import io.serenity.p2p.eth2.enr.Enr;
import io.serenity.p2p.eth2.gossip.TopicSchedule;
import io.serenity.p2p.eth2.network.NetworkConfig;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.types.Goodbye;
import io.serenity.p2p.eth2.types.MetaData;
import io.serenity.p2p.host.ConnectionManager;
import io.serenity.p2p.server.Peer;
import io.serenity.p2p.time.Scheduler;
import io.serenity.p2p.time.ThreadScheduler;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an Ethereum node between a target and a maximum number of peers, with a minimum number of
 * peers on each subnet it needs.
 *
 * <p>Each round ({@link #round()}, every {@code interval} once {@link #start()}ed):
 * <ul>
 *   <li>above {@code maxPeers}: says Goodbye 129 ("too many peers", a client-specific code used by
 *       Lighthouse, Teku and Prysm alike) to the least valuable peers, by the value the host's
 *       {@link ConnectionManager} gives them (pubsub mesh, shared topics, score, application tags),
 *       protected peers never, inbound before outbound on equal value; peers whose departure would
 *       take a needed subnet below its minimum go last, and the only peer on a needed subnet never;</li>
 *   <li>otherwise, when a needed subnet ({@link #wantAttestationSubnets},
 *       {@link #wantSyncCommitteeSubnets}, {@link #wantDataColumnSubnets}) has fewer connected peers
 *       than its minimum ({@link Builder#minSubnetPeers}): a subnet search
 *       ({@link PeerDiscovery#findNodes(Predicate, int)} for records whose {@code attnets} or
 *       {@code syncnets} bit is set, or whose custody, from their node id and {@code cgc}, covers the
 *       data column subnet), dialling the matching nodes even above the target, up to the maximum;</li>
 *   <li>below {@code targetPeers}: asks {@link PeerDiscovery#findNodes()} for records and dials those
 *       whose {@code eth2} fork digest is ours (phase0 {@code p2p-interface.md}), that have an ip and
 *       tcp port, are not us and not connected, preferring nodes on needed subnets that are short of
 *       peers; at most the shortfall per round.</li>
 * </ul>
 * A connected peer's subnets are read from its MetaData when req/resp fetched it (attnets, syncnets,
 * and v3's custody group count), else from its record when discovery found it; while subnets are
 * needed, the manager asks each connected peer whose MetaData is missing for it, once per connection. Peers on another fork
 * digest are sent Goodbye 2 ("irrelevant network") by the req/resp Status exchange of
 * {@link Eth2Server}. With a fork schedule ({@link Builder#forkSchedule}) the manager also follows
 * fork boundaries: the neighbouring digest stays relevant while the topic schedule holds both,
 * {@code nfd} tells which peers share our next fork, our Status and record move at the boundary, and
 * the peers left on the old digest get Goodbye 2 when the overlap ends. {@link #stop()} sends
 * Goodbye 1 ("client shutdown") to every peer and waits for them within a bound. Thread-safe.
 *
 * <pre>{@code
 * PeerManager pm = PeerManager.builder(node, discovery)
 *     .forkSchedule(TopicSchedule.of(net, selection), InstantSource.system())
 *     .targetPeers(70).maxPeers(100).interval(Duration.ofSeconds(5))
 *     .minSubnetPeers(3, 2, 2)            // attestation, sync committee, data column
 *     .build();
 * pm.wantAttestationSubnets(Set.of(12, 13));
 * pm.start();     // after node.start()
 * ...
 * pm.stop();      // Goodbye to every peer, before node.stop()
 * }</pre>
 */
public final class PeerManager implements AutoCloseable {

  /** Goodbye reason 129: too many peers (client-specific range, as Lighthouse, Teku and Prysm use it). */
  public static final long GOODBYE_TOO_MANY_PEERS = 129;

  /**
   * Peers wanted on each needed attestation subnet, by default: Lighthouse's long-standing target per
   * subnet (Teku aims at 2, Prysm at 6).
   */
  public static final int DEFAULT_MIN_ATTESTATION_SUBNET_PEERS = 3;
  /** Peers wanted on each needed sync committee subnet, by default (Lighthouse keeps at least 2). */
  public static final int DEFAULT_MIN_SYNC_COMMITTEE_SUBNET_PEERS = 2;
  /**
   * Peers wanted on each needed data column subnet, by default: two, so that one peer leaving does
   * not cut the node off a column it must custody or sample.
   */
  public static final int DEFAULT_MIN_DATA_COLUMN_SUBNET_PEERS = 2;
  /** The target peer count of {@link #builder}, unless set. */
  public static final int DEFAULT_TARGET_PEERS = 70;
  /** The maximum peer count of {@link #builder}, unless set. */
  public static final int DEFAULT_MAX_PEERS = 100;
  /** The time between rounds of {@link #builder}, unless set. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

  /** MetaData requests a round sends at most (to connected peers whose subnets are unknown). */
  static final int MAX_METADATA_REQUESTS_PER_ROUND = 8;

  /** Records remembered from discovery (for their subnets), at most. */
  static final int MAX_KNOWN_RECORDS = 4096;

  /** Subnet keys: attestation subnets 0..63, sync committee subnets 64..67, data column subnets 128..255. */
  static final int SYNC_BASE = 64;
  static final int COLUMN_BASE = 128;
  static final int KEYS = COLUMN_BASE + EthEnr.DATA_COLUMN_SIDECAR_SUBNET_COUNT;

  private static final Logger LOG = LoggerFactory.getLogger(PeerManager.class);
  private static final RateLimitedLog RLOG = RateLimitedLog.perMinute(LOG, 5);

  private final ManagedNode node;
  private final PeerDiscovery discovery;
  private final Supplier<Bytes4> forkDigest;
  private final TopicSchedule schedule;
  private final InstantSource wallClock;
  private volatile Bytes4 applied;
  private final int targetPeers;
  private final int maxPeers;
  private final Duration interval;
  private final int minAttestation;
  private final int minSyncCommittee;
  private final int minDataColumn;
  private final Scheduler scheduler;
  private final boolean ownScheduler;
  private final Map<PeerId, Enr> known = new ConcurrentHashMap<>();
  private final Map<PeerId, ColumnCustody> custody = new ConcurrentHashMap<>();
  private final Set<PeerId> dialling = ConcurrentHashMap.newKeySet();
  private final Set<PeerId> metaDataAsked = ConcurrentHashMap.newKeySet();
  private final AtomicLong metaDataRequests = new AtomicLong();
  private volatile Set<Integer> wantedAttnets = Set.of();
  private volatile Set<Integer> wantedSyncnets = Set.of();
  private volatile Set<Integer> wantedColumnSubnets = Set.of();
  private volatile SubnetPeers subnetPeers = new SubnetPeers(new TreeMap<>(), new TreeMap<>(), new TreeMap<>());
  private final AtomicLong dials = new AtomicLong();
  private final AtomicLong subnetDials = new AtomicLong();
  private final AtomicLong subnetSearches = new AtomicLong();
  private final AtomicLong pruned = new AtomicLong();
  private final AtomicLong keptForSubnets = new AtomicLong();
  private final AtomicLong skippedOtherFork = new AtomicLong();
  private final AtomicLong irrelevant = new AtomicLong();
  private final AtomicLong forkSwitches = new AtomicLong();
  private final Object roundLock = new Object();
  private CompletableFuture<Void> running; // guarded by roundLock
  private long runningSince; // guarded by roundLock
  private Scheduler.Cancellable task; // guarded by this
  private volatile boolean stopped;

  /** A peer's data column subnets for one custody group count (the SHA-256 walk is done once). */
  private record ColumnCustody(long cgc, BitSet subnets) {}

  /**
   * How many connected peers serve each subnet the node needs, at the last round.
   *
   * @param attestation attestation subnet to peers serving it
   * @param syncCommittee sync committee subnet to peers serving it
   * @param dataColumn data column subnet to peers custodying it
   */
  public record SubnetPeers(SortedMap<Integer, Integer> attestation, SortedMap<Integer, Integer> syncCommittee,
      SortedMap<Integer, Integer> dataColumn) {

    /** Copies the maps. */
    public SubnetPeers {
      attestation = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(attestation));
      syncCommittee = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(syncCommittee));
      dataColumn = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(dataColumn));
    }
  }

  /**
   * A peer manager for {@code node} with the default subnet minimums; nothing runs until
   * {@link #start()}. The same as {@link #builder} with these settings.
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
    this(builder(node, discovery).forkDigest(forkDigest).targetPeers(targetPeers).maxPeers(maxPeers)
        .interval(interval));
  }

  private PeerManager(Builder b) {
    this.node = b.node;
    this.discovery = b.discovery;
    this.schedule = b.schedule;
    this.wallClock = b.wallClock;
    Supplier<Bytes4> digest = b.forkDigest;
    if (digest == null && schedule != null) {
      NetworkConfig net = schedule.network();
      digest = () -> net.currentForkDigest(wallClock.instant());
    }
    this.forkDigest = Objects.requireNonNull(digest, "forkDigest: set it or a fork schedule on the builder");
    if (b.targetPeers < 1 || b.maxPeers < b.targetPeers) {
      throw new IllegalArgumentException("need 1 <= targetPeers <= maxPeers, got target " + b.targetPeers
          + " and max " + b.maxPeers);
    }
    if (b.interval.isNegative() || b.interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive: " + b.interval);
    }
    this.targetPeers = b.targetPeers;
    this.maxPeers = b.maxPeers;
    this.interval = b.interval;
    this.minAttestation = b.minAttestation;
    this.minSyncCommittee = b.minSyncCommittee;
    this.minDataColumn = b.minDataColumn;
    this.ownScheduler = b.scheduler == null;
    this.scheduler = ownScheduler ? Scheduler.singleThread("eth2-peer-manager") : b.scheduler;
    if (schedule != null) {
      node.relevantForkDigests(d -> forkView().relevant.contains(d));
    }
  }

  /**
   * {@return a builder for a manager of {@code node}}
   *
   * @param node the Ethereum node (started before {@link #start()})
   * @param discovery where candidate peers come from
   */
  public static Builder builder(Eth2Server node, PeerDiscovery discovery) {
    return new Builder(ManagedNode.of(node), discovery);
  }

  static Builder builder(ManagedNode node, PeerDiscovery discovery) {
    return new Builder(node, discovery);
  }

  /** Settings of a {@link PeerManager}; {@link #forkDigest} is required. */
  public static final class Builder {
    private final ManagedNode node;
    private final PeerDiscovery discovery;
    private Supplier<Bytes4> forkDigest;
    private TopicSchedule schedule;
    private InstantSource wallClock;
    private int targetPeers = DEFAULT_TARGET_PEERS;
    private int maxPeers = DEFAULT_MAX_PEERS;
    private Duration interval = DEFAULT_INTERVAL;
    private int minAttestation = DEFAULT_MIN_ATTESTATION_SUBNET_PEERS;
    private int minSyncCommittee = DEFAULT_MIN_SYNC_COMMITTEE_SUBNET_PEERS;
    private int minDataColumn = DEFAULT_MIN_DATA_COLUMN_SUBNET_PEERS;
    private Scheduler scheduler;

    private Builder(ManagedNode node, PeerDiscovery discovery) {
      this.node = Objects.requireNonNull(node, "node");
      this.discovery = Objects.requireNonNull(discovery, "discovery");
    }

    /**
     * Our current fork digest, read each round (it changes at fork boundaries).
     *
     * @param v the supplier
     * @return this builder
     */
    public Builder forkDigest(Supplier<Bytes4> v) {
      this.forkDigest = Objects.requireNonNull(v, "forkDigest");
      return this;
    }

    /**
     * Follows the chain's fork boundaries on the wall clock: our digest is the network's current one
     * (unless {@link #forkDigest} is also set), peers and records on the digest before or after a
     * boundary are kept and dialled while the schedule holds both digests' topics
     * ({@link TopicSchedule#digestsAt}, by default two epochs either side), those announcing in
     * {@code nfd} a next digest that is not ours are not dialled nor, past the boundary, kept; when our
     * digest changes, the node's Status and our record ({@code eth2}, {@code nfd}) move to it, and once
     * the overlap ends the peers still on the old digest are sent Goodbye 2 ("irrelevant network").
     *
     * @param topics the node's topic schedule (its window is the peers' window)
     * @param clock the wall clock
     * @return this builder
     */
    public Builder forkSchedule(TopicSchedule topics, InstantSource clock) {
      this.schedule = Objects.requireNonNull(topics, "topics");
      this.wallClock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Dial more while fewer peers are connected (default {@value PeerManager#DEFAULT_TARGET_PEERS}).
     *
     * @param v at least 1
     * @return this builder
     */
    public Builder targetPeers(int v) {
      this.targetPeers = v;
      return this;
    }

    /**
     * Prune above this many peers (default {@value PeerManager#DEFAULT_MAX_PEERS}); subnet searches
     * dial up to it.
     *
     * @param v at least the target
     * @return this builder
     */
    public Builder maxPeers(int v) {
      this.maxPeers = v;
      return this;
    }

    /**
     * The time between rounds (default 5 s).
     *
     * @param v positive
     * @return this builder
     */
    public Builder interval(Duration v) {
      this.interval = Objects.requireNonNull(v, "interval");
      return this;
    }

    /**
     * The peers wanted on each needed subnet: below it, a round searches discovery for that subnet
     * and dials matches above the target (up to the maximum), and pruning spares the subnet's peers.
     * Zero makes needed subnets of that kind a mere preference. Defaults:
     * {@value PeerManager#DEFAULT_MIN_ATTESTATION_SUBNET_PEERS},
     * {@value PeerManager#DEFAULT_MIN_SYNC_COMMITTEE_SUBNET_PEERS},
     * {@value PeerManager#DEFAULT_MIN_DATA_COLUMN_SUBNET_PEERS}.
     *
     * @param attestation per needed attestation subnet, 0..64
     * @param syncCommittee per needed sync committee subnet, 0..64
     * @param dataColumn per needed data column subnet, 0..64
     * @return this builder
     */
    public Builder minSubnetPeers(int attestation, int syncCommittee, int dataColumn) {
      for (int v : new int[] {attestation, syncCommittee, dataColumn}) {
        if (v < 0 || v > 64) {
          throw new IllegalArgumentException("subnet peer minimums must be in 0..64, got " + v);
        }
      }
      this.minAttestation = attestation;
      this.minSyncCommittee = syncCommittee;
      this.minDataColumn = dataColumn;
      return this;
    }

    /**
     * Where the rounds run (default: a daemon thread of the manager's own, stopped with it); a
     * {@link io.serenity.p2p.time.ManualScheduler} runs them on virtual time.
     *
     * @param v the scheduler, owned by the caller
     * @return this builder
     */
    public Builder scheduler(Scheduler v) {
      this.scheduler = Objects.requireNonNull(v, "scheduler");
      return this;
    }

    /**
     * {@return the manager; nothing runs until {@link PeerManager#start()}}
     *
     * @throws NullPointerException when neither a fork digest nor a fork schedule was set
     * @throws IllegalArgumentException when the peer counts or the interval are out of range
     */
    public PeerManager build() {
      return new PeerManager(this);
    }
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
   * Attestation subnets the node needs peers on (its duties'): at least the attestation minimum of
   * {@link Builder#minSubnetPeers} on each, found by their {@code attnets}.
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
   * Sync committee subnets the node needs peers on, found by their {@code syncnets}.
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
   * Data column subnets (Fulu) the node needs peers on: a peer covers a subnet when one of its
   * custody groups, computed from its node id and custody group count ({@link
   * EthEnr#dataColumnSubnets}), has a column on it.
   *
   * @param subnets subnet ids in 0..127
   */
  public void wantDataColumnSubnets(Set<Integer> subnets) {
    for (int s : subnets) {
      if (s < 0 || s >= EthEnr.DATA_COLUMN_SIDECAR_SUBNET_COUNT) {
        throw new IllegalArgumentException("data column subnet " + s + " is outside 0.."
            + (EthEnr.DATA_COLUMN_SIDECAR_SUBNET_COUNT - 1));
      }
    }
    wantedColumnSubnets = Set.copyOf(subnets);
  }

  /** Runs a round now and then every {@code interval}, on the scheduler. */
  public synchronized void start() {
    if (task != null || stopped) {
      return;
    }
    task = scheduler.scheduleAtFixedRate(Duration.ZERO, interval, this::tick);
  }

  /** A timer tick: a round, unless the previous one is still running (and not overdue). */
  private void tick() {
    long now = scheduler.clock().nanos();
    long overdue = interval.toNanos() * 4 + TimeUnit.SECONDS.toNanos(30);
    CompletableFuture<Void> r;
    synchronized (roundLock) {
      if (running != null && !running.isDone() && now - runningSince < overdue) {
        return;
      }
      runningSince = now;
      try {
        r = round();
      } catch (RuntimeException e) {
        running = null;
        RLOG.info("peer manager round failed: {}", e.toString());
        return;
      }
      running = r;
    }
    r.whenComplete((v, e) -> {
      if (e != null) {
        RLOG.info("peer manager round failed: {}", e.toString());
      }
    });
  }

  /**
   * One round: prunes when above the maximum; otherwise searches for peers on needed subnets short
   * of their minimum, and looks for and dials peers when below the target.
   *
   * @return completes when the round's dials were started or its Goodbyes sent
   */
  public CompletableFuture<Void> round() {
    if (stopped) {
      return CompletableFuture.completedFuture(null);
    }
    ForkView fork = forkView();
    followFork(fork);
    List<Peer> peers = new ArrayList<>(node.peers());
    List<CompletableFuture<Void>> dropped = new ArrayList<>(dropIrrelevant(peers, fork));
    dropped.add(maintain(peers, fork));
    return CompletableFuture.allOf(dropped.toArray(CompletableFuture[]::new));
  }

  /** Prunes, or searches for subnet peers and dials towards the target. */
  private CompletableFuture<Void> maintain(List<Peer> peers, ForkView fork) {
    Map<PeerId, BitSet> serves = servesOf(peers);
    BitSet needed = needed();
    askMetaData(peers, needed);
    int[] counts = counts(serves.values(), needed);
    publish(needed, counts);
    if (peers.size() > maxPeers) {
      return prune(peers, serves, needed, counts);
    }
    int[] missing = missing(needed, counts);
    int room = maxPeers - peers.size() - dialling.size();
    CompletableFuture<Void> subnets = CompletableFuture.completedFuture(null);
    int total = 0;
    for (int m : missing) {
      total += m;
    }
    if (total > 0 && room > 0) {
      subnetSearches.incrementAndGet();
      Predicate<Enr> search = e -> {
        try {
          return wanted(e, fork) && addressable(e) && covers(e, missing) > 0;
        } catch (RuntimeException bad) {
          return false;
        }
      };
      int limit = Math.min(room, total);
      subnets = discovery.findNodes(search, limit).handle((found, err) -> {
        if (err != null) {
          RLOG.info("subnet search failed: {}", err.toString());
        } else {
          dialForSubnets(found, missing, limit, fork);
        }
        return null;
      });
    }
    return subnets.thenCompose(x -> {
      int shortfall = targetPeers - node.peers().size() - dialling.size();
      if (shortfall <= 0 || stopped) {
        return CompletableFuture.completedFuture(null);
      }
      return discovery.findNodes().handle((found, err) -> {
        if (err != null) {
          RLOG.info("discovery round failed: {}", err.toString());
          return null;
        }
        dialFrom(found, shortfall, fork);
        return null;
      });
    });
  }

  // ---------------------------------------------------------------- fork boundaries

  /**
   * Our digest, the next one, and the digests whose peers are kept now.
   *
   * @param ours our current fork digest
   * @param next the next fork's digest (zero when none), null without a schedule
   * @param relevant ours, and around a boundary the other digest the topic schedule holds
   */
  private record ForkView(Bytes4 ours, Bytes4 next, Set<Bytes4> relevant) {}

  private ForkView forkView() {
    Bytes4 ours = forkDigest.get();
    if (schedule == null) {
      return new ForkView(ours, null, Set.of(ours));
    }
    Instant now = wallClock.instant();
    NetworkConfig net = schedule.network();
    Set<Bytes4> relevant = new HashSet<>(schedule.digestsAt(net.epochAt(now)));
    relevant.add(ours);
    return new ForkView(ours, net.nextForkDigest(now), Set.copyOf(relevant));
  }

  /**
   * Whether a record is worth dialling for its fork: on a relevant digest and, with a schedule,
   * sharing our future: on our digest with our next digest in {@code nfd} (or none), ahead of us on
   * the next digest, or behind us with our digest in {@code nfd} (or none).
   */
  private static boolean wanted(Enr e, ForkView fork) {
    Optional<Bytes4> d = EthEnr.forkDigest(e);
    if (d.isEmpty() || !fork.relevant.contains(d.get())) {
      return false;
    }
    if (fork.next == null) {
      return true;
    }
    Optional<Bytes4> nfd = EthEnr.nextForkDigest(e);
    if (d.get().equals(fork.ours)) {
      return nfd.isEmpty() || nfd.get().equals(fork.next);
    }
    if (d.get().equals(fork.next)) {
      return true;
    }
    return nfd.isEmpty() || nfd.get().equals(fork.ours);
  }

  /**
   * When our digest changed since the last round: Status and record move to it (each unless it is
   * there already, e.g. moved by the application).
   */
  private void followFork(ForkView fork) {
    if (schedule == null) {
      return;
    }
    Bytes4 before = applied;
    applied = fork.ours;
    if (before == null || before.equals(fork.ours)) {
      return; // the first round takes the node as it is
    }
    forkSwitches.incrementAndGet();
    LOG.info("fork boundary: our digest moves from {} to {}", before.toHex(), fork.ours.toHex());
    try {
      node.useForkDigest(fork.ours);
    } catch (RuntimeException e) {
      RLOG.info("could not move our Status to {}: {}", fork.ours.toHex(), e.toString());
    }
    Instant now = wallClock.instant();
    NetworkConfig net = schedule.network();
    try {
      if (EthEnr.forkDigest(discovery.localEnr()).filter(fork.ours::equals).isPresent()) {
        return; // the application moved our record already
      }
      discovery.updateLocalEnr(b -> EthEnr.writeForkFields(b, net, now)).whenComplete((r, err) -> {
        if (err != null) {
          RLOG.info("could not move our record to {}: {}", fork.ours.toHex(), err.toString());
        }
      });
    } catch (RuntimeException e) {
      RLOG.info("could not move our record to {}: {}", fork.ours.toHex(), e.toString());
    }
  }

  /**
   * With a schedule: Goodbye 2 to the peers whose Status digest is no longer relevant (the overlap
   * after a boundary ended, or another network), and, past a boundary, to those still on the old
   * digest whose record's {@code nfd} says they will not follow; removes them from {@code peers}.
   */
  private List<CompletableFuture<Void>> dropIrrelevant(List<Peer> peers, ForkView fork) {
    if (schedule == null) {
      return List.of();
    }
    List<CompletableFuture<Void>> byes = new ArrayList<>();
    for (java.util.Iterator<Peer> it = peers.iterator(); it.hasNext(); ) {
      PeerId id = it.next().id();
      Optional<Bytes4> d = node.statusForkDigest(id);
      if (d.isEmpty() || d.get().equals(fork.ours)) {
        continue;
      }
      boolean keep = fork.relevant.contains(d.get());
      if (keep && !d.get().equals(fork.next)) {
        Enr e = known.get(id);
        Optional<Bytes4> nfd = e == null ? Optional.empty() : EthEnr.nextForkDigest(e);
        keep = nfd.isEmpty() || nfd.get().equals(fork.ours);
      }
      if (!keep) {
        RLOG.info("peer {} is on fork digest {} (ours {}): goodbye", id, d.get().toHex(), fork.ours.toHex());
        irrelevant.incrementAndGet();
        it.remove();
        byes.add(goodbye(id, Goodbye.IRRELEVANT_NETWORK));
      }
    }
    return byes;
  }

  // ---------------------------------------------------------------- subnets

  /**
   * While subnets are needed: asks the connected peers whose MetaData req/resp does not hold for it,
   * once per connection, a few per round; the answers count from the next round on.
   */
  private void askMetaData(List<Peer> peers, BitSet needed) {
    Set<PeerId> ids = new HashSet<>();
    for (Peer p : peers) {
      ids.add(p.id());
    }
    metaDataAsked.retainAll(ids);
    if (needed.isEmpty()) {
      return;
    }
    int n = 0;
    for (Peer p : peers) {
      if (n >= MAX_METADATA_REQUESTS_PER_ROUND) {
        break;
      }
      PeerId id = p.id();
      if (node.metaData(id).isPresent() || !metaDataAsked.add(id)) {
        continue;
      }
      n++;
      metaDataRequests.incrementAndGet();
      try {
        node.requestMetaData(id).whenComplete((m, err) -> {
          if (err != null) {
            RLOG.info("MetaData request to {} failed: {}", id, err.toString());
          }
        });
      } catch (RuntimeException e) {
        RLOG.info("MetaData request to {} failed: {}", id, e.toString());
      }
    }
  }

  /** The needed subnet keys. */
  private BitSet needed() {
    BitSet b = new BitSet(KEYS);
    for (int s : wantedAttnets) {
      b.set(s);
    }
    for (int s : wantedSyncnets) {
      b.set(SYNC_BASE + s);
    }
    for (int s : wantedColumnSubnets) {
      b.set(COLUMN_BASE + s);
    }
    return b;
  }

  private int minimum(int key) {
    return key < SYNC_BASE ? minAttestation : key < COLUMN_BASE ? minSyncCommittee : minDataColumn;
  }

  /** Peers serving each needed key. */
  private static int[] counts(Iterable<BitSet> serves, BitSet needed) {
    int[] counts = new int[KEYS];
    for (BitSet s : serves) {
      for (int k = s.nextSetBit(0); k >= 0; k = s.nextSetBit(k + 1)) {
        if (needed.get(k)) {
          counts[k]++;
        }
      }
    }
    return counts;
  }

  /** Peers still missing on each needed key to reach its minimum. */
  private int[] missing(BitSet needed, int[] counts) {
    int[] missing = new int[KEYS];
    for (int k = needed.nextSetBit(0); k >= 0; k = needed.nextSetBit(k + 1)) {
      missing[k] = Math.max(0, minimum(k) - counts[k]);
    }
    return missing;
  }

  private void publish(BitSet needed, int[] counts) {
    SortedMap<Integer, Integer> att = new TreeMap<>();
    SortedMap<Integer, Integer> sync = new TreeMap<>();
    SortedMap<Integer, Integer> col = new TreeMap<>();
    for (int k = needed.nextSetBit(0); k >= 0; k = needed.nextSetBit(k + 1)) {
      if (k < SYNC_BASE) {
        att.put(k, counts[k]);
      } else if (k < COLUMN_BASE) {
        sync.put(k - SYNC_BASE, counts[k]);
      } else {
        col.put(k - COLUMN_BASE, counts[k]);
      }
    }
    subnetPeers = new SubnetPeers(att, sync, col);
  }

  /** The subnet keys each connected peer serves; forgets what is kept for peers no longer connected. */
  private Map<PeerId, BitSet> servesOf(List<Peer> peers) {
    Map<PeerId, BitSet> out = new LinkedHashMap<>();
    for (Peer p : peers) {
      out.put(p.id(), serves(p.id()));
    }
    custody.keySet().retainAll(out.keySet());
    return out;
  }

  /**
   * The subnet keys a connected peer serves: attnets and syncnets from its MetaData when fetched,
   * else from its record; data column subnets from its custody group count (MetaData v3, else the
   * record's {@code cgc}) and its node id.
   */
  private BitSet serves(PeerId id) {
    BitSet out = new BitSet(KEYS);
    Enr enr = known.get(id);
    Optional<MetaData> md = node.metaData(id);
    if (md.isPresent()) {
      BitSet att = md.get().attnets().toBitSet();
      for (int s = att.nextSetBit(0); s >= 0 && s < SYNC_BASE; s = att.nextSetBit(s + 1)) {
        out.set(s);
      }
      BitSet sync = md.get().syncnets().toBitSet();
      for (int s = sync.nextSetBit(0); s >= 0 && s < 4; s = sync.nextSetBit(s + 1)) {
        out.set(SYNC_BASE + s);
      }
    } else if (enr != null) {
      recordSubnets(enr, out);
    }
    OptionalLong cgc = node.custodyGroupCount(id);
    if (cgc.isEmpty() && enr != null) {
      cgc = EthEnr.custodyGroupCount(enr);
    }
    if (cgc.isPresent() && cgc.getAsLong() > 0) {
      ColumnCustody c = custody.get(id);
      if (c == null || c.cgc != cgc.getAsLong()) {
        Optional<byte[]> nodeId = enr != null ? Optional.of(enr.nodeId()) : EthEnr.nodeId(id);
        if (nodeId.isEmpty()) {
          return out;
        }
        c = new ColumnCustody(cgc.getAsLong(), columnBits(nodeId.get(), cgc.getAsLong()));
        custody.put(id, c);
      }
      out.or(c.subnets);
    }
    return out;
  }

  private static void recordSubnets(Enr e, BitSet out) {
    for (int s = 0; s < SYNC_BASE; s++) {
      if (EthEnr.hasAttestationSubnet(e, s)) {
        out.set(s);
      }
    }
    for (int s = 0; s < 4; s++) {
      if (EthEnr.hasSyncCommitteeSubnet(e, s)) {
        out.set(SYNC_BASE + s);
      }
    }
  }

  private static BitSet columnBits(byte[] nodeId, long cgc) {
    BitSet b = new BitSet(KEYS);
    for (int s : EthEnr.dataColumnSubnets(nodeId, cgc)) {
      b.set(COLUMN_BASE + s);
    }
    return b;
  }

  /**
   * The subnet keys a discovered record serves; data column subnets only when {@code columns} (the
   * custody walk costs up to a few hundred hashes) and the record has a valid {@code cgc}.
   */
  private static BitSet recordServes(Enr e, boolean columns) {
    BitSet out = new BitSet(KEYS);
    recordSubnets(e, out);
    OptionalLong cgc = columns ? EthEnr.custodyGroupCount(e) : OptionalLong.empty();
    if (cgc.isPresent() && cgc.getAsLong() > 0) {
      out.or(columnBits(e.nodeId(), cgc.getAsLong()));
    }
    return out;
  }

  /** How many keys still missing peers a record serves. */
  private static int covers(Enr e, int[] missing) {
    BitSet s = recordServes(e, anyColumn(missing));
    int n = 0;
    for (int k = s.nextSetBit(0); k >= 0; k = s.nextSetBit(k + 1)) {
      n += missing[k] > 0 ? 1 : 0;
    }
    return n;
  }

  private static boolean anyColumn(int[] missing) {
    for (int k = COLUMN_BASE; k < KEYS; k++) {
      if (missing[k] > 0) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- dialling

  private static boolean addressable(Enr enr) {
    return !enr.dialMultiaddrs().isEmpty();
  }

  /**
   * Records worth dialling: on a wanted fork, addressable, not us, not connected or being dialled.
   * The records of connected peers are remembered (for their subnets and {@code nfd}).
   */
  private Map<PeerId, Enr> candidates(List<Enr> found, ForkView fork) {
    PeerId self = node.self();
    Set<PeerId> connected = new HashSet<>();
    for (Peer p : node.peers()) {
      connected.add(p.id());
    }
    Map<PeerId, Enr> out = new LinkedHashMap<>();
    for (Enr enr : found) {
      PeerId id;
      try {
        id = enr.peerId();
      } catch (RuntimeException e) {
        continue; // not a secp256k1 record we can dial
      }
      if (connected.contains(id)) {
        Enr had = known.get(id);
        if ((had == null && known.size() < MAX_KNOWN_RECORDS) || (had != null && had.seq() < enr.seq())) {
          known.put(id, enr);
        }
        continue;
      }
      if (id.equals(self) || dialling.contains(id)) {
        continue;
      }
      if (!wanted(enr, fork)) {
        skippedOtherFork.incrementAndGet();
        continue;
      }
      if (!addressable(enr)) {
        continue;
      }
      out.putIfAbsent(id, enr);
    }
    return out;
  }

  /** Dials, greedily, the records that cover the most still-missing subnet keys, up to {@code limit}. */
  private void dialForSubnets(List<Enr> found, int[] missing, int limit, ForkView fork) {
    Map<PeerId, Enr> candidates = candidates(found, fork);
    Map<PeerId, BitSet> serves = new LinkedHashMap<>();
    boolean columns = anyColumn(missing);
    for (Map.Entry<PeerId, Enr> c : candidates.entrySet()) {
      try {
        serves.put(c.getKey(), recordServes(c.getValue(), columns));
      } catch (RuntimeException e) {
        // a malformed field reads as serving nothing
      }
    }
    int[] left = missing.clone();
    int n = 0;
    while (n < limit) {
      PeerId best = null;
      int bestCover = 0;
      for (Map.Entry<PeerId, BitSet> s : serves.entrySet()) {
        int cover = 0;
        BitSet b = s.getValue();
        for (int k = b.nextSetBit(0); k >= 0; k = b.nextSetBit(k + 1)) {
          cover += left[k] > 0 ? 1 : 0;
        }
        if (cover > bestCover) {
          best = s.getKey();
          bestCover = cover;
        }
      }
      if (best == null) {
        break;
      }
      BitSet b = serves.remove(best);
      for (int k = b.nextSetBit(0); k >= 0; k = b.nextSetBit(k + 1)) {
        if (left[k] > 0) {
          left[k]--;
        }
      }
      subnetDials.incrementAndGet();
      dial(candidates.get(best));
      n++;
    }
  }

  private void dialFrom(List<Enr> found, int shortfall, ForkView fork) {
    Map<PeerId, Enr> candidates = candidates(found, fork);
    BitSet needed = needed();
    int[] counts = counts(servesOf(node.peers()).values(), needed);
    BitSet uncovered = new BitSet(KEYS);
    for (int k = needed.nextSetBit(0); k >= 0; k = needed.nextSetBit(k + 1)) {
      if (counts[k] < Math.max(1, minimum(k))) {
        uncovered.set(k);
      }
    }
    boolean columns = uncovered.nextSetBit(COLUMN_BASE) >= 0;
    Map<Enr, Integer> score = new java.util.IdentityHashMap<>();
    for (Enr e : candidates.values()) {
      int n = 0;
      if (!uncovered.isEmpty()) {
        try {
          BitSet s = recordServes(e, columns);
          s.and(uncovered);
          n = s.cardinality();
        } catch (RuntimeException bad) {
          n = 0;
        }
      }
      score.put(e, n);
    }
    List<Enr> ordered = new ArrayList<>(candidates.values());
    ordered.sort(Comparator.comparingInt((Enr e) -> -score.get(e)));
    for (int i = 0; i < ordered.size() && i < shortfall; i++) {
      dial(ordered.get(i));
    }
  }

  private void dial(Enr enr) {
    // QUIC first, TCP as the fallback (phase0 p2p-interface.md: clients SHOULD prefer a peer's QUIC address)
    List<Multiaddr> addrs = enr.dialMultiaddrs();
    PeerId id = enr.peerId();
    if (known.size() < MAX_KNOWN_RECORDS || known.containsKey(id)) {
      known.put(id, enr);
    }
    dialling.add(id);
    dials.incrementAndGet();
    CompletableFuture<?> f;
    try {
      f = node.dial(addrs);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    f.whenComplete((ok, err) -> {
      dialling.remove(id);
      if (err != null) {
        RLOG.info("dial of discovered {} failed: {}", id, err.toString());
      }
    });
  }

  // ---------------------------------------------------------------- pruning

  private CompletableFuture<Void> prune(List<Peer> peers, Map<PeerId, BitSet> serves, BitSet needed,
      int[] counts) {
    List<Peer> candidates = new ArrayList<>();
    Map<PeerId, Integer> value = new HashMap<>();
    for (Peer p : peers) {
      if (!node.isProtected(p.id())) {
        candidates.add(p);
        value.put(p.id(), node.value(p.id()));
      }
    }
    candidates.sort(Comparator.<Peer>comparingInt(p -> value.get(p.id()))
        .thenComparing(p -> p.direction() == Peer.Direction.OUTBOUND)); // inbound first
    int excess = peers.size() - maxPeers;
    int[] left = counts.clone();
    List<Peer> chosen = new ArrayList<>();
    // first the peers whose departure keeps every needed subnet at its minimum, then those that are
    // not the last peer on a needed subnet; the last peer on a needed subnet stays
    for (int pass = 0; pass < 2 && chosen.size() < excess; pass++) {
      for (Peer p : candidates) {
        if (chosen.size() >= excess) {
          break;
        }
        if (chosen.contains(p)) {
          continue;
        }
        BitSet s = (BitSet) serves.getOrDefault(p.id(), new BitSet()).clone();
        s.and(needed);
        boolean ok = true;
        for (int k = s.nextSetBit(0); k >= 0 && ok; k = s.nextSetBit(k + 1)) {
          ok = pass == 0 ? left[k] > minimum(k) : left[k] > 1;
        }
        if (ok) {
          for (int k = s.nextSetBit(0); k >= 0; k = s.nextSetBit(k + 1)) {
            left[k]--;
          }
          chosen.add(p);
        }
      }
    }
    if (chosen.size() < excess) {
      keptForSubnets.addAndGet(excess - chosen.size());
      RLOG.info("{} peers above the maximum {} kept: each is the last peer on a needed subnet or protected",
          excess - chosen.size(), maxPeers);
    }
    List<CompletableFuture<Void>> byes = new ArrayList<>();
    for (Peer p : chosen) {
      RLOG.info("pruning {} (value {}): {} peers, above the maximum {}", p.id(), value.get(p.id()),
          peers.size(), maxPeers);
      pruned.incrementAndGet();
      byes.add(goodbye(p.id(), GOODBYE_TOO_MANY_PEERS));
    }
    return CompletableFuture.allOf(byes.toArray(CompletableFuture[]::new));
  }

  private CompletableFuture<Void> goodbye(PeerId peer, long reason) {
    try {
      return node.goodbye(peer, reason);
    } catch (RuntimeException e) {
      RLOG.info("goodbye to {} failed: {}", peer, e.toString());
      return CompletableFuture.completedFuture(null);
    }
  }

  // ---------------------------------------------------------------- figures

  /** {@return connected peers per needed subnet, as counted by the last round} */
  public SubnetPeers subnetPeers() {
    return subnetPeers;
  }

  /** {@return dials started from discovery so far, subnet searches' included} */
  public long dialCount() {
    return dials.get();
  }

  /** {@return MetaData requests sent so far to peers whose subnets were unknown} */
  public long metaDataRequestCount() {
    return metaDataRequests.get();
  }

  /** {@return dials started by subnet searches so far} */
  public long subnetDialCount() {
    return subnetDials.get();
  }

  /** {@return subnet searches run so far (rounds that found a needed subnet below its minimum)} */
  public long subnetSearchCount() {
    return subnetSearches.get();
  }

  /** {@return peers sent Goodbye 129 for being above the maximum so far} */
  public long prunedCount() {
    return pruned.get();
  }

  /**
   * {@return peer slots above the maximum left unpruned so far because the only candidates were the
   * last peers on a needed subnet (summed over rounds)}
   */
  public long keptForSubnetsCount() {
    return keptForSubnets.get();
  }

  /**
   * {@return the fork digests whose peers are kept now: ours, and with a fork schedule around a
   * boundary the other digest whose topics are held}
   */
  public Set<Bytes4> relevantForkDigests() {
    return forkView().relevant;
  }

  /** {@return peers this manager sent Goodbye 2 ("irrelevant network") so far} */
  public long irrelevantCount() {
    return irrelevant.get();
  }

  /** {@return times our digest changed and the Status and record were moved to it so far} */
  public long forkSwitchCount() {
    return forkSwitches.get();
  }

  /**
   * {@return discovered records skipped so far for another (or no) fork digest, or, with a fork
   * schedule, for a next fork digest we do not share}
   */
  public long otherForkCount() {
    return skippedOtherFork.get();
  }

  // ---------------------------------------------------------------- stopping

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
        task.cancel();
      }
      if (ownScheduler && scheduler instanceof ThreadScheduler t) {
        t.close();
      }
    }
    List<CompletableFuture<Void>> byes = new ArrayList<>();
    for (Peer p : node.peers()) {
      try {
        byes.add(node.goodbye(p.id(), Goodbye.CLIENT_SHUTDOWN));
      } catch (IllegalStateException notStarted) {
        return;
      }
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
