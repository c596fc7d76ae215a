package io.serenity.p2p.bench;

import io.netty.buffer.Unpooled;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.host.Connection;
import io.serenity.p2p.host.Host;
import io.serenity.p2p.host.HostConfig;
import io.serenity.p2p.host.Stream;
import io.serenity.p2p.host.StreamReceiver;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Java-to-Java transport benchmark on loopback: single-stream throughput over TCP + Noise or TLS + a
 * muxer, or over QUIC, and sequential handshakes per second (dial + security + muxer + close). Two hosts
 * in one JVM.
 *
 * <pre>java -cp ... io.serenity.p2p.bench.TransportBench [--bytes N] [--handshakes N] [--muxer yamux|mplex]
 *     [--transport tcp|quic] [--security noise|tls] [--key-type secp256k1|ed25519]</pre>
 *
 * <p>With {@code --security tls} both hosts offer and accept only {@code /tls/1.0.0}, so every connection
 * runs TLS 1.3. With {@code --transport quic} both hosts listen on QUIC v1 (whose own TLS 1.3 handshake
 * secures it) and neither {@code --security} nor {@code --muxer} applies.
 *
 * Prints one JSON line.
 */
public final class TransportBench {
  static final String SINK = "/serenity/bench/sink/1.0.0";
  static final int CHUNK = 64 * 1024;

  private TransportBench() {}

  /**
   * Result of one run; {@code transport} is {@code tcp+<security>+<muxer>} or {@code quic} (then
   * {@code security} is {@code tls} and {@code muxer} is {@code quic}: QUIC's own handshake and streams).
   */
  public record Result(String transport, String security, String muxer, String keyType, long bytes,
      double mibPerSec, int handshakes, double handshakesPerSec, Conditions conditions) {

    /** A result without the conditions of its measurement. */
    public Result(String transport, String security, String muxer, String keyType, long bytes,
        double mibPerSec, int handshakes, double handshakesPerSec) {
      this(transport, security, muxer, keyType, bytes, mibPerSec, handshakes, handshakesPerSec, null);
    }

    /** A result over TCP, Noise and {@code muxer}. */
    public Result(String muxer, String keyType, long bytes, double mibPerSec, int handshakes, double handshakesPerSec) {
      this(tcp("noise", muxer), "noise", muxer, keyType, bytes, mibPerSec, handshakes, handshakesPerSec, null);
    }

    static String tcp(String security, String muxer) {
      return "tcp+" + security + "+" + muxer;
    }

    /** The JSON line; interop/js/bench.mjs prints the same fields, bench/transport-table.mjs reads them. */
    String json() {
      JsonLine line = JsonLine.of("java-java")
          .put("transport", transport)
          .put("security", security)
          .put("muxer", muxer)
          .put("keyType", keyType)
          .put("throughput", JsonLine.object().put("bytes", bytes).put("mibPerSec", mibPerSec, 1))
          .put("handshakes", JsonLine.object().put("count", handshakes).put("perSec", handshakesPerSec, 1));
      return conditions == null ? line.toString() : line.put("conditions", conditions.json()).toString();
    }
  }

  /**
   * How the throughput figure was taken: the warm-up before it, and during the measured transfer the CPU
   * time of the whole process (both hosts: sender, receiver and the benchmark's own thread) per GiB, the
   * JIT's compile time, and the hypervisor's steal time in percent of the machine's CPU time.
   */
  public record Conditions(Warmup.Result warmup, double cpuSecondsPerGiB, double compileSeconds, double stealPercent) {
    JsonLine json() {
      return JsonLine.object()
          .put("warmup", warmup.json())
          .put("cpuSecondsPerGiB", cpuSecondsPerGiB, 2)
          .put("compileSeconds", compileSeconds, 2)
          .put("stealPercent", stealPercent, 1);
    }
  }

  private static Host host(KeyType keyType, String securityId, String muxerId, boolean quic) {
    return Host.builder()
        .identity(PrivateKey.generate(keyType))
        .listen(quic ? "/ip4/127.0.0.1/udp/0/quic-v1" : "/ip4/127.0.0.1/tcp/0")
        .config(HostConfig.builder()
            .securityProtocols(securityId)
            .muxers(muxerId)
            .maxInboundConnections(100_000)
            .build())
        .build();
  }

  /** The sink: counts bytes and answers with the count (8 bytes) when the writer half-closes. */
  private static void serveSink(Stream s) {
    long[] count = new long[1];
    s.receive(
        new StreamReceiver() {
          @Override
          public void onData(Stream stream, ByteBuffer data) {
            count[0] += data.remaining();
          }

          @Override
          public void onEnd(Stream stream) {
            stream.write(ByteBuffer.allocate(8).putLong(0, count[0])).thenCompose(v -> stream.closeWrite());
          }
        });
  }

  private static double throughput(Host client, PeerId server, long bytes) throws Exception {
    byte[] chunk = new byte[CHUNK];
    ThreadLocalRandom.current().nextBytes(chunk);
    long start = System.nanoTime();
    Stream s = client.newStream(server, SINK).get(30, TimeUnit.SECONDS);
    CompletableFuture<byte[]> answer = s.readExactly(8);
    CompletableFuture<Void> written = CompletableFuture.completedFuture(null);
    long left = bytes;
    // Keep a few writes in flight; each future completes when the muxer took the bytes.
    CompletableFuture<?>[] window = new CompletableFuture<?>[8];
    int i = 0;
    while (left > 0) {
      int n = (int) Math.min(CHUNK, left);
      CompletableFuture<?> prev = window[i % window.length];
      if (prev != null) {
        prev.get(60, TimeUnit.SECONDS);
      }
      // The same array every time, handed over without a copy (Stream.write(ByteBuf)), as js's bench
      // writes the same Uint8Array: what is measured is the transport, not copying the source.
      window[i % window.length] = s.write(Unpooled.wrappedBuffer(chunk, 0, n));
      left -= n;
      i++;
    }
    for (CompletableFuture<?> f : window) {
      if (f != null) {
        f.get(60, TimeUnit.SECONDS);
      }
    }
    written.get();
    s.closeWrite().get(60, TimeUnit.SECONDS);
    long got = ByteBuffer.wrap(answer.get(120, TimeUnit.SECONDS)).getLong();
    double seconds = (System.nanoTime() - start) / 1e9;
    if (got != bytes) {
      throw new IllegalStateException("sink counted " + got + " bytes, sent " + bytes);
    }
    s.closeFuture().get(10, TimeUnit.SECONDS);
    return bytes / 1048576.0 / seconds;
  }

  private static double handshakes(Host client, Host server, int count) throws Exception {
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      Connection c = client.connect(server.peerInfo()).get(30, TimeUnit.SECONDS);
      client.disconnect(c.remotePeer()).get(30, TimeUnit.SECONDS);
    }
    return count / ((System.nanoTime() - start) / 1e9);
  }

  /** Runs the benchmark: warm-up, then the measured throughput and handshake runs. */
  public static Result run(String muxer, KeyType keyType, long bytes, int handshakeCount) throws Exception {
    return run("tcp", "noise", muxer, keyType, bytes, handshakeCount);
  }

  /**
   * Runs the benchmark over {@code transport}: {@code tcp} secured by {@code security} ({@code noise} or
   * {@code tls}) with {@code muxer}, or {@code quic}.
   */
  public static Result run(String transport, String security, String muxer, KeyType keyType, long bytes,
      int handshakeCount) throws Exception {
    boolean quic = transport.equals("quic");
    String securityId = security.equals("tls") ? HostConfig.TLS : HostConfig.NOISE;
    String muxerId = muxer.equals("mplex") ? HostConfig.MPLEX : HostConfig.YAMUX;
    try (Host server = host(keyType, securityId, muxerId, quic);
        Host client = host(keyType, securityId, muxerId, quic)) {
      server.setStreamHandler(SINK, TransportBench::serveSink);
      server.start().join();
      client.start().join();
      client.connect(server.peerInfo()).get(30, TimeUnit.SECONDS);
      long warmBytes = Math.min(bytes, 64L << 20);
      Warmup.Result warm = Warmup.untilSettled(() -> throughput(client, server.peerId(), warmBytes));
      Machine.Snapshot before = Machine.now();
      double mib = throughput(client, server.peerId(), bytes);
      Machine.Snapshot after = Machine.now();
      Conditions conditions = new Conditions(warm, after.cpuSeconds(before) / (bytes / (double) (1L << 30)),
          after.compileSeconds(before), after.stealPercent(before));
      client.disconnect(server.peerId()).get(30, TimeUnit.SECONDS);
      handshakes(client, server, Math.max(20, handshakeCount / 4)); // warm-up
      double hs = handshakes(client, server, handshakeCount);
      String key = keyType.name().toLowerCase(Locale.ROOT);
      return quic
          ? new Result("quic", "tls", "quic", key, bytes, mib, handshakeCount, hs, conditions)
          : new Result(Result.tcp(security, muxer), security, muxer, key, bytes, mib, handshakeCount, hs, conditions);
    }
  }

  public static void main(String[] args) throws Exception {
    long bytes = 256L << 20;
    int handshakes = 200;
    String muxer = "yamux";
    String transport = "tcp";
    String security = "noise";
    KeyType keyType = KeyType.ED25519;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--bytes" -> bytes = Long.parseLong(args[i + 1]);
        case "--handshakes" -> handshakes = Integer.parseInt(args[i + 1]);
        case "--muxer" -> muxer = args[i + 1];
        case "--transport" -> transport = args[i + 1];
        case "--security" -> security = args[i + 1];
        case "--key-type" -> keyType = args[i + 1].equals("secp256k1") ? KeyType.SECP256K1 : KeyType.ED25519;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (!transport.equals("tcp") && !transport.equals("quic")) {
      throw new IllegalArgumentException("--transport must be tcp or quic: " + transport);
    }
    if (!security.equals("noise") && !security.equals("tls")) {
      throw new IllegalArgumentException("--security must be noise or tls: " + security);
    }
    if (!muxer.equals("yamux") && !muxer.equals("mplex")) {
      throw new IllegalArgumentException("--muxer must be yamux or mplex: " + muxer);
    }
    System.out.println(run(transport, security, muxer, keyType, bytes, handshakes).json());
  }
}
