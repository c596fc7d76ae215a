package io.serenity.p2p.host;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.core.internal.RateLimitedLog;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accounts for and limits what remote peers can make the node hold: connections (whole node, by
 * direction), streams (whole node, per peer, per connection, per protocol, per protocol and peer)
 * and unread stream bytes (whole node, per peer, per stream). Every refusal is counted by scope and
 * resource ({@link #refusals()}), logged at most a few lines a minute, and reported to the caller as
 * a {@link ResourceLimitException} whose message names the setting that raises the limit.
 *
 * <p>Counters are atomics: a reservation checks every scope it touches and rolls back the ones it
 * took when a later one refuses, so no scope is ever over its limit, even under races.
 */
public final class ResourceManager {

  /** A peer holding more than its memory limit over this is heavy (see {@code reserveMemory}). */
  static final int HEAVY_PEER_DIVISOR = 4;
  /** The part of the node's memory limit (one over this) that only light peers may fill. */
  static final int LIGHT_PEER_RESERVE_DIVISOR = 4;

  private static final Logger LOG = LoggerFactory.getLogger(ResourceManager.class);
  private static final RateLimitedLog RLOG = RateLimitedLog.perMinute(LOG, 5);

  /** Where a limit applies. */
  public enum Scope {
    /** The whole node. */
    SYSTEM,
    /** One remote peer, over all its connections. */
    PEER,
    /** One connection. */
    CONNECTION,
    /** One protocol, over all peers. */
    PROTOCOL,
    /** One protocol with one peer. */
    PROTOCOL_PEER,
    /** One stream. */
    STREAM;

    /**
     * Lower-case label for metrics.
     *
     * @return the label
     */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** What is limited. */
  public enum Resource {
    /** Connections the peers dialled. */
    INBOUND_CONNECTIONS,
    /** Connections we dialled. */
    OUTBOUND_CONNECTIONS,
    /** Streams the peers opened. */
    INBOUND_STREAMS,
    /** Streams we opened. */
    OUTBOUND_STREAMS,
    /** Stream bytes received and not yet read. */
    MEMORY;

    /**
     * Lower-case label for metrics.
     *
     * @return the label
     */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * Whole-node usage.
   *
   * @param inboundConnections connections the peers dialled
   * @param outboundConnections connections we dialled
   * @param inboundStreams streams the peers opened
   * @param outboundStreams streams we opened
   * @param memory unread stream bytes
   */
  public record Usage(int inboundConnections, int outboundConnections, int inboundStreams, int outboundStreams,
      long memory) {}

  /**
   * One peer's usage.
   *
   * @param peer the peer
   * @param inboundStreams streams it opened
   * @param outboundStreams streams we opened to it
   * @param memory its unread stream bytes
   */
  public record PeerUsage(PeerId peer, int inboundStreams, int outboundStreams, long memory) {}

  /**
   * One protocol's open streams (after negotiation).
   *
   * @param protocol the protocol id
   * @param inboundStreams streams the peers opened
   * @param outboundStreams streams we opened
   */
  public record ProtocolUsage(String protocol, int inboundStreams, int outboundStreams) {}

  private final HostConfig config;
  private final ResourceLimits limits;
  private final AtomicInteger connIn = new AtomicInteger();
  private final AtomicInteger connOut = new AtomicInteger();
  private final AtomicInteger streamsIn = new AtomicInteger();
  private final AtomicInteger streamsOut = new AtomicInteger();
  private final AtomicLong memory = new AtomicLong();
  private final Map<PeerId, PeerCounters> peers = new ConcurrentHashMap<>();
  private final Map<String, ProtocolCounters> protocols = new ConcurrentHashMap<>();
  private final Map<Scope, Map<Resource, LongAdder>> refusals = new EnumMap<>(Scope.class);

  ResourceManager(HostConfig config) {
    this.config = config;
    this.limits = config.resources();
    for (Scope s : Scope.values()) {
      Map<Resource, LongAdder> m = new EnumMap<>(Resource.class);
      for (Resource r : Resource.values()) {
        m.put(r, new LongAdder());
      }
      refusals.put(s, m);
    }
  }

  /**
   * The limits in force.
   *
   * @return the limits
   */
  public ResourceLimits limits() {
    return limits;
  }

  /**
   * The limit of {@code resource} in {@code scope} (protocol scopes: the default, not overrides).
   *
   * @param scope the scope
   * @param resource the resource
   * @return the limit
   */
  public long limit(Scope scope, Resource resource) {
    return switch (scope) {
      case SYSTEM -> switch (resource) {
        case INBOUND_CONNECTIONS -> config.maxInboundConnections();
        case OUTBOUND_CONNECTIONS -> config.maxOutboundConnections();
        case INBOUND_STREAMS -> limits.systemInboundStreams();
        case OUTBOUND_STREAMS -> limits.systemOutboundStreams();
        case MEMORY -> limits.systemMemory();
      };
      case PEER -> switch (resource) {
        case INBOUND_STREAMS -> limits.peerInboundStreams();
        case OUTBOUND_STREAMS -> limits.peerOutboundStreams();
        case MEMORY -> limits.peerMemory();
        default -> 0;
      };
      case CONNECTION -> resource == Resource.INBOUND_STREAMS || resource == Resource.OUTBOUND_STREAMS
          ? config.maxStreamsPerConnection() : 0;
      case PROTOCOL -> resource == Resource.INBOUND_STREAMS ? limits.protocolInboundStreams() : 0;
      case PROTOCOL_PEER -> switch (resource) {
        case INBOUND_STREAMS -> limits.protocolPeerInboundStreams();
        case OUTBOUND_STREAMS -> limits.protocolPeerOutboundStreams();
        default -> 0;
      };
      case STREAM -> resource == Resource.MEMORY ? config.maxStreamReadBuffer() : 0;
    };
  }

  /**
   * Whole-node usage now.
   *
   * @return the usage
   */
  public Usage usage() {
    return new Usage(connIn.get(), connOut.get(), streamsIn.get(), streamsOut.get(), memory.get());
  }

  /**
   * Usage of every peer with a connection or open streams, largest memory first.
   *
   * @return one row per peer
   */
  public List<PeerUsage> peerUsage() {
    List<PeerUsage> out = new ArrayList<>();
    for (Map.Entry<PeerId, PeerCounters> e : peers.entrySet()) {
      PeerCounters p = e.getValue();
      out.add(new PeerUsage(e.getKey(), p.streamsIn.get(), p.streamsOut.get(), p.memory.get()));
    }
    out.sort(Comparator.comparingLong(PeerUsage::memory).reversed()
        .thenComparing(Comparator.comparingInt((PeerUsage u) -> u.inboundStreams() + u.outboundStreams()).reversed()));
    return out;
  }

  /**
   * Open streams per protocol (protocols that had a stream since start).
   *
   * @return one row per protocol
   */
  public List<ProtocolUsage> protocolUsage() {
    List<ProtocolUsage> out = new ArrayList<>();
    for (Map.Entry<String, ProtocolCounters> e : protocols.entrySet()) {
      out.add(new ProtocolUsage(e.getKey(), e.getValue().streamsIn.get(), e.getValue().streamsOut.get()));
    }
    out.sort(Comparator.comparing(ProtocolUsage::protocol));
    return out;
  }

  /**
   * Refusals so far by scope and resource (only non-zero entries).
   *
   * @return the counts
   */
  public Map<Scope, Map<Resource, Long>> refusals() {
    Map<Scope, Map<Resource, Long>> out = new EnumMap<>(Scope.class);
    refusals.forEach((s, m) -> m.forEach((r, n) -> {
      long v = n.sum();
      if (v > 0) {
        out.computeIfAbsent(s, k -> new EnumMap<>(Resource.class)).put(r, v);
      }
    }));
    return out;
  }

  /**
   * Total refusals of {@code resource} in {@code scope}.
   *
   * @param scope the scope
   * @param resource the resource
   * @return the count
   */
  public long refusals(Scope scope, Resource resource) {
    return refusals.get(scope).get(resource).sum();
  }

  // ---- connections ----

  /** Takes a connection slot; false (counted, logged) when the node is at its limit. */
  boolean tryOpenConnection(boolean inbound, Object remote) {
    AtomicInteger c = inbound ? connIn : connOut;
    int max = inbound ? config.maxInboundConnections() : config.maxOutboundConnections();
    if (tryAdd(c, max)) {
      return true;
    }
    Resource r = inbound ? Resource.INBOUND_CONNECTIONS : Resource.OUTBOUND_CONNECTIONS;
    refused(Scope.SYSTEM, r);
    RLOG.info("resource limit: {} {} connections reached ({} {}); raise HostConfig.{} if the node needs more",
        max, inbound ? "inbound" : "outbound", inbound ? "refusing" : "not dialling", remote,
        inbound ? "maxInboundConnections" : "maxOutboundConnections");
    return false;
  }

  /** Returns a slot taken by {@link #tryOpenConnection}. */
  void closeConnection(boolean inbound) {
    (inbound ? connIn : connOut).decrementAndGet();
  }

  /** The exception for a refused outbound connection. */
  ResourceLimitException connectionLimit(boolean inbound) {
    int max = inbound ? config.maxInboundConnections() : config.maxOutboundConnections();
    return new ResourceLimitException(
        (inbound ? "inbound" : "outbound") + " connection limit " + max + " reached (HostConfig."
            + (inbound ? "maxInboundConnections" : "maxOutboundConnections") + ")",
        Scope.SYSTEM, inbound ? Resource.INBOUND_CONNECTIONS : Resource.OUTBOUND_CONNECTIONS, max);
  }

  /** The usage record of a connected peer; call {@link #detachPeer} when the connection closes. */
  PeerCounters attachPeer(PeerId peer) {
    return peers.compute(peer, (k, v) -> {
      PeerCounters p = v != null ? v : new PeerCounters(k);
      p.connections++;
      return p;
    });
  }

  void detachPeer(PeerCounters p) {
    peers.computeIfPresent(p.peer, (k, v) -> {
      if (v == p) {
        v.connections--;
        return v.idle() ? null : v;
      }
      return v;
    });
  }

  private void maybeForget(PeerCounters p) {
    peers.computeIfPresent(p.peer, (k, v) -> v == p && v.idle() ? null : v);
  }

  // ---- streams ----

  /**
   * Opens the accounting of a new stream on a connection to {@code peer} that has {@code
   * connectionStreams} streams open. Throws {@link ResourceLimitException} (counted, logged for
   * inbound streams) when a limit is reached.
   */
  StreamScope openStream(PeerCounters peer, boolean inbound, int connectionStreams) {
    Resource r = inbound ? Resource.INBOUND_STREAMS : Resource.OUTBOUND_STREAMS;
    if (connectionStreams >= config.maxStreamsPerConnection()) {
      throw refuse(Scope.CONNECTION, r, config.maxStreamsPerConnection(), peer.peer, null,
          "HostConfig.maxStreamsPerConnection", inbound);
    }
    AtomicInteger sys = inbound ? streamsIn : streamsOut;
    int sysMax = inbound ? limits.systemInboundStreams() : limits.systemOutboundStreams();
    if (!tryAdd(sys, sysMax)) {
      throw refuse(Scope.SYSTEM, r, sysMax, peer.peer, null,
          "ResourceLimits." + (inbound ? "systemInboundStreams" : "systemOutboundStreams"), inbound);
    }
    AtomicInteger per = inbound ? peer.streamsIn : peer.streamsOut;
    int perMax = inbound ? limits.peerInboundStreams() : limits.peerOutboundStreams();
    if (!tryAdd(per, perMax)) {
      sys.decrementAndGet();
      throw refuse(Scope.PEER, r, perMax, peer.peer, null,
          "ResourceLimits." + (inbound ? "peerInboundStreams" : "peerOutboundStreams"), inbound);
    }
    return new StreamScope(peer, inbound);
  }

  private ResourceLimitException refuse(Scope scope, Resource r, long limit, PeerId peer, String protocol,
      String knob, boolean log) {
    refused(scope, r);
    String what = switch (r) {
      case INBOUND_STREAMS -> "inbound stream";
      case OUTBOUND_STREAMS -> "outbound stream";
      case MEMORY -> "unread bytes";
      case INBOUND_CONNECTIONS -> "inbound connection";
      case OUTBOUND_CONNECTIONS -> "outbound connection";
    };
    String where = switch (scope) {
      case SYSTEM -> "the node";
      case PEER -> "peer " + peer;
      case CONNECTION -> "the connection to " + peer;
      case PROTOCOL -> protocol + " over all peers";
      case PROTOCOL_PEER -> protocol + " with peer " + peer;
      case STREAM -> "a stream of " + peer;
    };
    String msg = what + " limit " + limit + " reached for " + where + " (" + knob + ")";
    if (log) {
      RLOG.info("resource limit: {}; {}", msg,
          r == Resource.MEMORY ? "resetting the stream" : "refusing the new stream");
    }
    return new ResourceLimitException(msg, scope, r, limit);
  }

  private void refused(Scope scope, Resource r) {
    refusals.get(scope).get(r).increment();
  }

  private ProtocolCounters protocol(String p) {
    return protocols.computeIfAbsent(p, k -> new ProtocolCounters());
  }

  private static boolean tryAdd(AtomicInteger c, int max) {
    while (true) {
      int v = c.get();
      if (v >= max) {
        return false;
      }
      if (c.compareAndSet(v, v + 1)) {
        return true;
      }
    }
  }

  private static boolean tryAdd(AtomicLong c, long n, long max) {
    while (true) {
      long v = c.get();
      if (v + n > max) {
        return false;
      }
      if (c.compareAndSet(v, v + n)) {
        return true;
      }
    }
  }

  /** Per-peer counters, shared by the connections to that peer. */
  static final class PeerCounters {
    final PeerId peer;
    final AtomicInteger streamsIn = new AtomicInteger();
    final AtomicInteger streamsOut = new AtomicInteger();
    final AtomicLong memory = new AtomicLong();
    final Map<String, AtomicInteger[]> perProtocol = new ConcurrentHashMap<>();
    int connections; // guarded by the map's compute

    PeerCounters(PeerId peer) {
      this.peer = peer;
    }

    boolean idle() {
      return connections <= 0 && streamsIn.get() == 0 && streamsOut.get() == 0 && memory.get() == 0;
    }
  }

  private static final class ProtocolCounters {
    final AtomicInteger streamsIn = new AtomicInteger();
    final AtomicInteger streamsOut = new AtomicInteger();
  }

  /**
   * The accounting of one stream: its direction's stream slots, its protocol's once agreed, and
   * the unread bytes it holds. {@link #close} returns everything; it is idempotent.
   */
  final class StreamScope {
    private final PeerCounters peer;
    private final boolean inbound;
    private String protocol;
    private AtomicInteger protocolPeer;
    private long memoryHeld;
    private boolean closed;

    private StreamScope(PeerCounters peer, boolean inbound) {
      this.peer = peer;
      this.inbound = inbound;
    }

    /**
     * Counts the stream under {@code p} once negotiation agreed on it. Throws {@link
     * ResourceLimitException} when the protocol is at its limit (the caller resets the stream).
     */
    synchronized void setProtocol(String p) {
      if (closed || protocol != null) {
        return;
      }
      ResourceLimits.ProtocolLimits pl = limits.forProtocol(p);
      Resource r = inbound ? Resource.INBOUND_STREAMS : Resource.OUTBOUND_STREAMS;
      ProtocolCounters pc = protocol(p);
      AtomicInteger total = inbound ? pc.streamsIn : pc.streamsOut;
      if (inbound) {
        if (!tryAdd(total, pl.inboundStreams())) {
          throw refuse(Scope.PROTOCOL, r, pl.inboundStreams(), peer.peer, p,
              "ResourceLimits.protocolInboundStreams or a per-protocol override", true);
        }
      } else {
        total.incrementAndGet();
      }
      AtomicInteger[] pp = peer.perProtocol.computeIfAbsent(p, k -> new AtomicInteger[] {new AtomicInteger(), new AtomicInteger()});
      AtomicInteger mine = pp[inbound ? 0 : 1];
      int max = inbound ? pl.peerInboundStreams() : pl.peerOutboundStreams();
      if (!tryAdd(mine, max)) {
        total.decrementAndGet();
        throw refuse(Scope.PROTOCOL_PEER, r, max, peer.peer, p,
            "ResourceLimits." + (inbound ? "protocolPeerInboundStreams" : "protocolPeerOutboundStreams")
                + " or a per-protocol override", inbound);
      }
      protocol = p;
      protocolPeer = mine;
    }

    /**
     * Reserves {@code n} more unread bytes for this stream against the peer's and the node's
     * memory. Throws {@link ResourceLimitException} (counted, logged) when either is full; the
     * caller resets the stream. The per-stream bound is the caller's ({@link
     * HostConfig#maxStreamReadBuffer()}).
     */
    synchronized void reserveMemory(long n) {
      if (n <= 0 || closed) {
        return;
      }
      if (!tryAdd(peer.memory, n, limits.peerMemory())) {
        throw refuse(Scope.PEER, Resource.MEMORY, limits.peerMemory(), peer.peer, protocol,
            "ResourceLimits.peerMemory", true);
      }
      // A heavy peer (holding more than a quarter of its own limit) may fill the node only to three
      // quarters of its limit: the last quarter stays for light peers, so a few peers that each hold
      // their whole limit cannot make the node refuse an honest peer's next message.
      boolean heavy = peer.memory.get() > limits.peerMemory() / HEAVY_PEER_DIVISOR;
      long cap = heavy ? limits.systemMemory() - limits.systemMemory() / LIGHT_PEER_RESERVE_DIVISOR
          : limits.systemMemory();
      if (!tryAdd(memory, n, cap)) {
        peer.memory.addAndGet(-n);
        throw refuse(Scope.SYSTEM, Resource.MEMORY, cap, peer.peer, protocol,
            heavy ? "ResourceLimits.systemMemory (a peer holding over a quarter of peerMemory may use three"
                + " quarters of it)" : "ResourceLimits.systemMemory", true);
      }
      memoryHeld += n;
    }

    /** Returns {@code n} unread bytes (read by the application or dropped). */
    synchronized void releaseMemory(long n) {
      n = Math.min(n, memoryHeld);
      if (n <= 0) {
        return;
      }
      memoryHeld -= n;
      peer.memory.addAndGet(-n);
      memory.addAndGet(-n);
    }

    /** Counts a refusal of the per-stream buffer bound (enforced by the stream itself). */
    void streamMemoryRefused() {
      refused(Scope.STREAM, Resource.MEMORY);
    }

    /** Returns the stream's slots and bytes. Idempotent. */
    synchronized void close() {
      if (closed) {
        return;
      }
      long held = memoryHeld;
      releaseMemory(held);
      closed = true;
      (inbound ? streamsIn : streamsOut).decrementAndGet();
      (inbound ? peer.streamsIn : peer.streamsOut).decrementAndGet();
      if (protocol != null) {
        ProtocolCounters pc = protocols.get(protocol);
        if (pc != null) {
          (inbound ? pc.streamsIn : pc.streamsOut).decrementAndGet();
        }
        protocolPeer.decrementAndGet();
      }
      if (peer.connections <= 0) {
        maybeForget(peer);
      }
    }
  }
}
