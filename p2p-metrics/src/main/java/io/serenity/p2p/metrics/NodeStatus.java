package io.serenity.p2p.metrics;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.host.Connection;
import io.serenity.p2p.host.Host;
import io.serenity.p2p.host.PeerStore;
import io.serenity.p2p.host.ResourceManager;
import io.serenity.p2p.host.ResourceManager.Resource;
import io.serenity.p2p.host.ResourceManager.Scope;
import io.serenity.p2p.pubsub.PubSub;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A snapshot of a node for its status page and metrics: identity, addresses, connected peers with
 * direction, agent and pubsub score, and each subscribed topic's mesh.
 *
 * @param peerId our PeerId (base58)
 * @param addrs our listen addresses
 * @param peers connected peers, sorted by score then id
 * @param meshes subscribed topic to our mesh peers (empty lists for floodsub)
 * @param resources the resource manager's usage against its limits
 */
public record NodeStatus(String peerId, List<String> addrs, List<PeerStatus> peers, Map<String, List<String>> meshes,
    List<ResourceStatus> resources) {

  /**
   * A snapshot without resource rows.
   *
   * @param peerId our PeerId (base58)
   * @param addrs our listen addresses
   * @param peers connected peers, sorted by score then id
   * @param meshes subscribed topic to our mesh peers
   */
  public NodeStatus(String peerId, List<String> addrs, List<PeerStatus> peers, Map<String, List<String>> meshes) {
    this(peerId, addrs, peers, meshes, List.of());
  }

  /**
   * One row of the resource table.
   *
   * @param name what is counted and where, e.g. "inbound streams (node)"
   * @param used current usage
   * @param limit the limit in force
   * @param refused refusals so far at this scope
   */
  public record ResourceStatus(String name, long used, long limit, long refused) {}

  /** The resource rows of {@code rm}: the node's totals and its busiest peer's. */
  static List<ResourceStatus> resources(ResourceManager rm) {
    ResourceManager.Usage u = rm.usage();
    int peerIn = 0;
    int peerOut = 0;
    long peerMem = 0;
    for (ResourceManager.PeerUsage p : rm.peerUsage()) {
      peerIn = Math.max(peerIn, p.inboundStreams());
      peerOut = Math.max(peerOut, p.outboundStreams());
      peerMem = Math.max(peerMem, p.memory());
    }
    Scope sys = Scope.SYSTEM;
    Scope peer = Scope.PEER;
    return List.of(
        row(rm, "inbound connections (node)", u.inboundConnections(), sys, Resource.INBOUND_CONNECTIONS),
        row(rm, "outbound connections (node)", u.outboundConnections(), sys, Resource.OUTBOUND_CONNECTIONS),
        row(rm, "inbound streams (node)", u.inboundStreams(), sys, Resource.INBOUND_STREAMS),
        row(rm, "outbound streams (node)", u.outboundStreams(), sys, Resource.OUTBOUND_STREAMS),
        row(rm, "unread bytes (node)", u.memory(), sys, Resource.MEMORY),
        row(rm, "inbound streams (busiest peer)", peerIn, peer, Resource.INBOUND_STREAMS),
        row(rm, "outbound streams (busiest peer)", peerOut, peer, Resource.OUTBOUND_STREAMS),
        row(rm, "unread bytes (busiest peer)", peerMem, peer, Resource.MEMORY),
        row(rm, "inbound streams (one protocol, one peer)", -1, Scope.PROTOCOL_PEER, Resource.INBOUND_STREAMS),
        row(rm, "streams (one connection)", -1, Scope.CONNECTION, Resource.INBOUND_STREAMS));
  }

  private static ResourceStatus row(ResourceManager rm, String name, long used, Scope scope, Resource r) {
    long refused = rm.refusals(scope, r);
    if (scope == Scope.CONNECTION) {
      refused += rm.refusals(scope, Resource.OUTBOUND_STREAMS);
    }
    return new ResourceStatus(name, used, rm.limit(scope, r), refused);
  }

  /** How long a snapshot waits for the pubsub router thread before giving up on its part. */
  static final Duration ROUTER_WAIT = Duration.ofSeconds(2);

  /**
   * One connected peer.
   *
   * @param peerId base58
   * @param direction "inbound" or "outbound"
   * @param addr the connection's remote address
   * @param transport {@code tcp} or {@code quic} ({@link Connection#transport()})
   * @param security {@code noise}, {@code tls} or {@code quic-tls} (QUIC's own TLS 1.3)
   * @param muxer {@code yamux}, {@code mplex} or {@code quic} (QUIC's own streams)
   * @param agent identify agent version, or "" when unknown
   * @param streams open streams on the connection
   * @param score the pubsub router's score (0 without scoring)
   */
  public record PeerStatus(String peerId, String direction, String addr, String transport, String security,
      String muxer, String agent, int streams, double score) {}

  /**
   * Takes a snapshot of {@code host} and, if not null, {@code pubsub}.
   *
   * @param host the host
   * @param pubsub its pubsub, or null
   * @return the snapshot
   */
  public static NodeStatus of(Host host, PubSub pubsub) {
    Map<PeerId, Double> scores = pubsub == null ? Map.of() : answer(pubsub.scores(), Map.of());
    List<PeerStatus> peers = new ArrayList<>();
    for (Connection c : host.connections()) {
      PeerId id = c.remotePeer();
      String agent = host.peerStore().get(id).flatMap(PeerStore.PeerData::agentVersion).orElse("");
      peers.add(new PeerStatus(id.toBase58(), c.isInitiator() ? "outbound" : "inbound", c.remoteAddr().toString(),
          c.transport(), P2pMetrics.securityLabel(c), P2pMetrics.muxerLabel(c), agent, c.streamCount(),
          scores.getOrDefault(id, 0.0)));
    }
    peers.sort(Comparator.comparingDouble(PeerStatus::score).reversed().thenComparing(PeerStatus::peerId));
    Map<String, List<String>> meshes = new TreeMap<>();
    if (pubsub != null) {
      Set<String> topics = answer(pubsub.topics(), Set.of());
      for (String t : topics) {
        List<String> mesh = new ArrayList<>();
        for (PeerId p : answer(pubsub.meshPeers(t), List.of())) {
          mesh.add(p.toBase58());
        }
        mesh.sort(null);
        meshes.put(t, mesh);
      }
    }
    List<String> addrs = host.listenAddrs().stream().map(Object::toString).toList();
    return new NodeStatus(host.peerId().toBase58(), addrs, peers, meshes, resources(host.resourceManager()));
  }

  /** The router's answer, or {@code fallback} if it is closed or does not answer in time. */
  static <T> T answer(CompletableFuture<T> f, T fallback) {
    try {
      return f.get(ROUTER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fallback;
    } catch (Exception e) {
      return fallback; // a closed or stalled router: show what the host knows rather than hang the page
    }
  }
}
