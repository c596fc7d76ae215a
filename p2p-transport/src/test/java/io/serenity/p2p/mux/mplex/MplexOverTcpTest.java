package io.serenity.p2p.mux.mplex;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.serenity.p2p.mux.LeakRecorder;
import io.serenity.p2p.mux.MuxedConnection;
import io.serenity.p2p.mux.MuxedStream;
import io.serenity.p2p.mux.MuxedStreamHandler;
import java.net.InetSocketAddress;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * mplex over a real TCP connection on 127.0.0.1. mplex itself has no flow control; what keeps a
 * fast writer from outrunning a slow reader is that the reader's event loop stops reading the
 * socket while its handler is busy, and a write future completes only once the bytes are in the
 * kernel's send buffer.
 */
class MplexOverTcpTest {
  static {
    LeakRecorder.install();
  }

  /** Far above what the loopback socket buffers hold (Linux autotunes them to tens of MiB). */
  private static final long TOTAL = 128L << 20;

  /** Send plus receive socket buffers and one chunk, with a margin. */
  private static final long STALL_BOUND = 64L << 20;

  private final EventLoopGroup writerGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final EventLoopGroup readerGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Semaphore readerPermits = new Semaphore(0);

  @AfterEach
  void shutdown() throws Exception {
    readerPermits.release(Integer.MAX_VALUE / 2); // never leave the reader's loop blocked
    writerGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS);
    readerGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void noNettyLeaks() {
    LeakRecorder.assertNoLeaks();
  }

  @Test
  @Timeout(60)
  void writerAwaitingWriteFuturesIsPacedByAStalledReader() throws Exception {
    CRC32C readerCrc = new CRC32C();
    CompletableFuture<Long> readerDone = new CompletableFuture<>();
    MuxedStreamHandler stallingReader = new MuxedStreamHandler() {
      @Override
      public void onData(MuxedStream stream, ByteBuf data) {
        // Blocks the reader's event loop until the test hands out permits: a reader that has
        // stopped consuming, so the loop stops reading the socket.
        readerPermits.acquireUninterruptibly();
        try {
          readerCrc.update(data.nioBuffer());
        } finally {
          data.release();
        }
      }

      @Override
      public void onRemoteClose(MuxedStream stream) {
        readerDone.complete(readerCrc.getValue());
      }

      @Override
      public void onReset(MuxedStream stream) {
        readerDone.completeExceptionally(new AssertionError("reader's stream was reset"));
      }
    };
    Channel server = new ServerBootstrap()
        .group(readerGroup)
        .channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            new Mplex().install(ch, false)
                .setInboundStreamAcceptor(stream -> stream.setHandler(stallingReader));
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    Channel client = new Bootstrap()
        .group(writerGroup)
        .channel(NioSocketChannel.class)
        .handler(new ChannelInboundHandlerAdapter())
        .connect(server.localAddress()).sync().channel();
    MuxedConnection connection = new Mplex().install(client, true);
    MuxedStream stream = connection.openStream().get(10, TimeUnit.SECONDS);

    int chunk = 64 * 1024;
    byte[] pattern = new byte[1 << 20];
    new Random(7).nextBytes(pattern);
    CRC32C writerCrc = new CRC32C();
    long writtenWhenStalled = -1;
    for (long sent = 0; sent < TOTAL; sent += chunk) {
      int offset = (int) (sent % pattern.length);
      ByteBuf buf = ByteBufAllocator.DEFAULT.buffer(chunk);
      buf.writeBytes(pattern, offset, chunk);
      writerCrc.update(pattern, offset, chunk);
      CompletableFuture<Void> written = stream.write(buf);
      if (writtenWhenStalled < 0) {
        try {
          written.get(2, TimeUnit.SECONDS);
        } catch (TimeoutException stalled) {
          // The socket is full: back-pressure reached the writer. Let the reader go.
          writtenWhenStalled = sent;
          readerPermits.release(Integer.MAX_VALUE / 2);
        }
      }
      written.get(10, TimeUnit.SECONDS);
    }
    stream.closeWrite().get(10, TimeUnit.SECONDS);
    System.out.printf("MplexOverTcpTest: writer stalled after %d bytes%n", writtenWhenStalled);

    assertThat(readerDone.get(30, TimeUnit.SECONDS)).isEqualTo(writerCrc.getValue());
    assertThat(writtenWhenStalled).as("the writer stalled").isPositive();
    assertThat(writtenWhenStalled).as("bytes accepted before the stall")
        .isLessThanOrEqualTo(STALL_BOUND);
    connection.close();
    connection.closeFuture().get(10, TimeUnit.SECONDS);
    server.close().sync();
  }
}
