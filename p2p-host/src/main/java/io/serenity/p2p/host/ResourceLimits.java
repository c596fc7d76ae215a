package io.serenity.p2p.host;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Limits of the {@link ResourceManager}: streams and buffered memory for the whole node, per peer
 * and per protocol. Connection counts and the per-connection and per-stream limits stay where they
 * were ({@link HostConfig#maxInboundConnections()}, {@link HostConfig#maxOutboundConnections()},
 * {@link HostConfig#maxStreamsPerConnection()}, {@link HostConfig#maxStreamReadBuffer()}); the
 * manager enforces and reports those too.
 *
 * <p>The defaults are sized for a beacon node with 100 peers on a 1 GiB heap: generous enough that
 * an honest peer never meets them (an Ethereum peer keeps a handful of streams open, the consensus
 * specs allow two concurrent requests per protocol), low enough that the worst a set of hostile
 * peers can make the node hold is bounded by {@link #systemMemory()} plus the per-stream bounds of
 * the muxers.
 *
 * @param systemInboundStreams inbound streams over all connections (default 8192)
 * @param systemOutboundStreams outbound streams over all connections (default 8192)
 * @param systemMemory bytes that all streams together may hold unread (default 256 MiB)
 * @param peerInboundStreams inbound streams of one peer (default 1024)
 * @param peerOutboundStreams outbound streams to one peer (default 1024)
 * @param peerMemory bytes one peer's streams may hold unread (default 32 MiB)
 * @param protocolInboundStreams inbound streams of one protocol over all peers (default 4096)
 * @param protocolPeerInboundStreams inbound streams of one protocol from one peer (default 256)
 * @param protocolPeerOutboundStreams outbound streams of one protocol to one peer (default 1024)
 * @param protocols per-protocol overrides of the three protocol limits above, by protocol id
 */
public record ResourceLimits(
    int systemInboundStreams,
    int systemOutboundStreams,
    long systemMemory,
    int peerInboundStreams,
    int peerOutboundStreams,
    long peerMemory,
    int protocolInboundStreams,
    int protocolPeerInboundStreams,
    int protocolPeerOutboundStreams,
    Map<String, ProtocolLimits> protocols) {

  /**
   * Limits of one protocol, overriding the defaults of {@link ResourceLimits}.
   *
   * @param inboundStreams inbound streams of the protocol over all peers
   * @param peerInboundStreams inbound streams of the protocol from one peer
   * @param peerOutboundStreams outbound streams of the protocol to one peer
   */
  public record ProtocolLimits(int inboundStreams, int peerInboundStreams, int peerOutboundStreams) {}

  /** Copies the per-protocol limits. */
  public ResourceLimits {
    protocols = Map.copyOf(Objects.requireNonNull(protocols, "protocols"));
  }

  /** {@return the defaults listed on the record components} */
  public static ResourceLimits defaults() {
    return new ResourceLimits(8192, 8192, 256L << 20, 1024, 1024, 32L << 20, 4096, 256, 1024, Map.of());
  }

  /**
   * {@return the limits that apply to {@code protocol}: its override, or the defaults of these limits}
   *
   * @param protocol the protocol id
   */
  public ProtocolLimits forProtocol(String protocol) {
    ProtocolLimits p = protocol == null ? null : protocols.get(protocol);
    return p != null ? p : new ProtocolLimits(protocolInboundStreams, protocolPeerInboundStreams, protocolPeerOutboundStreams);
  }

  /**
   * {@return a copy with {@code limits} for {@code protocol} (replacing an earlier override)}
   *
   * @param protocol the protocol id
   * @param limits its limits
   */
  public ResourceLimits withProtocol(String protocol, ProtocolLimits limits) {
    Map<String, ProtocolLimits> m = new TreeMap<>(protocols);
    m.put(Objects.requireNonNull(protocol, "protocol"), Objects.requireNonNull(limits, "limits"));
    return new ResourceLimits(systemInboundStreams, systemOutboundStreams, systemMemory, peerInboundStreams,
        peerOutboundStreams, peerMemory, protocolInboundStreams, protocolPeerInboundStreams,
        protocolPeerOutboundStreams, m);
  }

  /**
   * {@return a copy with the whole-node limits replaced}
   *
   * @param inboundStreams streams the peers may open
   * @param outboundStreams streams we may open
   * @param memory unread stream bytes
   */
  public ResourceLimits withSystem(int inboundStreams, int outboundStreams, long memory) {
    return new ResourceLimits(inboundStreams, outboundStreams, memory, peerInboundStreams, peerOutboundStreams,
        peerMemory, protocolInboundStreams, protocolPeerInboundStreams, protocolPeerOutboundStreams, protocols);
  }

  /**
   * {@return a copy with the per-peer limits replaced}
   *
   * @param inboundStreams streams one peer may open
   * @param outboundStreams streams we may open to one peer
   * @param memory unread stream bytes of one peer
   */
  public ResourceLimits withPeer(int inboundStreams, int outboundStreams, long memory) {
    return new ResourceLimits(systemInboundStreams, systemOutboundStreams, systemMemory, inboundStreams,
        outboundStreams, memory, protocolInboundStreams, protocolPeerInboundStreams, protocolPeerOutboundStreams,
        protocols);
  }

  /**
   * {@return a copy with the default per-protocol limits replaced}
   *
   * @param inboundStreams inbound streams of a protocol over all peers
   * @param peerInboundStreams inbound streams of a protocol from one peer
   * @param peerOutboundStreams outbound streams of a protocol to one peer
   */
  public ResourceLimits withProtocolDefaults(int inboundStreams, int peerInboundStreams, int peerOutboundStreams) {
    return new ResourceLimits(systemInboundStreams, systemOutboundStreams, systemMemory, peerInboundStreams,
        peerOutboundStreams, peerMemory, inboundStreams, peerInboundStreams, peerOutboundStreams, protocols);
  }

  /**
   * Rejects nonsense values with a message naming the field; returns this.
   *
   * @return these limits
   * @throws IllegalArgumentException naming the bad field
   */
  public ResourceLimits validate() {
    positive("systemInboundStreams", systemInboundStreams);
    positive("systemOutboundStreams", systemOutboundStreams);
    positive("systemMemory", systemMemory);
    positive("peerInboundStreams", peerInboundStreams);
    positive("peerOutboundStreams", peerOutboundStreams);
    positive("peerMemory", peerMemory);
    positive("protocolInboundStreams", protocolInboundStreams);
    positive("protocolPeerInboundStreams", protocolPeerInboundStreams);
    positive("protocolPeerOutboundStreams", protocolPeerOutboundStreams);
    if (peerMemory > systemMemory) {
      throw new IllegalArgumentException(
          "peerMemory (" + peerMemory + ") must not exceed systemMemory (" + systemMemory + ")");
    }
    for (Map.Entry<String, ProtocolLimits> e : protocols.entrySet()) {
      positive("protocols[" + e.getKey() + "].inboundStreams", e.getValue().inboundStreams());
      positive("protocols[" + e.getKey() + "].peerInboundStreams", e.getValue().peerInboundStreams());
      positive("protocols[" + e.getKey() + "].peerOutboundStreams", e.getValue().peerOutboundStreams());
    }
    return this;
  }

  private static void positive(String name, long v) {
    if (v < 1) {
      throw new IllegalArgumentException("resource limit " + name + " must be >= 1: " + v);
    }
  }
}
