package io.serenity.p2p.bench;

import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.host.Host;
import io.serenity.p2p.host.HostConfig;
import io.serenity.p2p.pubsub.GossipSubParams;
import io.serenity.p2p.pubsub.PubSub;
import io.serenity.p2p.pubsub.PubSubConfig;
import io.serenity.p2p.pubsub.SignaturePolicy;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gossipsub publisher -> receiver throughput, two Java hosts in one JVM on loopback: N messages of S
 * bytes, at most a window of messages in flight (counted at the receiver, never inferred from
 * publish), after a warm-up. Prints one JSON line.
 *
 * <pre>PubSubBench [--messages N] [--size S] [--sign strict|none] [--muxer yamux|mplex] [--key-type ed25519|secp256k1]
 *             [--window messages] [--payload reuse|fresh|handover]</pre>
 *
 * <p>{@code --payload}: {@code reuse} (default) publishes one array again and again with {@link
 * PubSub#publish}, which copies it; {@code fresh} builds a new array per message, as an encoder does,
 * and publishes it with {@link PubSub#publish} (a copy more); {@code handover} builds a new array per
 * message and hands it over with {@link PubSub#publishWithoutCopy}.
 */
public final class PubSubBench {
  private PubSubBench() {}

  public static void main(String[] args) throws Exception {
    int messages = 20_000;
    int size = 1024;
    String sign = "none";
    String muxer = "yamux";
    KeyType keyType = KeyType.ED25519;
    int window = 0;
    String payload = "reuse";
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--messages" -> messages = Integer.parseInt(args[i + 1]);
        case "--size" -> size = Integer.parseInt(args[i + 1]);
        case "--sign" -> sign = args[i + 1];
        case "--muxer" -> muxer = args[i + 1];
        case "--window" -> window = Integer.parseInt(args[i + 1]);
        case "--payload" -> payload = args[i + 1];
        case "--key-type" -> keyType = args[i + 1].equals("secp256k1") ? KeyType.SECP256K1 : KeyType.ED25519;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (!java.util.Set.of("reuse", "fresh", "handover").contains(payload)) {
      throw new IllegalArgumentException("--payload is reuse, fresh or handover, got " + payload);
    }
    PAYLOAD = payload;
    if (window <= 0) {
      window = Math.max(16, (4 << 20) / Math.max(1, size)); // about 4 MiB in flight, as the js bench
    }
    PubSubConfig config =
        PubSubConfig.defaults()
            .withSignaturePolicy(sign.equals("strict") ? SignaturePolicy.STRICT_SIGN : SignaturePolicy.STRICT_NO_SIGN)
            // room for the whole window at the receiver's subscriber, which drops what does not fit
            .withSubscriberQueue(Math.max(8192, window))
            // messages up to 1 MiB and more (the size sweep) still fit, framing included
            .withMaxMessageSize(Math.max(PubSubConfig.defaults().maxMessageSize(), size + 64 * 1024));
    String muxerId = muxer.equals("mplex") ? HostConfig.MPLEX : HostConfig.YAMUX;
    String topic = "bench";
    try (Host a = Host.builder().identity(PrivateKey.generate(keyType)).listen("/ip4/127.0.0.1/tcp/0")
            .config(HostConfig.builder().muxers(muxerId).build()).build();
        Host b = Host.builder().identity(PrivateKey.generate(keyType)).listen("/ip4/127.0.0.1/tcp/0")
            .config(HostConfig.builder().muxers(muxerId).build()).build()) {
      a.start().join();
      b.start().join();
      try (PubSub pa = PubSub.gossipsub(a, config, GossipSubParams.defaults());
          PubSub pb = PubSub.gossipsub(b, config, GossipSubParams.defaults())) {
        pa.start().join();
        pb.start().join();
        Semaphore inFlight = new Semaphore(window);
        AtomicLong received = new AtomicLong();
        io.serenity.p2p.pubsub.Subscription sub = pb.subscribe(topic, m -> {
          received.incrementAndGet();
          inFlight.release();
        });
        pa.subscribe(topic, m -> {});
        a.connect(b.peerInfo()).get(30, TimeUnit.SECONDS);
        pa.whenPeers(topic, 1).get(30, TimeUnit.SECONDS);
        pb.whenPeers(topic, 1).get(30, TimeUnit.SECONDS);
        byte[] data = new byte[size];
        long seq = 0;
        // untimed warm-up until the JIT is quiet (bench's Warmup), in steps of this many messages
        int warmup = Math.min(2000, messages / 10 + 1);
        long[] next = {seq};
        Warmup.Result warm;
        try {
          warm = Warmup.untilSettled(() -> {
            next[0] = run(pa, topic, data, warmup, next[0], inFlight, received, warmup);
            received.set(0);
          });
        } catch (IllegalStateException e) {
          throw new IllegalStateException(e.getMessage() + " (warm-up); " + losses(pa, pb, sub), e);
        }
        seq = next[0];
        Machine.Snapshot before = Machine.now();
        com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        java.util.Map<String, Long> threadsBefore = threadCpu();
        com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long allocStart = threads.getTotalThreadAllocatedBytes();
        long cpuStart = os.getProcessCpuTime();
        long start = System.nanoTime();
        try {
          run(pa, topic, data, messages, seq, inFlight, received, messages);
        } catch (IllegalStateException e) {
          throw new IllegalStateException(e.getMessage() + "; " + losses(pa, pb, sub), e);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Machine.Snapshot after = Machine.now();
        // CPU time of the whole JVM (both hosts) per message: less sensitive than msg/s to other load.
        long cpuTotal = os.getProcessCpuTime() - cpuStart;
        double cpuMicros = cpuTotal / 1e3 / messages;
        // heap bytes allocated by every thread of the JVM (publisher and receiver, both hosts) per message;
        // -1 when the JVM cannot measure it
        long allocTotal = threads.getTotalThreadAllocatedBytes();
        double allocPerMsg = allocStart < 0 || allocTotal < 0 ? -1 : (double) (allocTotal - allocStart) / messages;
        if (Boolean.getBoolean("bench.threadCpu")) {
          printThreadCpu(threadsBefore, threadCpu(), cpuTotal, messages);
        }
        System.out.println(JsonLine.of("pubsub-throughput")
            .put("impl", "java")
            .put("router", "gossipsub")
            .put("muxer", muxer)
            .put("sign", sign)
            .put("keyType", keyType.name().toLowerCase(Locale.ROOT))
            .put("messages", messages)
            .put("size", size)
            .put("payload", payload)
            .put("received", received.get())
            .put("publishFailures", PUBLISH_FAILURES.get())
            .put("msgPerSec", messages / seconds, 0)
            .put("mibPerSec", (double) messages * size / 1048576.0 / seconds, 1)
            .put("cpuMicrosPerMsg", cpuMicros, 1)
            .put("allocBytesPerMsg", allocPerMsg, 0)
            .put("conditions", Warmup.conditions(warm, before, after)));
      }
    }
  }

  /** CPU nanoseconds per live thread, by name with digits folded (threads of one kind together). */
  private static java.util.Map<String, Long> threadCpu() {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    java.util.Map<String, Long> out = new java.util.HashMap<>();
    for (long id : mx.getAllThreadIds()) {
      java.lang.management.ThreadInfo info = mx.getThreadInfo(id);
      long cpu = mx.getThreadCpuTime(id);
      if (info != null && cpu > 0) {
        out.put(info.getThreadName() + "#" + id, cpu);
      }
    }
    return out;
  }

  private static void printThreadCpu(java.util.Map<String, Long> before, java.util.Map<String, Long> after,
      long total, int messages) {
    java.util.Map<String, Long> byKind = new java.util.TreeMap<>();
    long sum = 0;
    for (var e : after.entrySet()) {
      long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
      String kind = e.getKey().replaceAll("#\\d+$", "").replaceAll("[0-9A-Za-z]{12}$", "<peer>").replaceAll("\\d+", "N");
      byKind.merge(kind, d, Long::sum);
      sum += d;
    }
    byKind.put("(JVM: GC, JIT, other)", total - sum);
    byKind.forEach((k, v) -> System.err.printf(Locale.ROOT, "  %-40s %8.1f us/msg%n", k, v / 1e3 / messages));
  }

  /** Where messages went missing, for the error message. */
  private static String losses(PubSub pa, PubSub pb, io.serenity.p2p.pubsub.Subscription sub) {
    String view;
    try {
      view = "publisher's topic peers " + pa.peers("bench").get(5, TimeUnit.SECONDS)
          + ", mesh " + pa.meshPeers("bench").get(5, TimeUnit.SECONDS)
          + ", scores " + pa.scores().get(5, TimeUnit.SECONDS)
          + ", queues flushed " + flushed(pa)
          + ", publish refusals " + pa.publishRefusals() + ", timeouts " + pa.publishTimeouts() + "; ";
    } catch (Exception e) {
      view = "(publisher's view unavailable: " + e + "); ";
    }
    return view + "publisher queue drops " + pa.queueDrops() + ", receiver " + pb.stats()
        + ", subscriber drops " + sub.dropped() + ", unchecked drops " + pb.checkDrops();
  }

  private static boolean flushed(PubSub p) {
    try {
      p.whenFlushed().get(5, TimeUnit.SECONDS);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private static final AtomicLong PUBLISH_FAILURES = new AtomicLong();
  private static String PAYLOAD = "reuse";
  private static final java.util.concurrent.atomic.AtomicReference<Throwable> FIRST_FAILURE =
      new java.util.concurrent.atomic.AtomicReference<>();

  private static long run(PubSub pa, String topic, byte[] data, int count, long seq, Semaphore inFlight,
      AtomicLong received, int expect) throws Exception {
    for (int i = 0; i < count; i++) {
      if (!inFlight.tryAcquire(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("receiver stalled after " + received.get() + " messages; "
            + PUBLISH_FAILURES.get() + " publishes failed, the first: " + FIRST_FAILURE.get());
      }
      // distinct payloads: unsigned message ids are SHA-256 of the data
      long s = seq++;
      byte[] d = PAYLOAD.equals("reuse") ? data : new byte[data.length];
      for (int k = 0; k < 8 && k < d.length; k++) {
        d[k] = (byte) (s >>> (8 * k));
      }
      (PAYLOAD.equals("handover") ? pa.publishWithoutCopy(topic, d) : pa.publish(topic, d)).whenComplete((id, e) -> {
        if (e != null) {
          // a refused publish would otherwise hold its window slot for ever and stall the run
          PUBLISH_FAILURES.incrementAndGet();
          FIRST_FAILURE.compareAndSet(null, e);
          inFlight.release();
        }
      });
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (received.get() < expect) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("only " + received.get() + " of " + expect + " messages arrived");
      }
      Thread.onSpinWait();
    }
    return seq;
  }
}
