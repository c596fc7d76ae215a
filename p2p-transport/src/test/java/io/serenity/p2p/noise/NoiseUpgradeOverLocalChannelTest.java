package io.serenity.p2p.noise;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.multistream.LeakCheck;
import io.serenity.p2p.multistream.MultistreamHandler;
import io.serenity.p2p.multistream.MultistreamSelect;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The TCP upgrade sequence on a real (local) event loop: multistream -> /noise -> Noise XX ->
 * multistream inside the secured channel -> application bytes.
 */
@ExtendWith(LeakCheck.class)
class NoiseUpgradeOverLocalChannelTest {

  private static final String MUXER = "/yamux/1.0.0";

  private EventLoopGroup group;

  @BeforeEach
  void setUp() {
    group = new MultiThreadIoEventLoopGroup(2, LocalIoHandler.newFactory());
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
  }

  /** Completes with the first inbound bytes as text. */
  static final class FirstRead extends ChannelInboundHandlerAdapter {
    final CompletableFuture<String> text = new CompletableFuture<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf b = (ByteBuf) msg;
      try {
        text.complete(b.toString(StandardCharsets.UTF_8));
      } finally {
        b.release();
      }
    }
  }

  /** Installs the whole upgrade on {@code ch}; returns the secured, negotiated muxer id. */
  static CompletableFuture<String> upgrade(
      Channel ch,
      boolean dialer,
      PrivateKey identity,
      PeerId expected,
      List<String> earlyMuxers,
      FirstRead app) {
    CompletableFuture<String> muxer = new CompletableFuture<>();
    MultistreamHandler outer =
        dialer
            ? MultistreamSelect.dialerHandler(List.of("/tls/1.0.0", Noise.PROTOCOL_ID))
            : MultistreamSelect.listenerHandler(List.of(Noise.PROTOCOL_ID));
    outer
        .selected()
        .whenComplete(
            (p, e) -> {
              if (e != null) {
                muxer.completeExceptionally(e);
                return;
              }
              NoiseHandshakeHandler noise =
                  new NoiseHandshakeHandler(identity, dialer, expected, earlyMuxers);
              noise
                  .session()
                  .whenComplete(
                      (s, e2) -> {
                        if (e2 != null) {
                          muxer.completeExceptionally(e2);
                        } else if (s.earlyMuxer().isPresent()) {
                          ch.pipeline().addLast(app);
                          muxer.complete(s.earlyMuxer().get());
                        } else {
                          MultistreamHandler inner =
                              dialer
                                  ? MultistreamSelect.dialerHandler(List.of(MUXER))
                                  : MultistreamSelect.listenerHandler(List.of(MUXER));
                          inner
                              .selected()
                              .whenComplete(
                                  (m, e3) -> {
                                    if (e3 != null) {
                                      muxer.completeExceptionally(e3);
                                    } else {
                                      ch.pipeline().addLast(app);
                                      muxer.complete(m);
                                    }
                                  });
                          ch.pipeline().addLast(inner);
                        }
                      });
              ch.pipeline().addLast(noise);
            });
    ch.pipeline().addLast(outer);
    return muxer;
  }

  private void runUpgrade(List<String> earlyMuxers) throws Exception {
    PrivateKey serverKey = PrivateKey.fromSeed(KeyType.SECP256K1, 11);
    PrivateKey clientKey = PrivateKey.fromSeed(KeyType.SECP256K1, 12);
    LocalAddress address = new LocalAddress("noise-upgrade-" + earlyMuxers.size());
    FirstRead serverApp = new FirstRead();
    CompletableFuture<String> serverMuxer = new CompletableFuture<>();
    Channel server =
        new ServerBootstrap()
            .group(group)
            .channel(LocalServerChannel.class)
            .childHandler(
                new ChannelInitializer<LocalChannel>() {
                  @Override
                  protected void initChannel(LocalChannel ch) {
                    upgrade(ch, false, serverKey, null, earlyMuxers, serverApp)
                        .whenComplete(
                            (m, e) -> {
                              if (e != null) {
                                serverMuxer.completeExceptionally(e);
                              } else {
                                serverMuxer.complete(m);
                              }
                            });
                  }
                })
            .bind(address)
            .sync()
            .channel();
    FirstRead clientApp = new FirstRead();
    CompletableFuture<String> clientMuxer = new CompletableFuture<>();
    Channel client =
        new Bootstrap()
            .group(group)
            .channel(LocalChannel.class)
            .handler(
                new ChannelInitializer<LocalChannel>() {
                  @Override
                  protected void initChannel(LocalChannel ch) {
                    upgrade(
                            ch,
                            true,
                            clientKey,
                            PeerId.fromPublicKey(serverKey.publicKey()),
                            earlyMuxers,
                            clientApp)
                        .whenComplete(
                            (m, e) -> {
                              if (e != null) {
                                clientMuxer.completeExceptionally(e);
                              } else {
                                // write at once, from the loop: the bytes may share a read with the
                                // last negotiation message on the other side
                                ch.writeAndFlush(
                                    Unpooled.copiedBuffer("hello", StandardCharsets.UTF_8));
                                clientMuxer.complete(m);
                              }
                            });
                  }
                })
            .connect(address)
            .sync()
            .channel();
    try {
      assertThat(clientMuxer.get(5, TimeUnit.SECONDS)).isEqualTo(MUXER);
      assertThat(serverMuxer.get(5, TimeUnit.SECONDS)).isEqualTo(MUXER);
      assertThat(serverApp.text.get(5, TimeUnit.SECONDS)).isEqualTo("hello");
      server.eventLoop().submit(() -> {}).get(5, TimeUnit.SECONDS);
    } finally {
      client.close().await(5, TimeUnit.SECONDS);
      server.close().await(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void upgradesWithMuxerNegotiatedByMultistreamInsideNoise() throws Exception {
    runUpgrade(List.of());
  }

  @Test
  void upgradesWithMuxerNegotiatedInsideTheHandshake() throws Exception {
    runUpgrade(List.of(MUXER));
  }
}
