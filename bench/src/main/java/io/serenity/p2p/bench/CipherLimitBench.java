package io.serenity.p2p.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The ceiling for an encrypted single-stream transfer on this machine: a plain loopback TCP
 * connection carrying Noise-sized frames (2-byte length, at most 65,535 bytes with the 16-byte
 * tag) sealed with ChaCha20-Poly1305, and nothing else: no handshake, no muxer, no protocol.
 */
public final class CipherLimitBench {
  static final int MAX_FRAME = 65535;
  static final int TAG = 16;
  static final int MAX_PLAINTEXT = MAX_FRAME - TAG;

  private CipherLimitBench() {}

  /** Runs one transfer of {@code totalBytes} and returns MiB/s. */
  public static double run(long totalBytes) throws Exception {
    byte[] key = new byte[32];
    ThreadLocalRandom.current().nextBytes(key);
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    CompletableFuture<Long> received = new CompletableFuture<>();
    try {
      Channel server =
          new ServerBootstrap()
              .group(boss, workers)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline()
                          .addLast(new LengthFieldBasedFrameDecoder(MAX_FRAME + 2, 0, 2, 0, 2))
                          .addLast(new Opener(key, totalBytes, received));
                    }
                  })
              .bind(new InetSocketAddress("127.0.0.1", 0))
              .sync()
              .channel();
      Channel client =
          new Bootstrap()
              .group(workers)
              .channel(NioSocketChannel.class)
              .option(ChannelOption.TCP_NODELAY, true)
              .handler(new ChannelInboundHandlerAdapter())
              .connect(server.localAddress())
              .sync()
              .channel();
      long start = System.nanoTime();
      Sealer sealer = new Sealer(key, totalBytes, client);
      client
          .pipeline()
          .addLast(
              new ChannelInboundHandlerAdapter() {
                @Override
                public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                  sealer.pump();
                  ctx.fireChannelWritabilityChanged();
                }
              });
      client.eventLoop().execute(sealer::pump);
      received.get(2, TimeUnit.MINUTES);
      double seconds = (System.nanoTime() - start) / 1e9;
      client.close().sync();
      server.close().sync();
      return totalBytes / 1048576.0 / seconds;
    } finally {
      boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  private static Cipher cipher(int mode, byte[] key, long nonce) throws GeneralSecurityException {
    byte[] iv = new byte[12];
    // Noise nonce: 4 zero bytes then the 64-bit counter, little-endian.
    for (int i = 0; i < 8; i++) {
      iv[4 + i] = (byte) (nonce >>> (8 * i));
    }
    Cipher c = Cipher.getInstance("ChaCha20-Poly1305");
    c.init(mode, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(iv));
    return c;
  }

  /** Writes sealed frames while the channel is writable. */
  private static final class Sealer {
    private final byte[] key;
    private final Channel channel;
    private final byte[] plain = new byte[MAX_PLAINTEXT];
    private long remaining;
    private long nonce;

    Sealer(byte[] key, long total, Channel channel) {
      this.key = key;
      this.remaining = total;
      this.channel = channel;
      ThreadLocalRandom.current().nextBytes(plain);
    }

    void pump() {
      try {
        while (remaining > 0 && channel.isWritable()) {
          int n = (int) Math.min(MAX_PLAINTEXT, remaining);
          ByteBuf out = channel.alloc().heapBuffer(2 + n + TAG);
          out.writeShort(n + TAG);
          cipher(Cipher.ENCRYPT_MODE, key, nonce++)
              .doFinal(plain, 0, n, out.array(), out.arrayOffset() + 2);
          out.writerIndex(2 + n + TAG);
          remaining -= n;
          channel.write(out);
        }
        channel.flush();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** Opens frames and counts plaintext bytes. */
  private static final class Opener extends ChannelInboundHandlerAdapter {
    private final byte[] key;
    private final long expected;
    private final CompletableFuture<Long> done;
    private long nonce;
    private long seen;
    private final byte[] scratch = new byte[MAX_FRAME];
    private final byte[] sealed = new byte[MAX_FRAME];

    Opener(byte[] key, long expected, CompletableFuture<Long> done) {
      this.key = key;
      this.expected = expected;
      this.done = done;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
      ByteBuf frame = (ByteBuf) msg;
      try {
        int n = frame.readableBytes();
        // Array-backed input: the JDK cipher is markedly slower on direct buffers.
        frame.readBytes(sealed, 0, n);
        seen += cipher(Cipher.DECRYPT_MODE, key, nonce++).doFinal(sealed, 0, n, scratch, 0);
      } finally {
        frame.release();
      }
      if (seen >= expected) {
        done.complete(seen);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      done.completeExceptionally(cause);
      ctx.close();
    }
  }

  /**
   * The cipher alone, on one thread, in memory: seals {@code totalBytes} in full-size frames, then
   * opens them, and returns MiB/s for each (the JDK's ChaCha20-Poly1305, its intrinsics included).
   */
  static double[] inMemory(long totalBytes) throws GeneralSecurityException {
    byte[] key = new byte[32];
    ThreadLocalRandom.current().nextBytes(key);
    byte[] plain = new byte[MAX_PLAINTEXT];
    ThreadLocalRandom.current().nextBytes(plain);
    int frames = (int) Math.max(1, totalBytes / MAX_PLAINTEXT);
    byte[] sealed = new byte[MAX_FRAME];
    byte[] opened = new byte[MAX_PLAINTEXT];
    // every frame sealed with its own nonce; the last kept for the open loop's input (same size)
    long t0 = System.nanoTime();
    for (int i = 0; i < frames; i++) {
      cipher(Cipher.ENCRYPT_MODE, key, i).doFinal(plain, 0, MAX_PLAINTEXT, sealed, 0);
    }
    long t1 = System.nanoTime();
    long last = frames - 1;
    for (int i = 0; i < frames; i++) {
      cipher(Cipher.DECRYPT_MODE, key, last).doFinal(sealed, 0, MAX_FRAME, opened, 0);
    }
    long t2 = System.nanoTime();
    double mib = (double) frames * MAX_PLAINTEXT / 1048576.0;
    return new double[] {mib / ((t1 - t0) / 1e9), mib / ((t2 - t1) / 1e9)};
  }

  /**
   * {@code CipherLimitBench [MiB]}: the loopback ceiling. {@code CipherLimitBench --in-memory [MiB]}:
   * the cipher alone on one thread, sealing then opening.
   */
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--in-memory")) {
      long mib = args.length > 1 ? Long.parseLong(args[1]) : 1024;
      inMemory(256L << 20); // warm-up
      double[] r = inMemory(mib << 20);
      System.out.println(JsonLine.of("cipher-in-memory").put("cipher", "ChaCha20-Poly1305").put("bytes", mib << 20)
          .put("sealMibPerSec", r[0], 1).put("openMibPerSec", r[1], 1));
      return;
    }
    long mib = args.length > 0 ? Long.parseLong(args[0]) : 256;
    long warmBytes = Math.min(mib, 64) << 20; // the rounds of TransportBench's warm-up
    Warmup.Result warm = Warmup.untilSettled(() -> run(warmBytes));
    Machine.Snapshot before = Machine.now();
    double mibPerSec = run(mib << 20);
    Machine.Snapshot after = Machine.now();
    // One JSON line, read by bench/transport-table.mjs.
    System.out.println(JsonLine.of("cipher-limit").put("cipher", "ChaCha20-Poly1305").put("bytes", mib << 20)
        .put("mibPerSec", mibPerSec, 1)
        .put("conditions", new TransportBench.Conditions(warm, after.cpuSeconds(before) / (mib / 1024.0),
            after.compileSeconds(before), after.stealPercent(before)).json()));
  }
}
