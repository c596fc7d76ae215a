package io.serenity.p2p.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.serenity.p2p.core.Multiaddr;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TcpTransportTest {

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  private final TcpTransport tcp = new TcpTransport(TcpConfig.defaults(), group);

  @AfterEach
  void close() {
    tcp.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/ip4/127.0.0.1/tcp/0", "/ip6/::1/tcp/0"})
  void listenOnPortZeroReportsTheBoundAddressAndCarriesBytes(String addr) throws Exception {
    CompletableFuture<String> received = new CompletableFuture<>();
    Multiaddr bound =
        tcp.listen(
                Multiaddr.parse(addr),
                ch -> {
                  ch.pipeline()
                      .addLast(
                          new SimpleChannelInboundHandler<ByteBuf>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                              received.complete(msg.toString(StandardCharsets.UTF_8));
                            }
                          });
                  ch.config().setAutoRead(true); // channels start with auto-read off
                })
            .get(10, TimeUnit.SECONDS);
    assertThat(bound.toTcpSocketAddress().getPort()).isPositive();
    assertThat(bound.toString()).startsWith(addr.substring(0, addr.indexOf("/tcp/")));
    assertThat(tcp.listenAddrs()).containsExactly(bound);

    Channel ch = tcp.dial(bound).get(10, TimeUnit.SECONDS);
    ch.writeAndFlush(Unpooled.copiedBuffer("hello", StandardCharsets.UTF_8));
    assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo("hello");
    ch.close().syncUninterruptibly();
  }

  @Test
  void dialToAClosedPortFailsNamingTheAddress() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Multiaddr addr = Multiaddr.parse("/ip4/127.0.0.1/tcp/" + port);
    assertThatThrownBy(() -> tcp.dial(addr).join())
        .hasCauseInstanceOf(TcpException.class)
        .hasMessageContaining(addr.toString());
  }

  @Test
  void listenOnANonTcpAddressFails() {
    assertThat(TcpTransport.canHandle(Multiaddr.parse("/ip4/127.0.0.1/udp/1"))).isFalse();
    assertThatThrownBy(() -> tcp.listen(Multiaddr.parse("/ip4/127.0.0.1/udp/1"), ch -> {}).join())
        .hasCauseInstanceOf(TcpException.class);
  }

  @Test
  void configValidation() {
    assertThatThrownBy(() -> TcpConfig.defaults().withConnectTimeout(Duration.ZERO).validate())
        .hasMessageContaining("connectTimeout");
    assertThatThrownBy(() -> new TcpConfig(Duration.ofSeconds(1), 0, true).validate())
        .hasMessageContaining("backlog");
  }
}
