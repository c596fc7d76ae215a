package io.serenity.p2p.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.host.Host;
import io.serenity.p2p.pubsub.GossipSubParams;
import io.serenity.p2p.pubsub.PubSub;
import io.serenity.p2p.pubsub.PubSubConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** The pieces of the hostile-peer suite: the node under attack, the honest traffic through it. */
final class Hostile {

  static final String TOPIC = "honest";
  /** Heap and direct memory of the node under attack; the memory bound adds the JVM's own. */
  static final int HEAP_MIB = 384;
  static final int DIRECT_MIB = 128;
  static final int JVM_OVERHEAD_MIB = 256;
  static final long MEMORY_BOUND_KIB = (HEAP_MIB + DIRECT_MIB + JVM_OVERHEAD_MIB) * 1024L;

  private Hostile() {}

  /** Awaits {@code f} for at most 30 s. */
  static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** The node under attack: a {@code p2p-node run} process joined to {@link #TOPIC}. */
  static final class Target {
    final NodeProcesses.Node node;
    final Multiaddr addr;
    final PeerId id;
    final String metricsUrl;
    final long pid;
    final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final int bufferMiB;
    final int peerBufferMiB;

    /** A node that may hold {@code bufferMiB} of unread stream bytes, {@code peerBufferMiB} per peer. */
    Target(NodeProcesses nodes, int bufferMiB, int peerBufferMiB) throws Exception {
      this(nodes, bufferMiB, peerBufferMiB, List.of());
    }

    /** The same node with {@code more} arguments to {@code run} (e.g. the Ethereum preset). */
    Target(NodeProcesses nodes, int bufferMiB, int peerBufferMiB, List<String> more) throws Exception {
      this.bufferMiB = bufferMiB;
      this.peerBufferMiB = peerBufferMiB;
      List<String> args = new ArrayList<>(List.of("run", "--key-seed",
          Integer.toString(1 + new java.util.Random().nextInt(1_000_000)), "--listen", "/ip4/127.0.0.1/tcp/0", "--topic", TOPIC,
          "--json", "--metrics", "127.0.0.1:0", "--exit-after", "300",
          "--max-buffer-memory", Integer.toString(bufferMiB), "--max-peer-buffer-memory", Integer.toString(peerBufferMiB)));
      args.addAll(more);
      node = nodes.startWithJvmOptions(List.of("-Xms" + HEAP_MIB + "m", "-Xmx" + HEAP_MIB + "m",
          "-XX:MaxDirectMemorySize=" + DIRECT_MIB + "m", "-XX:+ExitOnOutOfMemoryError", "-XX:+UseG1GC",
          "-Dorg.slf4j.simpleLogger.defaultLogLevel=info"), args.toArray(String[]::new));
      String listening = node.await(l -> l.startsWith("{\"event\":\"listening\""), "listening event");
      addr = Multiaddr.parse(listening.replaceAll(".*\"addrs\":\\[\"([^\"]+)\".*", "$1"));
      id = addr.peerId().orElseThrow();
      port = Integer.parseInt(addr.toString().replaceAll(".*/tcp/(\\d+)/.*", "$1"));
      metricsUrl = NodeProcesses.field(node.await(l -> l.startsWith("{\"event\":\"metrics\""), "metrics event"), "url");
      pid = node.process.pid();
    }

    /** The sum of the samples of {@code name} whose labels contain every one of {@code labels}. */
    double metric(String name, String... labels) {
      String body;
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(metricsUrl + "metrics"))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        body = r.body();
      } catch (IOException e) {
        return Double.NaN;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Double.NaN;
      }
      double sum = 0;
      for (String line : body.split("\n")) {
        if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
          continue;
        }
        boolean all = true;
        for (String l : labels) {
          all &= line.contains(l);
        }
        if (all) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      return sum;
    }

    /** True when the process runs and its metrics endpoint answers. */
    boolean alive() {
      return node.process.isAlive() && !Double.isNaN(metric("libp2p_peers"));
    }

    /** Resident memory now, KiB (VmRSS). */
    long rssKiB() {
      return procStatus("VmRSS:");
    }

    /** Peak resident memory since start, KiB (VmHWM). */
    long peakRssKiB() {
      return procStatus("VmHWM:");
    }

    private long procStatus(String key) {
      try {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
          if (l.startsWith(key)) {
            return Long.parseLong(l.substring(key.length()).trim().split("\\s+")[0]);
          }
        }
      } catch (IOException e) {
        return -1;
      }
      return -1;
    }

    /** Log lines (stderr) printed so far. */
    int logLines() {
      synchronized (node.stderr) {
        return (int) node.stderr.chars().filter(c -> c == '\n').count();
      }
    }

    /** The log lines from line {@code from} on. */
    List<String> logsFrom(int from) {
      synchronized (node.stderr) {
        String[] all = node.stderr.toString().split("\n");
        return List.of(all).subList(Math.min(from, all.length), all.length);
      }
    }
  }

  /**
   * Honest traffic through the target: a publisher and a subscriber, each connected only to the
   * target, so every message they exchange is forwarded by it. Messages carry a sequence number.
   */
  static final class Honest implements AutoCloseable {
    final Host pubHost;
    final Host subHost;
    final PubSub pub;
    final PubSub sub;
    final Set<Integer> received = ConcurrentHashMap.newKeySet();
    final AtomicInteger next = new AtomicInteger();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "honest-publisher");
      t.setDaemon(true);
      return t;
    });
    private volatile int size = 256;

    Honest(EventLoopGroup group, Target target) {
      pubHost = host(group);
      subHost = host(group);
      pub = PubSub.gossipsub(pubHost, PubSubConfig.defaults(), GossipSubParams.defaults());
      sub = PubSub.gossipsub(subHost, PubSubConfig.defaults(), GossipSubParams.defaults());
      await(pub.start());
      await(sub.start());
      pub.subscribe(TOPIC, m -> { });
      sub.subscribe(TOPIC, m -> received.add(ByteBuffer.wrap(m.data()).getInt()));
      await(pubHost.connect(target.addr));
      await(subHost.connect(target.addr));
      await(pub.whenMesh(TOPIC, 1));
      await(sub.whenMesh(TOPIC, 1));
      // warm-up: until one message made it through the target
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (received.isEmpty()) {
        assertThat(System.nanoTime()).as("a first honest message through the target").isLessThan(deadline);
        publishOne();
        CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS)).join();
      }
    }

    private static Host host(EventLoopGroup group) {
      Host h = Host.builder().identity(PrivateKey.generate(KeyType.ED25519)).eventLoopGroup(group)
          .listen("/ip4/127.0.0.1/tcp/0").build();
      await(h.start());
      return h;
    }

    /** Message size in bytes (at least 4). */
    void size(int bytes) {
      size = Math.max(4, bytes);
    }

    /** Starts publishing {@code perSecond} messages a second. */
    void start(int perSecond) {
      timer.scheduleAtFixedRate(this::publishOne, 0, 1_000_000 / perSecond, TimeUnit.MICROSECONDS);
    }

    private void publishOne() {
      byte[] data = new byte[size];
      ByteBuffer.wrap(data).putInt(next.getAndIncrement());
      pub.publish(TOPIC, data); // a failed publish counts as a message not delivered
    }

    /** The share of messages [from, to) received, waiting up to {@code grace} for stragglers. */
    double delivered(int from, int to, Duration grace) {
      if (to <= from) {
        return 1.0;
      }
      long deadline = System.nanoTime() + grace.toNanos();
      int got;
      while (true) {
        got = 0;
        for (int i = from; i < to; i++) {
          got += received.contains(i) ? 1 : 0;
        }
        if (got == to - from || System.nanoTime() > deadline) {
          break;
        }
        CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS)).join();
      }
      return got / (double) (to - from);
    }

    @Override
    public void close() {
      timer.shutdownNow();
      pub.close();
      sub.close();
      pubHost.close();
      subHost.close();
    }
  }

  /** An attack: started, left running for its window, then stopped. */
  interface Attack extends AutoCloseable {
    String name();

    /** Starts the attack in the background against {@code t}. */
    void start(Target t, EventLoopGroup group) throws Exception;

    /**
     * True once the target has throttled or dropped the attacker, as seen from outside; null when the
     * node absorbs the attack without needing to (it costs the node nothing it cannot afford).
     */
    default Boolean throttled(Target t) {
      return null;
    }

    /** What {@link #throttled} looks for. */
    default String throttleSign() {
      return "n/a";
    }

    /** How long the attack runs. */
    default Duration window() {
      return Duration.ofSeconds(8);
    }

    /** Size of the honest messages during this attack. */
    default int honestSize() {
      return 256;
    }

    /** Unread stream bytes the node may hold, MiB, and per peer (a 384 MiB heap keeps them well below it). */
    default int[] bufferLimitsMiB() {
      return new int[] {96, 16};
    }

    /** Something the attack measured about itself, for the report. */
    default String detail() {
      return "";
    }

    @Override
    void close();
  }

  /** A counter shared by attack threads. */
  static final class Count {
    final AtomicLong n = new AtomicLong();

    long get() {
      return n.get();
    }

    void inc() {
      n.incrementAndGet();
    }
  }
}
