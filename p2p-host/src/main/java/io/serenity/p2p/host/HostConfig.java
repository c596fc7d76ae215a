package io.serenity.p2p.host;

import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.quic.QuicConfig;
import java.time.Duration;
import java.util.List;

/**
 * Limits and settings of a {@link Host}. Start from {@link #defaults()} or {@link #builder()}.
 *
 * @param maxInboundConnections accepted connections, including those still in handshake (default
 *     128); connections beyond it are closed on accept
 * @param maxOutboundConnections dialled connections, including dials in progress (default 128)
 * @param maxStreamsPerConnection open streams per connection, both directions (default 1024;
 *     given to the muxers too); inbound streams beyond it are reset, outbound ones fail
 * @param handshakeTimeout time for the whole upgrade of a new connection (default 10 s)
 * @param dialTimeout time for the TCP connect of one dial attempt (default 10 s)
 * @param maxMultistreamMessageLength longest multistream-select message (default 1024)
 * @param maxNoiseFrame largest Noise message, tag included (default 65535)
 * @param idleStreamTimeout a stream without traffic for this long is reset (default 5 min)
 * @param maxIdentifyMessageSize largest identify message accepted (default 64 KiB)
 * @param maxStreamReadBuffer unread bytes a stream holds for {@link Stream#readMessage} before it
 *     is reset (default 4 MiB)
 * @param muxers muxer protocol ids in preference order (default yamux, then mplex)
 * @param agentVersion sent in identify (default {@code serenity-p2p/0.1.0})
 * @param protocolVersion sent in identify (default {@code ipfs/0.1.0})
 * @param inlineMuxerNegotiation offer muxers inside the security handshake (default true); off
 *     forces multistream-select for the muxer
 * @param connectionLowWater the connection manager trims down to this many connections (default 80)
 * @param connectionHighWater above this many open connections the connection manager trims by
 *     value (default 100; below the inbound limit, so a full node still accepts newcomers)
 * @param connectionGracePeriod a new connection is not trimmed for this long (default 20 s)
 * @param resources limits on streams and unread bytes for the whole node, per peer and per
 *     protocol (default {@link ResourceLimits#defaults()}); see {@link ResourceManager}
 * @param maxConnectionWriteBuffer bytes one connection may hold waiting for the peer to read them
 *     (the socket's outbound buffer, default 64 MiB); a write that would pass it closes the
 *     connection (mplex first resets the stream whose write would pass it)
 * @param maxNodeWriteBuffer bytes queued for writing over all connections (default 256 MiB); a write
 *     that would pass it closes the connection holding the most
 * @param advertiseAddrs addresses others can reach us at that the host cannot see itself, e.g. the
 *     public address of a NAT that forwards our port (default none); identify sends them first, then
 *     {@link Host#listenAddrs()}. Without {@code /p2p}, and no wildcard (0.0.0.0, ::)
 * @param securityProtocols security protocols: a dial proposes them in this order, a listener
 *     accepts any of them (default {@link #NOISE}, then {@link #TLS}); at least one of those two
 * @param quic settings of QUIC connections (default {@link QuicConfig#defaults()}); their stream
 *     limit is also capped by {@code maxStreamsPerConnection}, and QUIC handshakes take
 *     {@link QuicConfig#handshakeTimeout()} instead of {@code handshakeTimeout}
 * @param readBufferPool bytes of large read buffers (128 KiB and up) the node keeps for reuse by its
 *     streams (default 32 MiB; 0 keeps none): a stream gathering a message larger than 64 KiB takes
 *     its buffer from this pool and gives it back once the message is read, instead of growing a new
 *     one per message. What a stream may hold is still bounded by {@code maxStreamReadBuffer} and
 *     {@code resources}; this only bounds what the node keeps when no stream needs it
 */
public record HostConfig(
    int maxInboundConnections,
    int maxOutboundConnections,
    int maxStreamsPerConnection,
    Duration handshakeTimeout,
    Duration dialTimeout,
    int maxMultistreamMessageLength,
    int maxNoiseFrame,
    Duration idleStreamTimeout,
    int maxIdentifyMessageSize,
    int maxStreamReadBuffer,
    List<String> muxers,
    String agentVersion,
    String protocolVersion,
    boolean inlineMuxerNegotiation,
    int connectionLowWater,
    int connectionHighWater,
    Duration connectionGracePeriod,
    ResourceLimits resources,
    long maxConnectionWriteBuffer,
    long maxNodeWriteBuffer,
    List<Multiaddr> advertiseAddrs,
    List<String> securityProtocols,
    QuicConfig quic,
    long readBufferPool) {

  /** Default of {@link #readBufferPool()}: 32 MiB. */
  public static final long DEFAULT_READ_BUFFER_POOL = 32L << 20;
  /** The Noise security protocol id. */
  public static final String NOISE = "/noise";
  /** The TLS 1.3 security protocol id. */
  public static final String TLS = "/tls/1.0.0";
  /** The yamux protocol id. */
  public static final String YAMUX = "/yamux/1.0.0";
  /** The mplex protocol id. */
  public static final String MPLEX = "/mplex/6.7.0";

  /** Copies the muxer list. */
  public HostConfig {
    muxers = List.copyOf(muxers);
    advertiseAddrs = List.copyOf(advertiseAddrs);
    securityProtocols = List.copyOf(securityProtocols);
  }

  /** {@return the defaults listed on the record components} */
  public static HostConfig defaults() {
    return new HostConfig(
        128,
        128,
        1024,
        Duration.ofSeconds(10),
        Duration.ofSeconds(10),
        1024,
        65535,
        Duration.ofMinutes(5),
        64 * 1024,
        4 * 1024 * 1024,
        List.of(YAMUX, MPLEX),
        "serenity-p2p/0.1.0",
        "ipfs/0.1.0",
        true,
        80,
        100,
        Duration.ofSeconds(20),
        ResourceLimits.defaults(),
        64L << 20,
        256L << 20,
        List.of(),
        List.of(NOISE, TLS),
        QuicConfig.defaults(),
        DEFAULT_READ_BUFFER_POOL);
  }

  /** {@return a builder starting from {@link #defaults()}} */
  public static Builder builder() {
    return new Builder(defaults());
  }

  /** {@return a builder starting from this config} */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Rejects nonsense values with a message naming the field; returns this.
   *
   * @return this config
   * @throws IllegalArgumentException naming the bad field
   */
  public HostConfig validate() {
    positive("maxInboundConnections", maxInboundConnections);
    positive("maxOutboundConnections", maxOutboundConnections);
    positive("maxStreamsPerConnection", maxStreamsPerConnection);
    positive("handshakeTimeout", handshakeTimeout);
    positive("dialTimeout", dialTimeout);
    positive("idleStreamTimeout", idleStreamTimeout);
    if (maxMultistreamMessageLength < 20 || maxMultistreamMessageLength > 65535) {
      throw new IllegalArgumentException(
          "maxMultistreamMessageLength must be in [20, 65535]: " + maxMultistreamMessageLength);
    }
    if (maxNoiseFrame < 32 || maxNoiseFrame > 65535) {
      throw new IllegalArgumentException("maxNoiseFrame must be in [32, 65535]: " + maxNoiseFrame);
    }
    if (maxIdentifyMessageSize < 256) {
      throw new IllegalArgumentException(
          "maxIdentifyMessageSize must be >= 256: " + maxIdentifyMessageSize);
    }
    positive("maxStreamReadBuffer", maxStreamReadBuffer);
    if (readBufferPool < 0) {
      throw new IllegalArgumentException("readBufferPool must be >= 0: " + readBufferPool);
    }
    if (connectionLowWater < 0 || connectionHighWater < 1 || connectionLowWater > connectionHighWater) {
      throw new IllegalArgumentException("connection watermarks must satisfy 0 <= connectionLowWater ("
          + connectionLowWater + ") <= connectionHighWater (" + connectionHighWater + "), high >= 1");
    }
    if (connectionGracePeriod == null || connectionGracePeriod.isNegative()) {
      throw new IllegalArgumentException("connectionGracePeriod must be >= 0: " + connectionGracePeriod);
    }
    if (resources == null) {
      throw new IllegalArgumentException("resources must be set");
    }
    resources.validate();
    if (resources.peerMemory() < maxStreamReadBuffer) {
      throw new IllegalArgumentException("resources.peerMemory (" + resources.peerMemory()
          + ") must be at least maxStreamReadBuffer (" + maxStreamReadBuffer + "): one stream may hold that much");
    }
    if (maxConnectionWriteBuffer < 64 * 1024 || maxNodeWriteBuffer < maxConnectionWriteBuffer) {
      throw new IllegalArgumentException("write buffers must satisfy 64 KiB <= maxConnectionWriteBuffer ("
          + maxConnectionWriteBuffer + ") <= maxNodeWriteBuffer (" + maxNodeWriteBuffer + ")");
    }
    if (muxers.isEmpty()) {
      throw new IllegalArgumentException("muxers must not be empty");
    }
    for (String m : muxers) {
      if (!m.equals(YAMUX) && !m.equals(MPLEX)) {
        throw new IllegalArgumentException("unknown muxer " + m + "; known: " + YAMUX + ", " + MPLEX);
      }
    }
    io.serenity.p2p.upgrade.UpgraderConfig.validateSecurityProtocols(securityProtocols);
    if (quic == null) {
      throw new IllegalArgumentException("quic must be set");
    }
    quic.validate();
    if (agentVersion == null || protocolVersion == null) {
      throw new IllegalArgumentException("agentVersion and protocolVersion must be set");
    }
    for (Multiaddr a : advertiseAddrs) {
      if (a.isEmpty() || a.has(Multiaddr.Protocol.P2P)) {
        throw new IllegalArgumentException(
            "advertiseAddrs must be addresses without /p2p (identify names the peer itself): '" + a + "'");
      }
      if (isWildcard(a.components().get(0))) {
        throw new IllegalArgumentException(
            "advertiseAddrs must not be a wildcard (0.0.0.0, ::), which no peer can dial: '" + a + "'");
      }
    }
    return this;
  }

  private static boolean isWildcard(Multiaddr.Component c) {
    if (c.protocol() != Multiaddr.Protocol.IP4 && c.protocol() != Multiaddr.Protocol.IP6) {
      return false;
    }
    for (byte b : c.value()) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static void positive(String name, int v) {
    if (v < 1) {
      throw new IllegalArgumentException(name + " must be >= 1: " + v);
    }
  }

  private static void positive(String name, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
  }

  /** Mutable builder; {@link #build()} validates. */
  public static final class Builder {
    private int maxInboundConnections;
    private int maxOutboundConnections;
    private int maxStreamsPerConnection;
    private Duration handshakeTimeout;
    private Duration dialTimeout;
    private int maxMultistreamMessageLength;
    private int maxNoiseFrame;
    private Duration idleStreamTimeout;
    private int maxIdentifyMessageSize;
    private int maxStreamReadBuffer;
    private List<String> muxers;
    private String agentVersion;
    private String protocolVersion;
    private boolean inlineMuxerNegotiation;
    private int connectionLowWater;
    private int connectionHighWater;
    private Duration connectionGracePeriod;
    private ResourceLimits resources;
    private long maxConnectionWriteBuffer;
    private long maxNodeWriteBuffer;
    private List<Multiaddr> advertiseAddrs;
    private List<String> securityProtocols;
    private QuicConfig quic;
    private long readBufferPool;

    private Builder(HostConfig c) {
      maxInboundConnections = c.maxInboundConnections;
      maxOutboundConnections = c.maxOutboundConnections;
      maxStreamsPerConnection = c.maxStreamsPerConnection;
      handshakeTimeout = c.handshakeTimeout;
      dialTimeout = c.dialTimeout;
      maxMultistreamMessageLength = c.maxMultistreamMessageLength;
      maxNoiseFrame = c.maxNoiseFrame;
      idleStreamTimeout = c.idleStreamTimeout;
      maxIdentifyMessageSize = c.maxIdentifyMessageSize;
      maxStreamReadBuffer = c.maxStreamReadBuffer;
      muxers = c.muxers;
      agentVersion = c.agentVersion;
      protocolVersion = c.protocolVersion;
      inlineMuxerNegotiation = c.inlineMuxerNegotiation;
      connectionLowWater = c.connectionLowWater;
      connectionHighWater = c.connectionHighWater;
      connectionGracePeriod = c.connectionGracePeriod;
      resources = c.resources;
      maxConnectionWriteBuffer = c.maxConnectionWriteBuffer;
      maxNodeWriteBuffer = c.maxNodeWriteBuffer;
      advertiseAddrs = c.advertiseAddrs;
      securityProtocols = c.securityProtocols;
      quic = c.quic;
      readBufferPool = c.readBufferPool;
    }

    /**
     * Sets {@link HostConfig#readBufferPool()}.
     *
     * @param bytes the most bytes of large read buffers kept for reuse; 0 keeps none
     * @return this builder
     */
    public Builder readBufferPool(long bytes) {
      readBufferPool = bytes;
      return this;
    }

    /**
     * Sets the QUIC settings (default {@link QuicConfig#defaults()}).
     *
     * @param v the settings
     * @return this builder
     */
    public Builder quic(QuicConfig v) {
      this.quic = v;
      return this;
    }

    /**
     * Replaces the advertised addresses: where others can reach us beyond our own listen addresses,
     * e.g. {@code /ip4/203.0.113.7/tcp/9000} forwarded by a NAT, or {@code /dns4/node.example.org/tcp/9000}.
     *
     * @param v the addresses, without {@code /p2p}
     * @return this builder
     */
    public Builder advertiseAddrs(List<Multiaddr> v) {
      advertiseAddrs = v;
      return this;
    }

    /**
     * Bytes one connection may hold waiting for the peer to read them, and bytes queued for writing
     * over all connections.
     *
     * @param perConnection see {@link HostConfig#maxConnectionWriteBuffer()}
     * @param node see {@link HostConfig#maxNodeWriteBuffer()}
     * @return this builder
     */
    public Builder writeBuffers(long perConnection, long node) {
      maxConnectionWriteBuffer = perConnection;
      maxNodeWriteBuffer = node;
      return this;
    }

    /**
     * Sets {@link HostConfig#resources()}.
     *
     * @param v limits on streams and unread bytes
     * @return this builder
     */
    public Builder resources(ResourceLimits v) {
      resources = v;
      return this;
    }

    /**
     * Connection manager watermarks: trim to {@code low} by value when above {@code high}.
     *
     * @param low see {@link HostConfig#connectionLowWater()}
     * @param high see {@link HostConfig#connectionHighWater()}
     * @return this builder
     */
    public Builder connectionWatermarks(int low, int high) {
      connectionLowWater = low;
      connectionHighWater = high;
      return this;
    }

    /**
     * Sets {@link HostConfig#connectionGracePeriod()}: how long a new connection is exempt from trimming.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder connectionGracePeriod(Duration v) {
      connectionGracePeriod = v;
      return this;
    }

    /**
     * Sets {@link HostConfig#maxInboundConnections()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder maxInboundConnections(int v) {
      maxInboundConnections = v;
      return this;
    }

    /**
     * Sets {@link HostConfig#maxOutboundConnections()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder maxOutboundConnections(int v) {
      maxOutboundConnections = v;
      return this;
    }

    /**
     * Sets {@link HostConfig#maxStreamsPerConnection()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder maxStreamsPerConnection(int v) {
      maxStreamsPerConnection = v;
      return this;
    }

    /**
     * Sets {@link HostConfig#handshakeTimeout()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder handshakeTimeout(Duration v) {
      handshakeTimeout = v;
      return this;
    }

    /**
     * Sets {@link HostConfig#dialTimeout()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder dialTimeout(Duration v) {
      dialTimeout = v;
      return this;
    }

    /**
     * Sets {@link HostConfig#maxMultistreamMessageLength()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder maxMultistreamMessageLength(int v) {
      maxMultistreamMessageLength = v;
      return this;
    }

    /**
     * Sets {@link HostConfig#maxNoiseFrame()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder maxNoiseFrame(int v) {
      maxNoiseFrame = v;
      return this;
    }

    /**
     * Sets {@link HostConfig#idleStreamTimeout()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder idleStreamTimeout(Duration v) {
      idleStreamTimeout = v;
      return this;
    }

    /**
     * Sets {@link HostConfig#maxIdentifyMessageSize()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder maxIdentifyMessageSize(int v) {
      maxIdentifyMessageSize = v;
      return this;
    }

    /**
     * Sets {@link HostConfig#maxStreamReadBuffer()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder maxStreamReadBuffer(int v) {
      maxStreamReadBuffer = v;
      return this;
    }

    /**
     * Muxer protocol ids in preference order: {@link #YAMUX}, {@link #MPLEX}.
     *
     * @param ids protocol ids, best first
     * @return this builder
     */
    public Builder muxers(String... ids) {
      muxers = List.of(ids);
      return this;
    }

    /**
     * Security protocols in the order a dial proposes them: {@link #NOISE}, {@link #TLS}. A listener
     * accepts any of them.
     *
     * @param ids protocol ids, best first
     * @return this builder
     */
    public Builder securityProtocols(String... ids) {
      securityProtocols = List.of(ids);
      return this;
    }

    /**
     * Sets {@link HostConfig#agentVersion()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder agentVersion(String v) {
      agentVersion = v;
      return this;
    }

    /**
     * Sets {@link HostConfig#protocolVersion()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder protocolVersion(String v) {
      protocolVersion = v;
      return this;
    }

    /**
     * Sets {@link HostConfig#inlineMuxerNegotiation()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder inlineMuxerNegotiation(boolean v) {
      inlineMuxerNegotiation = v;
      return this;
    }

    /**
     * {@return the config}
     *
     * @throws IllegalArgumentException naming the first bad field ({@link HostConfig#validate()})
     */
    public HostConfig build() {
      return new HostConfig(
              maxInboundConnections,
              maxOutboundConnections,
              maxStreamsPerConnection,
              handshakeTimeout,
              dialTimeout,
              maxMultistreamMessageLength,
              maxNoiseFrame,
              idleStreamTimeout,
              maxIdentifyMessageSize,
              maxStreamReadBuffer,
              muxers,
              agentVersion,
              protocolVersion,
              inlineMuxerNegotiation,
              connectionLowWater,
              connectionHighWater,
              connectionGracePeriod,
              resources,
              maxConnectionWriteBuffer,
              maxNodeWriteBuffer,
              advertiseAddrs,
              securityProtocols,
              quic,
              readBufferPool)
          .validate();
    }
  }
}
