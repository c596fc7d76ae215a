package io.serenity.p2p.mux.yamux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.serenity.p2p.mux.LeakRecorder;
import io.serenity.p2p.mux.MuxedStream;
import io.serenity.p2p.mux.MuxedStreamHandler;
import io.serenity.p2p.mux.RecordingHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Yamux over real TCP sockets on 127.0.0.1, where write futures follow the socket's pace. */
class YamuxTcpTest {
  static {
    LeakRecorder.install();
  }

  private EventLoopGroup group;
  private Channel server;
  private Channel client;
  private YamuxSession dialer;
  private final CompletableFuture<YamuxSession> listener = new CompletableFuture<>();
  private final AtomicLong consumed = new AtomicLong();
  private final CRC32C receivedCrc = new CRC32C();
  private final CompletableFuture<Long> received = new CompletableFuture<>();

  @BeforeEach
  void connect() throws Exception {
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    Yamux yamux = Yamux.create();
    MuxedStreamHandler sink =
        new MuxedStreamHandler() {
          @Override
          public void onData(MuxedStream stream, ByteBuf data) {
            try {
              receivedCrc.update(data.nioBuffer());
              consumed.addAndGet(data.readableBytes());
            } finally {
              data.release();
            }
          }

          @Override
          public void onRemoteClose(MuxedStream stream) {
            received.complete(receivedCrc.getValue());
            stream.closeWrite();
          }
        };
    server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    YamuxSession s = yamux.install(ch, false);
                    s.setInboundStreamAcceptor(st -> st.setHandler(sink));
                    listener.complete(s);
                  }
                })
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .sync()
            .channel();
    CompletableFuture<YamuxSession> d = new CompletableFuture<>();
    client =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    d.complete(yamux.install(ch, true));
                  }
                })
            .connect(server.localAddress())
            .sync()
            .channel();
    dialer = d.get(5, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() throws Exception {
    client.close().sync();
    server.close().sync();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  @AfterAll
  static void noLeaks() {
    LeakRecorder.assertNoLeaks();
  }

  @Test
  void pingMeasuresARoundTrip() throws Exception {
    Duration rtt = dialer.ping().get(5, TimeUnit.SECONDS);
    assertThat(rtt).isPositive().isLessThan(Duration.ofSeconds(5));
    assertThat(listener.get(5, TimeUnit.SECONDS).ping().get(5, TimeUnit.SECONDS)).isPositive();
  }

  @Test
  @Timeout(60)
  void transfersThirtyTwoMebibytesWithinOneWindowInFlight() throws Exception {
    long total = 32L << 20;
    int chunk = 64 * 1024;
    byte[] pattern = new byte[1 << 20];
    new Random(3).nextBytes(pattern);
    CRC32C sentCrc = new CRC32C();
    MuxedStream stream = dialer.openStream().get(5, TimeUnit.SECONDS);
    RecordingHandler replies = new RecordingHandler();
    stream.setHandler(replies);
    long maxInFlight = 0;
    for (long sent = 0; sent < total; sent += chunk) {
      int offset = (int) (sent % pattern.length);
      ByteBuf buf = ByteBufAllocator.DEFAULT.buffer(chunk).writeBytes(pattern, offset, chunk);
      sentCrc.update(pattern, offset, chunk);
      stream.write(buf).get(10, TimeUnit.SECONDS);
      maxInFlight = Math.max(maxInFlight, sent + chunk - consumed.get());
    }
    stream.closeWrite().get(5, TimeUnit.SECONDS);
    assertThat(received.get(30, TimeUnit.SECONDS)).isEqualTo(sentCrc.getValue());
    replies.remoteClosed.get(5, TimeUnit.SECONDS);
    stream.closeFuture().get(5, TimeUnit.SECONDS);
    assertThat(consumed.get()).isEqualTo(total);
    assertThat(maxInFlight).isLessThanOrEqualTo(YamuxConfig.SPEC_INITIAL_WINDOW);
    assertThat(dialer.maxBufferedBytes()).isLessThanOrEqualTo(chunk);
  }
}
