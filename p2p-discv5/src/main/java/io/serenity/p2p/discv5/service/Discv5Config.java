package io.serenity.p2p.discv5.service;

import io.serenity.p2p.discv5.crypto.Secp256k1;
import io.serenity.p2p.discv5.table.IpLimits;
import io.serenity.p2p.eth2.enr.Enr;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Settings of a {@link Discv5Service}: the key, the addresses, and every limit a hostile peer must
 * not push the node past. Build with {@link #builder(byte[])}; every limit has the default listed on
 * its builder method.
 *
 * <pre>{@code
 * Discv5Config config = Discv5Config.builder(privateKey)
 *     .bind(new InetSocketAddress("0.0.0.0", 9000))
 *     .advertisedIp(InetAddress.getByName("203.0.113.7"))
 *     .build();
 * }</pre>
 */
public final class Discv5Config {

  private final byte[] privateKey;
  private final InetSocketAddress bind;
  private final InetAddress advertisedIp;
  private final OptionalInt tcpPort;
  private final OptionalInt quicPort;
  private final Enr previousEnr;
  private final Duration requestTimeout;
  private final int maxPendingRequests;
  private final int maxPendingPerNode;
  private final int sessionCacheSize;
  private final Duration sessionIdle;
  private final int maxChallenges;
  private final Duration challengeTtl;
  private final int maxNodesPackets;
  private final int maxNodesRecords;
  private final int maxConcurrentLookups;
  private final Duration lookupTimeout;
  private final int lookupParallelism;
  private final double packetsPerIpPerSecond;
  private final int packetBurstPerIp;
  private final int rateLimitedIps;
  private final double handshakesPerSecond;
  private final IpLimits tableIpLimits;
  private final Duration revalidateMin;
  private final Duration revalidateMax;
  private final double requestsPerNodePerSecond;
  private final int requestBurstPerNode;
  private final double challengesPerSecond;
  private final int nodeIdsPerIp;
  private final Duration ipBan;
  private final int endpointVoters;
  private final Duration endpointVoteTtl;
  private final Duration refreshInterval;

  private Discv5Config(Builder b) {
    this.privateKey = b.privateKey.clone();
    this.bind = b.bind;
    this.advertisedIp = b.advertisedIp != null ? b.advertisedIp : b.bind.getAddress();
    if (advertisedIp.isAnyLocalAddress()) {
      throw new IllegalArgumentException("bound to " + b.bind.getAddress().getHostAddress()
          + ": set advertisedIp, the address other nodes reach us at");
    }
    this.tcpPort = b.tcpPort;
    this.quicPort = b.quicPort;
    this.previousEnr = b.previousEnr;
    this.requestTimeout = b.requestTimeout;
    this.maxPendingRequests = b.maxPendingRequests;
    this.maxPendingPerNode = b.maxPendingPerNode;
    this.sessionCacheSize = b.sessionCacheSize;
    this.sessionIdle = b.sessionIdle;
    this.maxChallenges = b.maxChallenges;
    this.challengeTtl = b.challengeTtl;
    this.maxNodesPackets = b.maxNodesPackets;
    this.maxNodesRecords = b.maxNodesRecords;
    this.maxConcurrentLookups = b.maxConcurrentLookups;
    this.lookupTimeout = b.lookupTimeout;
    this.lookupParallelism = b.lookupParallelism;
    this.packetsPerIpPerSecond = b.packetsPerIpPerSecond;
    this.packetBurstPerIp = b.packetBurstPerIp;
    this.rateLimitedIps = b.rateLimitedIps;
    this.handshakesPerSecond = b.handshakesPerSecond;
    this.tableIpLimits = b.tableIpLimits;
    this.revalidateMin = b.revalidateMin;
    this.revalidateMax = b.revalidateMax;
    if (revalidateMax.compareTo(revalidateMin) < 0) {
      throw new IllegalArgumentException("revalidateMax < revalidateMin");
    }
    this.requestsPerNodePerSecond = b.requestsPerNodePerSecond;
    this.requestBurstPerNode = b.requestBurstPerNode;
    this.challengesPerSecond = b.challengesPerSecond;
    this.nodeIdsPerIp = b.nodeIdsPerIp;
    this.ipBan = b.ipBan;
    if (challengesPerSecond < 0 || nodeIdsPerIp < 0 || ipBan.isNegative()) {
      throw new IllegalArgumentException("negative challenge rate, node ids per IP or ban");
    }
    // Votes may replace a guessed address, never one the user configured, unless asked to explicitly.
    this.endpointVoters = b.endpointVoters >= 0 ? b.endpointVoters : (b.advertisedIp != null ? 0 : 10);
    this.endpointVoteTtl = b.endpointVoteTtl;
    if (endpointVoteTtl.isNegative() || endpointVoteTtl.isZero()) {
      throw new IllegalArgumentException("endpoint vote lifetime must be positive");
    }
    this.refreshInterval = b.refreshInterval;
    if (refreshInterval.isNegative()) {
      throw new IllegalArgumentException("refresh interval must not be negative");
    }
  }

  /**
   * {@return a builder with the defaults}
   *
   * @param privateKey our 32-byte secp256k1 key
   */
  public static Builder builder(byte[] privateKey) {
    return new Builder(privateKey);
  }

  /** {@return a copy of the private key} */
  public byte[] privateKey() {
    return privateKey.clone();
  }

  /** {@return the UDP address to bind} */
  public InetSocketAddress bind() {
    return bind;
  }

  /** {@return the IP written into our record} */
  public InetAddress advertisedIp() {
    return advertisedIp;
  }

  /** {@return the TCP port written into our record, if any} */
  public OptionalInt tcpPort() {
    return tcpPort;
  }

  /** {@return the UDP port of our libp2p QUIC v1 listener written into our record ({@code quic}), if any} */
  public OptionalInt quicPort() {
    return quicPort;
  }

  /** {@return our record from an earlier run, whose seq the new record continues; null if none} */
  public Enr previousEnr() {
    return previousEnr;
  }

  /** {@return how long a request waits for its response} */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /** {@return requests in flight, in all} */
  public int maxPendingRequests() {
    return maxPendingRequests;
  }

  /** {@return requests in flight to one node} */
  public int maxPendingPerNode() {
    return maxPendingPerNode;
  }

  /** {@return sessions kept} */
  public int sessionCacheSize() {
    return sessionCacheSize;
  }

  /** {@return how long an unused session lives} */
  public Duration sessionIdle() {
    return sessionIdle;
  }

  /** {@return live WHOAREYOU challenges kept} */
  public int maxChallenges() {
    return maxChallenges;
  }

  /** {@return how long a challenge accepts a handshake} */
  public Duration challengeTtl() {
    return challengeTtl;
  }

  /** {@return NODES packets accepted for one FINDNODE} */
  public int maxNodesPackets() {
    return maxNodesPackets;
  }

  /** {@return records accepted for one FINDNODE, and sent at most in answer to one} */
  public int maxNodesRecords() {
    return maxNodesRecords;
  }

  /** {@return lookups running at once} */
  public int maxConcurrentLookups() {
    return maxConcurrentLookups;
  }

  /** {@return the bound on one lookup} */
  public Duration lookupTimeout() {
    return lookupTimeout;
  }

  /** {@return FINDNODE queries in flight per lookup (alpha)} */
  public int lookupParallelism() {
    return lookupParallelism;
  }

  /** {@return datagrams accepted per second from one IP; 0 = no limit} */
  public double packetsPerIpPerSecond() {
    return packetsPerIpPerSecond;
  }

  /** {@return burst of datagrams accepted from one IP} */
  public int packetBurstPerIp() {
    return packetBurstPerIp;
  }

  /** {@return IPs whose rate is tracked at once} */
  public int rateLimitedIps() {
    return rateLimitedIps;
  }

  /** {@return handshakes verified per second, from all peers together; 0 = no limit} */
  public double handshakesPerSecond() {
    return handshakesPerSecond;
  }

  /** {@return the routing table's subnet limits} */
  public IpLimits tableIpLimits() {
    return tableIpLimits;
  }

  /** {@return the shortest pause between two revalidation PINGs} */
  public Duration revalidateMin() {
    return revalidateMin;
  }

  /** {@return the longest pause between two revalidation PINGs} */
  public Duration revalidateMax() {
    return revalidateMax;
  }

  /** {@return requests (PING, FINDNODE, TALKREQ) answered per second per node id; 0 = no limit} */
  public double requestsPerNodePerSecond() {
    return requestsPerNodePerSecond;
  }

  /** {@return the burst of requests answered per node id} */
  public int requestBurstPerNode() {
    return requestBurstPerNode;
  }

  /** {@return new WHOAREYOU challenges sent per second, to all peers together (burst as many); 0 = no limit} */
  public double challengesPerSecond() {
    return challengesPerSecond;
  }

  /** {@return distinct node ids one source IP may show within {@link #ipBan()} before it is ignored; 0 = off} */
  public int nodeIdsPerIp() {
    return nodeIdsPerIp;
  }

  /** {@return how long an IP that showed too many node ids is ignored (also the window they are counted in)} */
  public Duration ipBan() {
    return ipBan;
  }

  /**
   * {@return how many distinct nodes must report the same endpoint of ours in their PONGs before our
   * record takes it; 0 = endpoint voting off}
   */
  public int endpointVoters() {
    return endpointVoters;
  }

  /** {@return how long one node's endpoint vote counts} */
  public Duration endpointVoteTtl() {
    return endpointVoteTtl;
  }

  /** {@return the pause between two table refreshes (a self lookup and random lookups); zero = off} */
  public Duration refreshInterval() {
    return refreshInterval;
  }

  /** Builds a {@link Discv5Config}. */
  public static final class Builder {
    private final byte[] privateKey;
    private InetSocketAddress bind = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private InetAddress advertisedIp;
    private OptionalInt tcpPort = OptionalInt.empty();
    private OptionalInt quicPort = OptionalInt.empty();
    private Enr previousEnr;
    private Duration requestTimeout = Duration.ofSeconds(1);
    private int maxPendingRequests = 1024;
    private int maxPendingPerNode = 16;
    private int sessionCacheSize = 1000;
    private Duration sessionIdle = Duration.ofHours(24);
    private int maxChallenges = 1000;
    private Duration challengeTtl = Duration.ofSeconds(1);
    private int maxNodesPackets = 8;
    private int maxNodesRecords = 16;
    private int maxConcurrentLookups = 8;
    private Duration lookupTimeout = Duration.ofSeconds(60);
    private int lookupParallelism = 3;
    private double packetsPerIpPerSecond = 10;
    private int packetBurstPerIp = 20;
    private int rateLimitedIps = 10_000;
    private double handshakesPerSecond = 200;
    private IpLimits tableIpLimits = IpLimits.DEFAULT;
    private Duration revalidateMin = Duration.ofSeconds(5);
    private Duration revalidateMax = Duration.ofSeconds(10);
    private double requestsPerNodePerSecond = 8;
    private int requestBurstPerNode = 16;
    private double challengesPerSecond = 1000;
    private int nodeIdsPerIp = 10;
    private Duration ipBan = Duration.ofHours(1);
    private int endpointVoters = -1;
    private Duration endpointVoteTtl = Duration.ofMinutes(5);
    private Duration refreshInterval = Duration.ofMinutes(30);

    private Builder(byte[] privateKey) {
      if (!Secp256k1.isValidPrivateKey(privateKey)) {
        throw new IllegalArgumentException("not a secp256k1 private key");
      }
      this.privateKey = privateKey.clone();
    }

    /**
     * UDP address to bind; default 127.0.0.1, port 0 (any free port).
     *
     * @param v the address
     * @return this
     */
    public Builder bind(InetSocketAddress v) {
      this.bind = Objects.requireNonNull(v);
      return this;
    }

    /**
     * IP written into our record; required when binding a wildcard address; default the bind IP.
     *
     * @param v the address
     * @return this
     */
    public Builder advertisedIp(InetAddress v) {
      this.advertisedIp = v;
      return this;
    }

    /**
     * TCP port written into our record (libp2p); default none.
     *
     * @param v the port
     * @return this
     */
    public Builder tcpPort(int v) {
      this.tcpPort = OptionalInt.of(v);
      return this;
    }

    /**
     * UDP port of our libp2p QUIC v1 listener, written into our record as {@code quic} ({@code
     * quic6} for an IPv6 address; phase0 p2p-interface.md "ENR structure"); default none.
     *
     * @param v the port
     * @return this
     */
    public Builder quicPort(int v) {
      this.quicPort = OptionalInt.of(v);
      return this;
    }

    /**
     * Our record of an earlier run: the new one keeps its seq when nothing changed, else seq + 1.
     *
     * @param v the record, or null
     * @return this
     */
    public Builder previousEnr(Enr v) {
      this.previousEnr = v;
      return this;
    }

    /**
     * Per-request timeout; default 1 s.
     *
     * @param v the timeout
     * @return this
     */
    public Builder requestTimeout(Duration v) {
      this.requestTimeout = v;
      return this;
    }

    /**
     * Requests in flight: default 1024 in all and 16 per node.
     *
     * @param total in all
     * @param perNode per node
     * @return this
     */
    public Builder maxPendingRequests(int total, int perNode) {
      this.maxPendingRequests = total;
      this.maxPendingPerNode = perNode;
      return this;
    }

    /**
     * Session cache: default 1000 sessions, 24 h idle expiry.
     *
     * @param size sessions kept
     * @param idle idle expiry
     * @return this
     */
    public Builder sessions(int size, Duration idle) {
      this.sessionCacheSize = size;
      this.sessionIdle = idle;
      return this;
    }

    /**
     * Live challenges: default 1000, each live 1 s.
     *
     * @param max challenges kept
     * @param ttl lifetime
     * @return this
     */
    public Builder challenges(int max, Duration ttl) {
      this.maxChallenges = max;
      this.challengeTtl = ttl;
      return this;
    }

    /**
     * NODES limits: default 8 packets and 16 records accepted per FINDNODE.
     *
     * @param packets packets accepted
     * @param records records accepted (and sent at most)
     * @return this
     */
    public Builder nodesLimits(int packets, int records) {
      this.maxNodesPackets = packets;
      this.maxNodesRecords = records;
      return this;
    }

    /**
     * Lookups: default 8 at once, 60 s each, 3 queries in flight each.
     *
     * @param concurrent lookups at once
     * @param timeout bound on one
     * @param parallelism queries in flight per lookup
     * @return this
     */
    public Builder lookups(int concurrent, Duration timeout, int parallelism) {
      this.maxConcurrentLookups = concurrent;
      this.lookupTimeout = timeout;
      this.lookupParallelism = parallelism;
      return this;
    }

    /**
     * Per-IP datagram rate limit: default 10/s with a burst of 20, tracked for 10,000 IPs.
     *
     * @param perSecond datagrams per second per IP; 0 turns the limit off
     * @param burst burst per IP
     * @return this
     */
    public Builder packetRateLimit(double perSecond, int burst) {
      this.packetsPerIpPerSecond = perSecond;
      this.packetBurstPerIp = burst;
      return this;
    }

    /**
     * Handshakes verified per second, all peers together (each costs one ECDH and one signature
     * check); default 200, with a burst of as many; 0 = no limit.
     *
     * @param perSecond the rate
     * @return this
     */
    public Builder handshakeRateLimit(double perSecond) {
      this.handshakesPerSecond = perSecond;
      return this;
    }

    /**
     * Turns off every per-IP limit (datagram rate, table subnet limits, node ids per IP): for many nodes
     * on one host.
     *
     * @return this
     */
    public Builder noIpLimits() {
      this.packetsPerIpPerSecond = 0;
      this.tableIpLimits = IpLimits.OFF;
      this.nodeIdsPerIp = 0;
      return this;
    }

    /**
     * Routing table subnet limits; default {@link IpLimits#DEFAULT}.
     *
     * @param v the limits
     * @return this
     */
    public Builder tableIpLimits(IpLimits v) {
      this.tableIpLimits = v;
      return this;
    }

    /**
     * Pause between revalidation PINGs, random in [min, max]; default 5 to 10 s.
     *
     * @param min shortest
     * @param max longest
     * @return this
     */
    public Builder revalidation(Duration min, Duration max) {
      this.revalidateMin = min;
      this.revalidateMax = max;
      return this;
    }

    /**
     * Requests (PING, FINDNODE, TALKREQ) answered per second per node id, with a burst; default 8/s,
     * burst 16, tracked for as many node ids as IPs for the packet rate limit. Requests over it are
     * dropped unanswered. Responses to our own requests are never limited.
     *
     * @param perSecond the rate; 0 = no limit
     * @param burst the burst
     * @return this
     */
    public Builder requestRateLimit(double perSecond, int burst) {
      this.requestsPerNodePerSecond = perSecond;
      this.requestBurstPerNode = burst;
      return this;
    }

    /**
     * New WHOAREYOU challenges sent per second, to all peers together, with a burst of as many; default
     * 1000. Each answers a packet we cannot decrypt, so this bounds the replies a flood of such packets
     * (possibly with spoofed sources) gets out of us. Re-sending a live challenge is not counted.
     *
     * @param perSecond the rate; 0 = no limit
     * @return this
     */
    public Builder challengeRateLimit(double perSecond) {
      this.challengesPerSecond = perSecond;
      return this;
    }

    /**
     * Distinct node ids per source IP: an IP showing more than {@code max} of them (in message or
     * handshake packets) within {@code ban} is ignored for {@code ban}; default 10 and 1 hour; turned off
     * by {@link #noIpLimits()}. At most as many IPs are tracked as for the packet rate limit.
     *
     * @param max node ids allowed per IP; 0 = off
     * @param ban how long an offending IP is ignored
     * @return this
     */
    public Builder nodeIdsPerIp(int max, Duration ban) {
      this.nodeIdsPerIp = max;
      this.ipBan = Objects.requireNonNull(ban);
      return this;
    }

    /**
     * Endpoint voting: the address and port a PONG says it saw our PING come from is one vote of its
     * sender (its latest only, for {@code ttl}); when {@code minVoters} distinct nodes agree on an
     * endpoint of our address family that no other endpoint matches in votes, and it differs from our
     * record's, our record takes it (seq + 1). Default: 10 voters, 5 minutes, but off when
     * {@link #advertisedIp} was set (a configured address is kept) unless this is called.
     *
     * @param minVoters distinct agreeing voters needed; 0 = off
     * @param ttl how long a vote counts
     * @return this
     */
    public Builder endpointVoting(int minVoters, Duration ttl) {
      if (minVoters < 0) {
        throw new IllegalArgumentException("minVoters must not be negative");
      }
      this.endpointVoters = minVoters;
      this.endpointVoteTtl = Objects.requireNonNull(ttl);
      return this;
    }

    /**
     * Table refresh: every {@code interval} (the first one after at most 30 s), a lookup of our own id
     * and three of random ids, when the table is not empty; default 30 minutes; zero = off.
     *
     * @param interval pause between refreshes
     * @return this
     */
    public Builder refresh(Duration interval) {
      this.refreshInterval = Objects.requireNonNull(interval);
      return this;
    }

    /** {@return the config} */
    public Discv5Config build() {
      return new Discv5Config(this);
    }
  }
}
