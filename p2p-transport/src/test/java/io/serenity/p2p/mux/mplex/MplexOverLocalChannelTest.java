package io.serenity.p2p.mux.mplex;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import io.serenity.p2p.mux.LeakRecorder;
import io.serenity.p2p.mux.MuxedConnection;
import io.serenity.p2p.mux.MuxedStream;
import io.serenity.p2p.mux.MuxedStreamHandler;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * mplex over a Netty {@link LocalChannel} with real event loops: the caller's thread is not the
 * loop, so every public method has to hop onto it.
 */
class MplexOverLocalChannelTest {
  static {
    LeakRecorder.install();
  }

  @AfterAll
  static void noNettyLeaks() {
    LeakRecorder.assertNoLeaks();
  }


  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, LocalIoHandler.newFactory());

  @AfterEach
  void shutdown() throws Exception {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS);
  }

  @Test
  void manyStreamsEchoInterleavedWritesFromAnotherThread() throws Exception {
    LocalAddress address = new LocalAddress("mplex-" + UUID.randomUUID());
    CompletableFuture<MuxedConnection> serverSide = new CompletableFuture<>();
    List<MuxedStream> serverStreams = new java.util.concurrent.CopyOnWriteArrayList<>();
    Channel server = new ServerBootstrap()
        .group(group)
        .channel(LocalServerChannel.class)
        .childHandler(new ChannelInitializer<LocalChannel>() {
          @Override
          protected void initChannel(LocalChannel ch) {
            MuxedConnection connection = new Mplex().install(ch, false);
            connection.setInboundStreamAcceptor(stream -> {
              serverStreams.add(stream);
              stream.setHandler(new EchoThenClose());
            });
            serverSide.complete(connection);
          }
        })
        .bind(address).sync().channel();
    Channel client = new Bootstrap()
        .group(group)
        .channel(LocalChannel.class)
        .handler(new ChannelInboundHandlerAdapter())
        .connect(address).sync().channel();
    MuxedConnection connection = new Mplex().install(client, true);

    int streams = 8;
    int chunk = 16 * 1024;
    int chunksPerStream = 12;
    Random random = new Random(777);
    List<MuxedStream> opened = new ArrayList<>();
    List<Collector> collectors = new ArrayList<>();
    List<ByteArrayOutputStream> sent = new ArrayList<>();
    for (int i = 0; i < streams; i++) {
      MuxedStream stream = connection.openStream().get(10, TimeUnit.SECONDS);
      Collector collector = new Collector();
      stream.setHandler(collector);
      opened.add(stream);
      collectors.add(collector);
      sent.add(new ByteArrayOutputStream());
    }
    for (int round = 0; round < chunksPerStream; round++) {
      List<CompletableFuture<Void>> writes = new ArrayList<>();
      for (int i = 0; i < streams; i++) {
        byte[] bytes = new byte[chunk];
        random.nextBytes(bytes);
        sent.get(i).write(bytes);
        writes.add(opened.get(i).write(Unpooled.wrappedBuffer(bytes)));
      }
      // Awaiting each round is the back-pressure a real writer applies.
      CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    }
    for (MuxedStream stream : opened) {
      stream.closeWrite().get(10, TimeUnit.SECONDS);
    }

    for (int i = 0; i < streams; i++) {
      assertThat(collectors.get(i).done.get(10, TimeUnit.SECONDS))
          .isEqualTo(sent.get(i).toByteArray());
      opened.get(i).closeFuture().get(10, TimeUnit.SECONDS);
    }
    assertThat(connection.streamCount()).isZero();
    // the server side finishes its own bookkeeping on its event loop: wait for its streams to close
    assertThat(serverStreams).hasSize(streams);
    for (MuxedStream s : serverStreams) {
      s.closeFuture().get(10, TimeUnit.SECONDS);
    }
    MuxedConnection serverConnection = serverSide.get(10, TimeUnit.SECONDS);
    assertThat(serverConnection.streamCount()).isZero();

    connection.close();
    connection.closeFuture().get(10, TimeUnit.SECONDS);
    serverSide.get().closeFuture().get(10, TimeUnit.SECONDS);
    server.close().sync();
  }

  /** Echoes data; half-closes when the remote does. */
  private static final class EchoThenClose implements MuxedStreamHandler {
    @Override
    public void onData(MuxedStream stream, ByteBuf data) {
      stream.write(data);
    }

    @Override
    public void onRemoteClose(MuxedStream stream) {
      stream.closeWrite();
    }
  }

  /** Collects a stream's bytes; completes with them at the remote close. */
  private static final class Collector implements MuxedStreamHandler {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final CompletableFuture<byte[]> done = new CompletableFuture<>();

    @Override
    public void onData(MuxedStream stream, ByteBuf data) {
      byte[] copy = new byte[data.readableBytes()];
      data.readBytes(copy);
      data.release();
      bytes.writeBytes(copy);
    }

    @Override
    public void onRemoteClose(MuxedStream stream) {
      done.complete(bytes.toByteArray());
    }

    @Override
    public void onReset(MuxedStream stream) {
      done.completeExceptionally(new AssertionError("stream was reset"));
    }
  }
}
