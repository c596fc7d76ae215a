package io.serenity.p2p.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.transport.tcp.TcpConfig;
import io.serenity.p2p.transport.tcp.TcpTransport;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The event loops' I/O: epoll where Netty's native library loads, NIO otherwise, channels to match. */
class NettyIoTest {

  private static boolean linuxX86() {
    return System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux")
        && System.getProperty("os.arch").matches("amd64|x86_64");
  }

  @Test
  void epollIsUsedWhereItLoads() {
    if (linuxX86()) {
      // the native jar ships for this platform: when it does not load, say why instead of quietly using NIO
      assertThat(Epoll.isAvailable()).as("epoll: %s", Epoll.unavailabilityCause()).isTrue();
    }
    if (System.getProperty(NettyIo.PROPERTY) == null) {
      assertThat(NettyIo.name()).isEqualTo(Epoll.isAvailable() ? "epoll" : "nio");
    }
    EventLoopGroup g = NettyIo.newGroup(1);
    try {
      assertThat(NettyIo.socketChannel(g)).isEqualTo(
          NettyIo.name().equals("epoll") ? EpollSocketChannel.class : NioSocketChannel.class);
    } finally {
      g.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"nio", "epoll"})
  void tcpCarriesBytesOnEitherKindOfGroupWithChannelsOfItsKind(String io) throws Exception {
    boolean epoll = io.equals("epoll");
    org.junit.jupiter.api.Assumptions.assumeTrue(!epoll || Epoll.isAvailable(), "epoll not available here");
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(2, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    TcpTransport tcp = new TcpTransport(TcpConfig.defaults(), group);
    try {
      CompletableFuture<String> received = new CompletableFuture<>();
      CompletableFuture<Channel> accepted = new CompletableFuture<>();
      Multiaddr bound = tcp.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"), ch -> {
        accepted.complete(ch);
        ch.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
          private final StringBuilder text = new StringBuilder();

          @Override
          protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
            text.append(msg.toString(StandardCharsets.UTF_8));
            if (text.length() == 10) {
              received.complete(text.toString());
            }
          }
        });
        // accepted channels start with auto-read off: nothing is read until one read is asked for,
        // then one more after each read completes
        ch.read();
        ch.pipeline().addLast(new io.netty.channel.ChannelInboundHandlerAdapter() {
          @Override
          public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.read();
          }
        });
      }).get(10, TimeUnit.SECONDS);
      Channel ch = tcp.dial(bound).get(10, TimeUnit.SECONDS);
      ch.writeAndFlush(Unpooled.copiedBuffer("hello", StandardCharsets.UTF_8));
      ch.writeAndFlush(Unpooled.copiedBuffer("world", StandardCharsets.UTF_8));
      assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo("helloworld");
      Class<?> want = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
      assertThat(ch).isInstanceOf(want);
      assertThat(accepted.get(10, TimeUnit.SECONDS)).isInstanceOf(
          epoll ? io.netty.channel.epoll.EpollSocketChannel.class : NioSocketChannel.class);
      ch.close().syncUninterruptibly();
    } finally {
      tcp.close();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"nio", "epoll"})
  void aPortInUseFailsWithABindExceptionOnEitherKindOfGroup(String io) throws Exception {
    boolean epoll = io.equals("epoll");
    org.junit.jupiter.api.Assumptions.assumeTrue(!epoll || Epoll.isAvailable(), "epoll not available here");
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    TcpTransport tcp = new TcpTransport(TcpConfig.defaults(), group);
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      CompletableFuture<Multiaddr> listen =
          tcp.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/" + taken.getLocalPort()), ch -> {});
      org.assertj.core.api.Assertions.catchThrowable(() -> listen.get(10, TimeUnit.SECONDS));
      Throwable failure = org.assertj.core.api.Assertions.catchThrowable(listen::join).getCause();
      assertThat(failure).isInstanceOf(io.serenity.p2p.transport.tcp.TcpException.class)
          .hasMessageContaining("cannot listen on /ip4/127.0.0.1/tcp/" + taken.getLocalPort())
          .hasMessageContaining("Address already in use");
      assertThat(failure.getCause()).isInstanceOf(java.net.BindException.class);
    } finally {
      tcp.close();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
