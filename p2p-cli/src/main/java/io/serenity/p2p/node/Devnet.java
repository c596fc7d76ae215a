package io.serenity.p2p.node;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.host.HostConfig;
import io.serenity.p2p.host.Traffic;
import io.serenity.p2p.pubsub.GossipSubParams;
import io.serenity.p2p.pubsub.PeerScoreParams;
import io.serenity.p2p.pubsub.PeerScoreThresholds;
import io.serenity.p2p.pubsub.PubSubConfig;
import io.serenity.p2p.pubsub.TopicCounters;
import io.serenity.p2p.server.Server;
import io.serenity.p2p.server.ServerConfig;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A local gossip network in one process: N {@link Server}s (as library users run them, default
 * peer scoring included unless switched off) on loopback sharing one Netty event loop group,
 * connected in a random topology of average degree K (a ring plus random chords, so it is always
 * connected), all on one topic; M messages of S bytes published from random nodes at R per second;
 * every delivery timed against the publish time written into the payload (one clock, one process).
 * The nodes listen and dial over TCP (Noise, yamux) or QUIC v1, as {@link Transport} says.
 */
final class Devnet {
  static final String TOPIC = "devnet";
  /** Payload header: message index (int) and publish time (long, System.nanoTime). */
  static final int HEADER = 12;

  /** The transport the nodes listen and dial on. */
  enum Transport {
    TCP("/ip4/127.0.0.1/tcp/0"),
    QUIC("/ip4/127.0.0.1/udp/0/quic-v1");

    final String listen;

    Transport(String listen) {
      this.listen = listen;
    }

    /** {@return the name {@link io.serenity.p2p.host.Connection#transport()} reports} */
    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** What to run. */
  record Settings(
      int nodes, int degree, int messages, int size, double rate, long seed, boolean floodsub,
      GossipSubParams params, PubSubConfig config, boolean scoring, long deliveryTimeoutMillis, Transport transport) {}

  /**
   * What happened.
   *
   * @param deliveryRatio deliveries / (messages x (nodes - 1))
   * @param latencyMillis p50, p90, p99, max of publish-to-delivery, in ms
   * @param duplicatesPerMessage copies received beyond the first, summed over nodes, per message
   * @param bytesSentPerNode mean and max pubsub payload bytes a node wrote
   * @param cpuSeconds process CPU time over the publish-and-deliver phase
   * @param connectionsByTransport open connections at the end by {@link io.serenity.p2p.host.Connection#transport()},
   *     each counted once (at its dialling end)
   */
  record Summary(
      int nodes, int connections, int failedDials, int messages, int size, long deliveries, long expected,
      double deliveryRatio, double[] latencyMillis, double duplicatesPerMessage, double meanMeshSize,
      long[] bytesSentPerNode, double setupSeconds, double runSeconds, double cpuSeconds,
      Map<String, Integer> connectionsByTransport) {}

  private final Settings s;
  private final Consumer<String> progress;

  Devnet(Settings settings, Consumer<String> progress) {
    this.s = settings;
    this.progress = progress;
  }

  Summary run() throws InterruptedException {
    long setupStart = System.nanoTime();
    Random random = new Random(s.seed());
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(
        Math.max(2, Runtime.getRuntime().availableProcessors()), NioIoHandler.newFactory());
    List<Server> servers = new ArrayList<>();
    int expected = s.messages() * (s.nodes() - 1);
    CountDownLatch allDelivered = new CountDownLatch(expected);
    AtomicLongArray latencies = new AtomicLongArray(Math.max(1, expected));
    AtomicInteger delivered = new AtomicInteger();
    try {
      for (int i = 0; i < s.nodes(); i++) {
        ServerConfig.Builder builder = ServerConfig.builder();
        if (!s.scoring()) {
          builder.peerScore(PeerScoreParams.defaults(), PeerScoreThresholds.defaults());
        }
        ServerConfig config = builder
            .privateKey(PrivateKey.fromSeed(KeyType.ED25519, s.seed() * 1_000_003L + i))
            .listen(s.transport().listen)
            .router(s.floodsub() ? ServerConfig.Router.FLOODSUB : ServerConfig.Router.GOSSIPSUB)
            .pubSubConfig(s.config())
            .gossipSubParams(s.params())
            .minPeers(0)
            // Every in-process link negotiates Noise (proposed first): offering TLS too would only
            // make each node set up a certificate and, once per process, the TLS engine (about
            // 0.5 s of CPU), which no link uses. TLS is exercised by the interop tests.
            .hostConfig(HostConfig.defaults().toBuilder().securityProtocols(HostConfig.NOISE).build())
            .build();
        Server server = new Server(config, group);
        servers.add(server);
        server.joinTopic(TOPIC).subscribe(m -> {
          long now = System.nanoTime();
          ByteBuffer b = ByteBuffer.wrap(m.data());
          b.getInt();
          long sent = b.getLong();
          int slot = delivered.getAndIncrement();
          if (slot < expected) {
            latencies.set(slot, now - sent);
          }
          allDelivered.countDown();
        });
        server.start();
      }
      int[] failed = new int[1];
      Set<Long> edges = topology(random);
      progress.accept("connecting " + s.nodes() + " nodes over " + edges.size() + " links");
      Semaphore inFlight = new Semaphore(32); // bounded handshake burst
      List<CompletableFuture<?>> dials = new ArrayList<>();
      for (long e : edges) {
        int a = (int) (e >>> 32);
        int b = (int) e;
        inFlight.acquire();
        String to = servers.get(b).listenAddrs().get(0).toString();
        CompletableFuture<?> f = servers.get(a).connect(to).whenComplete((c, err) -> {
          inFlight.release();
          if (err != null) {
            synchronized (failed) {
              failed[0]++;
            }
          }
        });
        dials.add(f.exceptionally(t -> null));
      }
      CompletableFuture.allOf(dials.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
      // wait until every node has a mesh (gossipsub) or a topic peer (floodsub), bounded
      List<CompletableFuture<Void>> ready = new ArrayList<>();
      for (Server server : servers) {
        ready.add(s.floodsub() ? server.whenTopicPeers(TOPIC, 1) : server.pubSub().whenMesh(TOPIC, 1));
      }
      try {
        CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        long notReady = ready.stream().filter(f -> !f.isDone()).count();
        progress.accept(notReady + " nodes have no mesh peer after 30 s; publishing anyway");
      }
      if (!s.floodsub()) {
        // two more heartbeats let meshes grow from the first GRAFTs towards D
        Thread.sleep(2 * s.params().heartbeatInterval().toMillis() + s.params().heartbeatInitialDelay().toMillis());
      }
      double setupSeconds = (System.nanoTime() - setupStart) / 1e9;

      long cpuStart = processCpuNanos();
      long runStart = System.nanoTime();
      long interval = s.rate() > 0 ? (long) (1e9 / s.rate()) : 0;
      byte[] padding = new byte[Math.max(0, s.size() - HEADER)];
      random.nextBytes(padding);
      for (int i = 0; i < s.messages(); i++) {
        long due = runStart + i * interval;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        ByteBuffer payload = ByteBuffer.allocate(Math.max(HEADER, s.size()));
        payload.putInt(i).putLong(System.nanoTime()).put(padding, 0, Math.min(padding.length, payload.remaining()));
        Server from = servers.get(random.nextInt(servers.size()));
        from.publish(TOPIC, payload.array());
        if (i % Math.max(1, s.messages() / 50) == 0) {
          progress.accept(bar(i + 1, s.messages(), delivered.get(), expected));
        }
      }
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(s.deliveryTimeoutMillis());
      while (!allDelivered.await(200, TimeUnit.MILLISECONDS) && System.nanoTime() < deadline) {
        progress.accept(bar(s.messages(), s.messages(), delivered.get(), expected));
      }
      progress.accept(bar(s.messages(), s.messages(), delivered.get(), expected));
      double runSeconds = (System.nanoTime() - runStart) / 1e9;
      double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;

      long got = Math.min(delivered.get(), expected);
      long[] lat = new long[(int) got];
      for (int i = 0; i < got; i++) {
        lat[i] = latencies.get(i);
      }
      Arrays.sort(lat);
      double[] latencyMillis = {pct(lat, 0.5), pct(lat, 0.9), pct(lat, 0.99), lat.length == 0 ? 0 : lat[lat.length - 1] / 1e6};
      long received = 0;
      long meshTotal = 0;
      long[] sent = new long[servers.size()];
      Map<String, Integer> byTransport = new java.util.TreeMap<>();
      for (int i = 0; i < servers.size(); i++) {
        for (io.serenity.p2p.host.Connection c : servers.get(i).host().connections()) {
          if (c.isInitiator()) {
            byTransport.merge(c.transport(), 1, Integer::sum);
          }
        }
        TopicCounters.Snapshot c = servers.get(i).pubSub().stats().get(TOPIC);
        if (c != null) {
          received += c.received();
        }
        meshTotal += servers.get(i).pubSub().meshPeers(TOPIC).get(10, TimeUnit.SECONDS).size();
        for (Map.Entry<String, Traffic.Totals> t : servers.get(i).host().traffic().snapshot().entrySet()) {
          if (t.getKey().startsWith("/meshsub/") || t.getKey().startsWith("/floodsub/")) {
            sent[i] += t.getValue().bytesOut();
          }
        }
      }
      long sentMax = Arrays.stream(sent).max().orElse(0);
      long sentMean = servers.isEmpty() ? 0 : Arrays.stream(sent).sum() / servers.size();
      double dups = s.messages() == 0 ? 0 : (received - got) / (double) s.messages();
      return new Summary(s.nodes(), edges.size() - failed[0], failed[0], s.messages(), s.size(), got, expected,
          expected == 0 ? 1.0 : got / (double) expected, latencyMillis, Math.max(0, dups),
          meshTotal / (double) Math.max(1, servers.size()), new long[] {sentMean, sentMax}, setupSeconds, runSeconds,
          cpuSeconds, Map.copyOf(byTransport));
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
        | io.serenity.p2p.server.ServerException e) {
      throw new RuntimeFailure("devnet setup failed: " + RunCommand.rootMessage(e), e);
    } finally {
      servers.forEach(Server::stop);
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  /** Edges (a dials b) packed as a << 32 | b: a ring, plus random chords up to degree/2 dials per node. */
  Set<Long> topology(Random random) {
    int n = s.nodes();
    Set<Long> edges = new java.util.LinkedHashSet<>();
    Set<Long> undirected = new HashSet<>();
    if (n < 2) {
      return edges;
    }
    for (int i = 0; i < n; i++) {
      addEdge(edges, undirected, i, (i + 1) % n);
    }
    int extra = Math.max(0, (s.degree() + 1) / 2 - 1);
    for (int i = 0; i < n; i++) {
      for (int k = 0, tries = 0; k < extra && tries < 10 * extra; tries++) {
        int j = random.nextInt(n);
        if (j != i && addEdge(edges, undirected, i, j)) {
          k++;
        }
      }
    }
    return edges;
  }

  private static boolean addEdge(Set<Long> edges, Set<Long> undirected, int a, int b) {
    long key = ((long) Math.min(a, b) << 32) | Math.max(a, b);
    if (a == b || !undirected.add(key)) {
      return false;
    }
    edges.add(((long) a << 32) | (b & 0xffffffffL));
    return true;
  }

  private static double pct(long[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
  }

  static String bar(int published, int messages, int delivered, int expected) {
    int width = 30;
    double f = expected == 0 ? 1 : Math.min(1.0, delivered / (double) expected);
    int full = (int) Math.round(f * width);
    return String.format(java.util.Locale.ROOT, "[%s%s] published %d/%d, delivered %.1f%%",
        "#".repeat(full), ".".repeat(width - full), published, messages, f * 100);
  }

  private static long processCpuNanos() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime();
    }
    return 0;
  }
}
