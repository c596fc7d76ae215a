package io.serenity.p2p.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.host.Connection;
import io.serenity.p2p.host.Host;
import io.serenity.p2p.host.HostConfig;
import io.serenity.p2p.host.ResourceManager;
import io.serenity.p2p.host.Traffic;
import io.serenity.p2p.pubsub.PeerScore;
import io.serenity.p2p.pubsub.PubSub;
import io.serenity.p2p.pubsub.TopicCounters;
import io.serenity.p2p.transport.WriteBudget;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Registers Prometheus metrics for a {@link Host} and, optionally, its {@link PubSub} in a registry
 * (yours, or a fresh one served by {@link MetricsServer}). Every metric is read at scrape time from
 * the node's own counters, so nothing is counted twice and nothing runs between scrapes.
 *
 * <table>
 *   <caption>metrics</caption>
 *   <tr><td>{@code libp2p_peers{direction}}</td><td>connected peers, inbound and outbound</td></tr>
 *   <tr><td>{@code libp2p_connections{transport,security,muxer}}</td><td>open connections: transport tcp or
 *       quic, security noise, tls or quic-tls (QUIC's own TLS 1.3), muxer yamux, mplex or quic (QUIC's own
 *       streams)</td></tr>
 *   <tr><td>{@code libp2p_streams}</td><td>open streams over all connections</td></tr>
 *   <tr><td>{@code libp2p_stream_bytes_total{protocol,direction}}</td><td>payload bytes by protocol, in and out</td></tr>
 *   <tr><td>{@code libp2p_rcmgr_connections{direction}}</td><td>whole-node connections, inbound and outbound</td></tr>
 *   <tr><td>{@code libp2p_rcmgr_streams{direction}}</td><td>whole-node streams, inbound and outbound</td></tr>
 *   <tr><td>{@code libp2p_rcmgr_memory_bytes}</td><td>whole-node unread stream bytes</td></tr>
 *   <tr><td>{@code libp2p_rcmgr_connections_limit{scope,direction}}, {@code libp2p_rcmgr_streams_limit{scope,direction}},
 *       {@code libp2p_rcmgr_memory_limit_bytes{scope}}</td><td>the limits in force (protocol scopes: the defaults)</td></tr>
 *   <tr><td>{@code libp2p_rcmgr_protocol_streams{protocol,direction}}</td><td>open streams per protocol</td></tr>
 *   <tr><td>{@code libp2p_rcmgr_peer_max_streams{direction}}, {@code libp2p_rcmgr_peer_max_memory_bytes}</td><td>the
 *       largest per-peer usage of streams and unread bytes</td></tr>
 *   <tr><td>{@code libp2p_rcmgr_refusals_total{scope,resource}}</td><td>connections, streams and buffers refused by a limit</td></tr>
 *   <tr><td>{@code libp2p_write_bound_hits_total{scope,muxer}}</td><td>write-path bounds met: scope stream
 *       (a write refused or a stream reset), connection (a stream reset or the connection closed), node
 *       (the connection holding the most closed); muxer yamux, mplex or none (before one was agreed)</td></tr>
 *   <tr><td>{@code libp2p_write_queued_bytes}</td><td>bytes queued for writing over all connections</td></tr>
 *   <tr><td>{@code libp2p_write_limit_bytes{scope}}</td><td>the per-connection and node write bounds</td></tr>
 *   <tr><td>{@code pubsub_messages_total{topic,outcome}}</td><td>published, received, validated, rejected, ignored, dropped, subscriber_dropped</td></tr>
 *   <tr><td>{@code pubsub_mesh_peers{topic}}</td><td>mesh size per subscribed topic</td></tr>
 *   <tr><td>{@code pubsub_peer_score{stat}}</td><td>min, p10, p50, p90, max of the peers' scores</td></tr>
 *   <tr><td>{@code pubsub_peers_negative_score}</td><td>peers scoring below 0</td></tr>
 *   <tr><td>{@code pubsub_queue_drops_total}</td><td>RPCs dropped because a peer's outbound queue (or all peers' together) was full</td></tr>
 *   <tr><td>{@code pubsub_queue_disconnects_total}</td><td>peers disconnected because their control queue overflowed</td></tr>
 *   <tr><td>{@code pubsub_publish_refusals_total}, {@code pubsub_publish_timeouts_total}</td><td>own publishes refused
 *       at once, and copies of them given up on, because peers' queues stayed full</td></tr>
 *   <tr><td>{@code pubsub_rejected_messages_total{reason}}</td><td>received messages not delivered, by reason</td></tr>
 *   <tr><td>{@code pubsub_graylist_disconnects_total}</td><td>peers disconnected for a score below the graylist threshold</td></tr>
 *   <tr><td>{@code pubsub_stream_reopens_total}</td><td>pubsub streams reopened on a live connection</td></tr>
 * </table>
 *
 * <p>Names follow the Prometheus conventions: counters end in {@code _total}, sizes are in bytes and say
 * so, and each metric has one unit, so summing over its labels means something. {@link #registerJvm}
 * adds the JVM's and the process's own metrics ({@code jvm_*}, {@code process_*}).
 */
public final class P2pMetrics {

  private P2pMetrics() {}

  /**
   * Registers the metrics of {@code host} and {@code pubsub} (may be null) in {@code registry}.
   *
   * @param registry where the metrics go
   * @param host the host to measure
   * @param pubsub its pubsub, or null
   */
  public static void register(PrometheusRegistry registry, Host host, PubSub pubsub) {
    GaugeWithCallback.builder()
        .name("libp2p_peers")
        .help("Connected peers by connection direction")
        .labelNames("direction")
        .callback(cb -> {
          int in = 0;
          int out = 0;
          for (Connection c : host.connections()) {
            if (c.isInitiator()) {
              out++;
            } else {
              in++;
            }
          }
          cb.call(in, "inbound");
          cb.call(out, "outbound");
        })
        .register(registry);
    GaugeWithCallback.builder()
        .name("libp2p_connections")
        .help("Open connections by transport (tcp, quic), security (noise, tls, quic-tls) and muxer (yamux, mplex, quic)")
        .labelNames("transport", "security", "muxer")
        .callback(cb -> {
          Map<List<String>, Integer> counts = new java.util.TreeMap<>(
              Comparator.comparing((List<String> k) -> String.join("\u0000", k)));
          for (Connection c : host.connections()) {
            counts.merge(List.of(c.transport(), securityLabel(c), muxerLabel(c)), 1, Integer::sum);
          }
          counts.forEach((k, n) -> cb.call(n, k.get(0), k.get(1), k.get(2)));
        })
        .register(registry);
    GaugeWithCallback.builder()
        .name("libp2p_streams")
        .help("Open streams over all connections")
        .callback(cb -> cb.call(host.connections().stream().mapToInt(Connection::streamCount).sum()))
        .register(registry);
    CounterWithCallback.builder()
        .name("libp2p_stream_bytes")
        .help("Stream payload bytes by protocol and direction")
        .labelNames("protocol", "direction")
        .callback(cb -> {
          for (Map.Entry<String, Traffic.Totals> e : host.traffic().snapshot().entrySet()) {
            cb.call(e.getValue().bytesIn(), e.getKey(), "in");
            cb.call(e.getValue().bytesOut(), e.getKey(), "out");
          }
        })
        .register(registry);
    registerResources(registry, host.resourceManager());
    registerWriteBounds(registry, host.writeBudget());
    if (pubsub == null) {
      return;
    }
    CounterWithCallback.builder()
        .name("pubsub_messages")
        .help("Pubsub messages by topic and outcome")
        .labelNames("topic", "outcome")
        .callback(cb -> {
          for (Map.Entry<String, TopicCounters.Snapshot> e : pubsub.stats().entrySet()) {
            String t = e.getKey();
            TopicCounters.Snapshot c = e.getValue();
            cb.call(c.published(), t, "published");
            cb.call(c.received(), t, "received");
            cb.call(c.validated(), t, "validated");
            cb.call(c.rejected(), t, "rejected");
            cb.call(c.ignored(), t, "ignored");
            cb.call(c.dropped(), t, "dropped");
            cb.call(c.subscriberDrops(), t, "subscriber_dropped");
          }
        })
        .register(registry);
    GaugeWithCallback.builder()
        .name("pubsub_mesh_peers")
        .help("Mesh peers per subscribed topic (0 for floodsub)")
        .labelNames("topic")
        .callback(cb -> {
          for (String t : NodeStatus.answer(pubsub.topics(), Set.of())) {
            cb.call(NodeStatus.answer(pubsub.meshPeers(t), List.of()).size(), t);
          }
        })
        .register(registry);
    GaugeWithCallback.builder()
        .name("pubsub_peer_score")
        .help("Distribution of the pubsub peers' scores (absent without peers)")
        .labelNames("stat")
        .callback(cb -> {
          Map<PeerId, Double> scores = NodeStatus.answer(pubsub.scores(), Map.of());
          if (scores.isEmpty()) {
            return;
          }
          double[] s = scores.values().stream().mapToDouble(Double::doubleValue).toArray();
          Arrays.sort(s);
          cb.call(s[0], "min");
          cb.call(quantile(s, 0.1), "p10");
          cb.call(quantile(s, 0.5), "p50");
          cb.call(quantile(s, 0.9), "p90");
          cb.call(s[s.length - 1], "max");
        })
        .register(registry);
    GaugeWithCallback.builder()
        .name("pubsub_peers_negative_score")
        .help("Pubsub peers scoring below 0")
        .callback(cb -> cb.call(
            NodeStatus.answer(pubsub.scores(), Map.<PeerId, Double>of()).values().stream().filter(v -> v < 0).count()))
        .register(registry);
    CounterWithCallback.builder()
        .name("pubsub_queue_drops")
        .help("RPCs dropped because a peer's outbound queue was full")
        .callback(cb -> cb.call(pubsub.queueDrops()))
        .register(registry);
    CounterWithCallback.builder()
        .name("pubsub_publish_refusals")
        .help("Own publishes refused at once because publishBacklogBytes of them already waited for slow peers")
        .callback(cb -> cb.call(pubsub.publishRefusals()))
        .register(registry);
    CounterWithCallback.builder()
        .name("pubsub_publish_timeouts")
        .help("Copies of own publishes not sent to a peer whose queue stayed full for publishWait")
        .callback(cb -> cb.call(pubsub.publishTimeouts()))
        .register(registry);
    CounterWithCallback.builder()
        .name("pubsub_queue_disconnects")
        .help("Peers disconnected because their outbound control queue overflowed (they did not read)")
        .callback(cb -> cb.call(pubsub.queueDisconnects()))
        .register(registry);
    CounterWithCallback.builder()
        .name("pubsub_rejected_messages")
        .help("Received messages not delivered, by reason (signature, size, self-origin, queue full, validator)")
        .labelNames("reason")
        .callback(cb -> {
          // every reason, zeros included, so rate() and alerts see the series from the start
          Map<PeerScore.RejectReason, Long> seen = pubsub.rejections();
          for (PeerScore.RejectReason r : PeerScore.RejectReason.values()) {
            cb.call(seen.getOrDefault(r, 0L), r.name().toLowerCase(Locale.ROOT));
          }
        })
        .register(registry);
    CounterWithCallback.builder()
        .name("pubsub_graylist_disconnects")
        .help("Peers disconnected because their score fell below the graylist threshold")
        .callback(cb -> cb.call(pubsub.graylistDisconnects()))
        .register(registry);
    CounterWithCallback.builder()
        .name("pubsub_stream_reopens")
        .help("Pubsub streams reopened after they were lost while the connection lived")
        .callback(cb -> cb.call(pubsub.streamReopens()))
        .register(registry);
    CounterWithCallback.builder()
        .name("pubsub_message_cache_evicted_early")
        .help("Messages the gossipsub message cache forgot early because it held its byte bound")
        .callback(cb -> cb.call(pubsub.messageCacheEvictedEarly()))
        .register(registry);
  }

  /**
   * The {@code security} label of a connection: {@code noise}, {@code tls}, or {@code quic-tls} for
   * QUIC's built-in TLS 1.3; another protocol id as it is.
   */
  static String securityLabel(Connection c) {
    if (Connection.QUIC.equals(c.transport())) {
      return "quic-tls";
    }
    return switch (c.security()) {
      case HostConfig.NOISE -> "noise";
      case HostConfig.TLS -> "tls";
      default -> c.security();
    };
  }

  /**
   * The {@code muxer} label of a connection: {@code yamux}, {@code mplex}, or {@code quic} for QUIC's
   * own streams; another protocol id as it is.
   */
  static String muxerLabel(Connection c) {
    if (Connection.QUIC.equals(c.transport())) {
      return "quic";
    }
    return switch (c.muxer()) {
      case HostConfig.YAMUX -> "yamux";
      case HostConfig.MPLEX -> "mplex";
      default -> c.muxer();
    };
  }

  private static void registerWriteBounds(PrometheusRegistry registry, WriteBudget budget) {
    CounterWithCallback.builder()
        .name("libp2p_write_bound_hits")
        .help("Write-path bounds met: writes refused, streams reset (stream, connection) and connections closed"
            + " (connection, node), by scope and muxer")
        .labelNames("scope", "muxer")
        .callback(cb -> budget.hits().forEach((h, n) -> cb.call(n, h.scope().label(), h.muxer())))
        .register(registry);
    GaugeWithCallback.builder()
        .name("libp2p_write_queued_bytes")
        .help("Bytes queued for writing over all connections (socket buffers and streams waiting for window)")
        .callback(cb -> cb.call(budget.queuedBytes()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("libp2p_write_limit_bytes")
        .help("Bounds on bytes queued for writing, per connection and for the node")
        .labelNames("scope")
        .callback(cb -> {
          cb.call(budget.connectionLimit(), "connection");
          cb.call(budget.nodeLimit(), "node");
        })
        .register(registry);
  }

  private static void registerResources(PrometheusRegistry registry, ResourceManager rm) {
    // one metric per unit (connections, streams, bytes), so that sums over a metric's labels mean something
    GaugeWithCallback.builder()
        .name("libp2p_rcmgr_connections")
        .help("Connections held by the whole node, by direction, as the resource manager counts them")
        .labelNames("direction")
        .callback(cb -> {
          ResourceManager.Usage u = rm.usage();
          cb.call(u.inboundConnections(), "inbound");
          cb.call(u.outboundConnections(), "outbound");
        })
        .register(registry);
    GaugeWithCallback.builder()
        .name("libp2p_rcmgr_streams")
        .help("Streams held by the whole node, by direction, as the resource manager counts them")
        .labelNames("direction")
        .callback(cb -> {
          ResourceManager.Usage u = rm.usage();
          cb.call(u.inboundStreams(), "inbound");
          cb.call(u.outboundStreams(), "outbound");
        })
        .register(registry);
    GaugeWithCallback.builder()
        .name("libp2p_rcmgr_memory_bytes")
        .help("Unread stream bytes buffered by the whole node")
        .callback(cb -> cb.call(rm.usage().memory()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("libp2p_rcmgr_connections_limit")
        .help("Connection limits in force by scope and direction")
        .labelNames("scope", "direction")
        .callback(cb -> limits(rm, cb, ResourceManager.Resource.INBOUND_CONNECTIONS, ResourceManager.Resource.OUTBOUND_CONNECTIONS))
        .register(registry);
    GaugeWithCallback.builder()
        .name("libp2p_rcmgr_streams_limit")
        .help("Stream limits in force by scope and direction (protocol scopes: defaults, before overrides)")
        .labelNames("scope", "direction")
        .callback(cb -> limits(rm, cb, ResourceManager.Resource.INBOUND_STREAMS, ResourceManager.Resource.OUTBOUND_STREAMS))
        .register(registry);
    GaugeWithCallback.builder()
        .name("libp2p_rcmgr_memory_limit_bytes")
        .help("Limits on unread stream bytes in force by scope")
        .labelNames("scope")
        .callback(cb -> {
          for (ResourceManager.Scope s : ResourceManager.Scope.values()) {
            long v = rm.limit(s, ResourceManager.Resource.MEMORY);
            if (v > 0) {
              cb.call(v, s.label());
            }
          }
        })
        .register(registry);
    GaugeWithCallback.builder()
        .name("libp2p_rcmgr_protocol_streams")
        .help("Open streams per protocol and direction")
        .labelNames("protocol", "direction")
        .callback(cb -> {
          for (ResourceManager.ProtocolUsage p : rm.protocolUsage()) {
            cb.call(p.inboundStreams(), p.protocol(), "inbound");
            cb.call(p.outboundStreams(), p.protocol(), "outbound");
          }
        })
        .register(registry);
    GaugeWithCallback.builder()
        .name("libp2p_rcmgr_peer_max_streams")
        .help("The most streams any one peer holds, by direction")
        .labelNames("direction")
        .callback(cb -> {
          int in = 0;
          int out = 0;
          for (ResourceManager.PeerUsage p : rm.peerUsage()) {
            in = Math.max(in, p.inboundStreams());
            out = Math.max(out, p.outboundStreams());
          }
          cb.call(in, "inbound");
          cb.call(out, "outbound");
        })
        .register(registry);
    GaugeWithCallback.builder()
        .name("libp2p_rcmgr_peer_max_memory_bytes")
        .help("The most unread stream bytes any one peer holds")
        .callback(cb -> {
          long mem = 0;
          for (ResourceManager.PeerUsage p : rm.peerUsage()) {
            mem = Math.max(mem, p.memory());
          }
          cb.call(mem);
        })
        .register(registry);
    CounterWithCallback.builder()
        .name("libp2p_rcmgr_refusals")
        .help("Connections, streams and buffered bytes refused by a resource limit, by scope and resource")
        .labelNames("scope", "resource")
        .callback(cb -> {
          // every limited pair, zeros included, so rate() and alerts see the series from the start
          for (ResourceManager.Scope s : ResourceManager.Scope.values()) {
            for (ResourceManager.Resource r : ResourceManager.Resource.values()) {
              if (rm.limit(s, r) > 0) {
                cb.call(rm.refusals(s, r), s.label(), r.label());
              }
            }
          }
        })
        .register(registry);
  }

  /** The limits of an inbound/outbound pair of resources, labelled by scope and direction. */
  private static void limits(ResourceManager rm, GaugeWithCallback.Callback cb, ResourceManager.Resource inbound,
      ResourceManager.Resource outbound) {
    for (ResourceManager.Scope s : ResourceManager.Scope.values()) {
      long in = rm.limit(s, inbound);
      long out = rm.limit(s, outbound);
      if (in > 0) {
        cb.call(in, s.label(), "inbound");
      }
      if (out > 0) {
        cb.call(out, s.label(), "outbound");
      }
    }
  }

  /**
   * Adds the metrics of this JVM and its process to {@code registry}, as the Prometheus client's JVM
   * instrumentation names them: memory by area and pool ({@code jvm_memory_used_bytes{area}}), GC time
   * ({@code jvm_gc_collection_seconds{gc}}), threads ({@code jvm_threads_current}), classes, buffer pools,
   * CPU time ({@code process_cpu_seconds_total}), file descriptors ({@code process_open_fds}) and resident
   * memory ({@code process_resident_memory_bytes}). {@link MetricsServer#start(java.net.InetSocketAddress,
   * Host, PubSub)} does this; call it at most once per registry.
   *
   * @param registry where the JVM metrics are added
   */
  public static void registerJvm(PrometheusRegistry registry) {
    registry.register((MultiCollector) Jvm.REGISTRY::scrape);
  }

  /**
   * The JVM instrumentation, set up once per process: it adds GC listeners and keeps every registry it is
   * given for good, so setting it up per node would keep each closed node's registry (and host) reachable.
   */
  private static final class Jvm {
    static final PrometheusRegistry REGISTRY = new PrometheusRegistry();

    static {
      JvmMetrics.builder().register(REGISTRY);
    }
  }

  /** Nearest-rank quantile of sorted values. */
  static double quantile(double[] sorted, double q) {
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }
}
