package io.serenity.p2p.bench;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.host.Host;
import io.serenity.p2p.host.HostConfig;
import io.serenity.p2p.pubsub.GossipSubParams;
import io.serenity.p2p.pubsub.PubSub;
import io.serenity.p2p.pubsub.PubSubConfig;
import io.serenity.p2p.pubsub.SignaturePolicy;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Publish-to-delivery latency across a gossipsub mesh of N Java hosts in one JVM on loopback (one
 * process, one clock), the same setup as the mesh case of {@code interop/js/pubsub-bench.mjs}: every
 * node dials its ring successor and two random others, all join one topic; once every node has a
 * mesh peer (plus a few heartbeats), one publisher sends M messages of S bytes at a fixed rate, each
 * carrying its send time; every other node records the time from publish to delivery to its
 * subscriber. Prints one JSON line with p50, p99 and max.
 *
 * <pre>MeshLatencyBench [--nodes 20] [--messages 500] [--rate 50] [--size 256] [--sign none|strict]
 *                  [--muxer yamux|mplex] [--threads 2] [--seed 1]
 *                  [--warmup 2000] [--delivery thread|inline]</pre>
 *
 * <p>{@code --delivery inline} subscribes with {@code subscribeInline} (the handler runs on the router
 * thread) instead of the default delivery thread, to show what that hop adds.
 */
public final class MeshLatencyBench {
  private MeshLatencyBench() {}

  /** CPU time of the whole process so far (all threads, GC included), in seconds. */
  static double processCpuSeconds() {
    var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() / 1e9 : -1;
  }

  /** The collectors in use, e.g. "G1 Young Generation+G1 Old Generation" shortened to "G1". */
  static String gcName() {
    String names = java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
        .map(java.lang.management.GarbageCollectorMXBean::getName)
        .reduce((x, y) -> x + "+" + y).orElse("?");
    return names.contains("ZGC") ? "ZGC" : names.contains("G1") ? "G1" : names.contains("Shenandoah")
        ? "Shenandoah" : names.contains("Parallel") || names.contains("PS ") ? "Parallel" : names;
  }

  public static void main(String[] args) throws Exception {
    int nodes = 20;
    int messages = 500;
    int rate = 50;
    int size = 256;
    String sign = "none";
    String muxer = "yamux";
    int threads = Runtime.getRuntime().availableProcessors();
    long seed = 1;
    int warmup = 2000;
    boolean inline = false;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--nodes" -> nodes = Integer.parseInt(args[i + 1]);
        case "--messages" -> messages = Integer.parseInt(args[i + 1]);
        case "--rate" -> rate = Integer.parseInt(args[i + 1]);
        case "--size" -> size = Integer.parseInt(args[i + 1]);
        case "--sign" -> sign = args[i + 1];
        case "--muxer" -> muxer = args[i + 1];
        case "--threads" -> threads = Integer.parseInt(args[i + 1]);
        case "--seed" -> seed = Long.parseLong(args[i + 1]);
        case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
        case "--delivery" -> inline = switch (args[i + 1]) {
          case "inline" -> true;
          case "thread" -> false;
          default -> throw new IllegalArgumentException("--delivery inline|thread");
        };
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (nodes < 2 || size < 16 || rate < 1) {
      throw new IllegalArgumentException("need --nodes >= 2, --size >= 16, --rate >= 1");
    }
    PubSubConfig config =
        PubSubConfig.defaults()
            .withSignaturePolicy(sign.equals("strict") ? SignaturePolicy.STRICT_SIGN : SignaturePolicy.STRICT_NO_SIGN);
    String muxerId = muxer.equals("mplex") ? HostConfig.MPLEX : HostConfig.YAMUX;
    String topic = "serenity-bench";
    // Nanoseconds from publish to delivery, one slot per (message, receiving node).
    long[] latencies = new long[messages * (nodes - 1)];
    AtomicInteger delivered = new AtomicInteger();
    AtomicInteger warmDelivered = new AtomicInteger();
    // All hosts share one event loop group sized to the machine, as one process would.
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
    List<Host> hosts = new ArrayList<>();
    List<PubSub> pubsubs = new ArrayList<>();
    try {
      for (int i = 0; i < nodes; i++) {
        Host h = Host.builder().identity(PrivateKey.generate(KeyType.ED25519)).listen("/ip4/127.0.0.1/tcp/0")
            .eventLoopGroup(group).config(HostConfig.builder().muxers(muxerId).build()).build();
        hosts.add(h);
        h.start().join();
        PubSub p = PubSub.gossipsub(h, config, GossipSubParams.defaults());
        pubsubs.add(p);
        p.start().join();
        java.util.function.Consumer<io.serenity.p2p.pubsub.ReceivedMessage> onMessage = m -> {
          long now = System.nanoTime();
          byte[] d = m.message().data();
          if (d.length < 16) {
            return;
          }
          if (d[0] != 1) {
            warmDelivered.incrementAndGet();
            return;
          }
          long sent = ByteBuffer.wrap(d, 8, 8).getLong();
          int slot = delivered.getAndIncrement();
          if (slot < latencies.length) {
            latencies[slot] = now - sent;
          }
        };
        if (inline) {
          p.subscribeInline(topic, onMessage);
        } else {
          p.subscribe(topic, onMessage);
        }
      }
      Mulberry32 random = new Mulberry32((int) seed);
      List<CompletableFuture<?>> dials = new ArrayList<>();
      for (int i = 0; i < nodes; i++) {
        Set<Integer> targets = new LinkedHashSet<>();
        targets.add((i + 1) % nodes);
        while (targets.size() < Math.min(3, nodes - 1)) {
          int t = (int) Math.floor(random.next() * nodes);
          if (t != i) {
            targets.add(t);
          }
        }
        for (int t : targets) {
          dials.add(hosts.get(i).connect(hosts.get(t).peerInfo()).exceptionally(e -> null));
        }
      }
      CompletableFuture.allOf(dials.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      long meshStart = System.nanoTime();
      for (PubSub p : pubsubs) {
        p.whenMesh(topic, 1).get(30, TimeUnit.SECONDS);
      }
      // A few heartbeats fill the meshes towards D, as in the js bench.
      Thread.sleep(3000);
      int meshMin = Integer.MAX_VALUE;
      int meshMax = 0;
      for (PubSub p : pubsubs) {
        int n = p.meshPeers(topic).get(5, TimeUnit.SECONDS).size();
        meshMin = Math.min(meshMin, n);
        meshMax = Math.max(meshMax, n);
      }
      long meshMs = (System.nanoTime() - meshStart) / 1_000_000;
      PubSub publisher = pubsubs.get(0);
      // Warm-up: untimed messages (first byte 0), --warmup of them, then on until the JIT is quiet
      // (bench's Warmup), so the timed messages see the steady state a long-running node lives in: a
      // compile finishing among them is a tail of its own.
      byte[] warm = new byte[size];
      int[] warmPublished = {0};
      Warmup.Round publishWarm = () -> {
        ByteBuffer.wrap(warm).putInt(4, warmPublished[0]++);
        publisher.publish(topic, warm.clone());
        LockSupport.parkNanos(2_000_000);
      };
      Machine.Snapshot warmStart = Machine.now();
      while (warmPublished[0] < warmup) {
        publishWarm.run();
      }
      Warmup.Result settled = Warmup.untilSettled(publishWarm);
      Warmup.Result warmResult = new Warmup.Result(settled.rounds(), Machine.now().seconds(warmStart), settled.settled());
      // Every node has had every warm-up message (no backlog left to slow the timed ones), then a pause.
      long warmExpected = (long) warmPublished[0] * (nodes - 1);
      long warmDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (warmDelivered.get() < warmExpected && System.nanoTime() < warmDeadline) {
        Thread.sleep(20);
      }
      Thread.sleep(1000);
      Machine.Snapshot before = Machine.now();
      long period = 1_000_000_000L / rate;
      long start = System.nanoTime();
      for (int i = 0; i < messages; i++) {
        long due = start + i * period;
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
          LockSupport.parkNanos(wait);
        }
        byte[] d = new byte[size];
        d[0] = 1;
        ByteBuffer.wrap(d).putInt(4, i).putLong(8, System.nanoTime());
        publisher.publish(topic, d);
      }
      int expected = latencies.length;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (delivered.get() < expected && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      Machine.Snapshot after = Machine.now();
      int n = Math.min(delivered.get(), latencies.length);
      long[] sorted = Arrays.copyOf(latencies, n);
      Arrays.sort(sorted);
      System.out.println(JsonLine.of("pubsub-mesh-latency")
          .put("impl", "java")
          .put("muxer", muxer)
          .put("delivery", inline ? "inline" : "thread")
          .put("nodes", nodes)
          .put("transport", "tcp+noise+" + muxer)
          .put("sign", sign)
          .put("size", size)
          .put("messages", messages)
          .put("warmup", warmPublished[0])
          .put("warmDelivered", warmDelivered.get())
          .put("ratePerSec", rate)
          .put("expected", expected)
          .put("delivered", n)
          .put("meshSizeMin", meshMin)
          .put("meshSizeMax", meshMax)
          .put("meshFormMs", meshMs)
          .put("p50Ms", percentile(sorted, 50), 2)
          .put("p99Ms", percentile(sorted, 99), 2)
          .put("maxMs", n == 0 ? 0.0 : sorted[n - 1] / 1e6, 2)
          .put("cpuSeconds", processCpuSeconds(), 2)
          .put("gc", gcName())
          .put("conditions", Warmup.conditions(warmResult, before, after)));
    } finally {
      for (PubSub p : pubsubs) {
        p.close();
      }
      for (Host h : hosts) {
        h.close();
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }
  }

  /** The small seeded generator of the js twin (mulberry32), so both build the same topology. */
  private static final class Mulberry32 {
    private int state;

    Mulberry32(int seed) {
      this.state = seed;
    }

    double next() {
      state += 0x6D2B79F5;
      int t = state;
      t = (t ^ (t >>> 15)) * (t | 1);
      t ^= t + (t ^ (t >>> 7)) * (t | 61);
      return ((t ^ (t >>> 14)) & 0xFFFFFFFFL) / 4294967296.0;
    }
  }

  /** The p-th percentile in milliseconds, by the same rule as the js bench (floor(p/100 * n)). */
  private static double percentile(long[] sorted, int p) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.floor(p / 100.0 * sorted.length))] / 1e6;
  }
}
