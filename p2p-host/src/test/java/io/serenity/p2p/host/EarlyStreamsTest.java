package io.serenity.p2p.host;

import static io.serenity.p2p.host.TestHosts.await;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.multistream.MultistreamSelect;
import io.serenity.p2p.mux.MuxedStream;
import io.serenity.p2p.mux.MuxedStreamHandler;
import io.serenity.p2p.transport.tcp.TcpConfig;
import io.serenity.p2p.transport.tcp.TcpTransport;
import io.serenity.p2p.upgrade.UpgradedConnection;
import io.serenity.p2p.upgrade.Upgrader;
import io.serenity.p2p.upgrade.UpgraderConfig;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A peer that opens streams the moment its side of the handshake completes, as peers open
 * identify, ping or a pubsub stream, while the host is still registering the connection and
 * installing its inbound-stream acceptor. Every such stream must be negotiated and served by the
 * host: none reset, none left waiting. Both muxers, both directions (the host accepts the
 * connection, or dials it), repeated because the interleaving differs from run to run.
 */
@ExtendWith(NettyLeakCheck.class)
class EarlyStreamsTest {
  private static final int STREAMS = 3;
  private static final List<String> MUXERS = List.of(HostConfig.YAMUX, HostConfig.MPLEX);

  private static TestHosts hosts;
  private static Host host;
  private static EventLoopGroup group;

  @BeforeAll
  static void start() {
    hosts = new TestHosts();
    host = hosts.start();
    host.setStreamHandler(Echo.PROTOCOL_ID, Echo::serve);
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  }

  @AfterAll
  static void stop() {
    hosts.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @RepeatedTest(25)
  @Timeout(30)
  void streamsOpenedByAPeerRightAfterItDialledAreServed() {
    for (String muxer : MUXERS) {
      Peer peer = new Peer(muxer);
      TcpTransport tcp = new TcpTransport(TcpConfig.defaults(), group);
      List<CompletableFuture<String>> echoes = new ArrayList<>();
      UpgradedConnection up =
          await(
              tcp.dial(host.listenAddrs().get(0))
                  .thenCompose(ch -> peer.upgrader.upgradeOutbound(ch, host.peerId()))
                  .whenComplete(
                      (c, e) -> {
                        if (c != null) {
                          echoes.addAll(openAtOnce(c));
                        }
                      }));
      try {
        assertEchoed(echoes, muxer);
        assertThat(up.muxed().protocolId()).isEqualTo(muxer);
      } finally {
        up.muxed().close();
      }
    }
  }

  @RepeatedTest(25)
  @Timeout(30)
  void streamsOpenedByAPeerRightAfterItWasDialledAreServed() {
    for (String muxer : MUXERS) {
      Peer peer = new Peer(muxer);
      TcpTransport tcp = new TcpTransport(TcpConfig.defaults(), group);
      CompletableFuture<List<CompletableFuture<String>>> echoes = new CompletableFuture<>();
      Multiaddr addr =
          await(
              tcp.listen(
                  Multiaddr.parse("/ip4/127.0.0.1/tcp/0"),
                  ch ->
                      peer.upgrader
                          .upgradeInbound(ch)
                          .whenComplete(
                              (c, e) -> {
                                if (e != null) {
                                  echoes.completeExceptionally(e);
                                } else {
                                  echoes.complete(openAtOnce(c));
                                }
                              })));
      try {
        Connection c =
            await(host.connect(addr.encapsulate(Multiaddr.parse("/p2p/" + peer.id.toBase58()))));
        assertThat(c.muxer()).isEqualTo(muxer);
        assertEchoed(await(echoes), muxer);
        c.close();
      } finally {
        tcp.close();
      }
    }
  }

  private static void assertEchoed(List<CompletableFuture<String>> echoes, String muxer) {
    assertThat(echoes).hasSize(STREAMS);
    for (int i = 0; i < STREAMS; i++) {
      assertThat(await(echoes.get(i))).as("%s stream %d", muxer, i).isEqualTo("early " + i);
    }
  }

  /** A remote peer offering only {@code muxer}. */
  private static final class Peer {
    final PrivateKey key = PrivateKey.generate(KeyType.ED25519);
    final PeerId id = PeerId.fromPublicKey(key.publicKey());
    final Upgrader upgrader;

    Peer(String muxer) {
      upgrader =
          new Upgrader(
              key, UpgraderConfig.defaults(), List.of(Muxers.create(muxer, HostConfig.defaults())));
    }
  }

  /**
   * Runs where the peer's upgrade completes (its event loop): opens {@link #STREAMS} echo streams
   * at once, before the host could have done anything with the connection. The peer serves no
   * protocol itself, so it refuses the host's streams (identify).
   */
  private static List<CompletableFuture<String>> openAtOnce(UpgradedConnection c) {
    List<CompletableFuture<String>> echoes = new ArrayList<>();
    for (int i = 0; i < STREAMS; i++) {
      String payload = "early " + i;
      CompletableFuture<String> echoed = new CompletableFuture<>();
      echoes.add(echoed);
      c.muxed()
          .openStream()
          .thenCompose(
              s ->
                  MultistreamSelect.select(s, List.of(Echo.PROTOCOL_ID), p -> collector(echoed))
                      .thenCompose(p -> s.write(Unpooled.copiedBuffer(payload, UTF_8)))
                      .thenCompose(v -> s.closeWrite()))
          .exceptionally(
              e -> {
                echoed.completeExceptionally(e);
                return null;
              });
    }
    c.muxed().setInboundStreamAcceptor(MuxedStream::reset);
    return echoes;
  }

  /** Collects the echo; completes with it when the host half-closes. */
  private static MuxedStreamHandler collector(CompletableFuture<String> echoed) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    return new MuxedStreamHandler() {
      @Override
      public void onData(MuxedStream stream, ByteBuf data) {
        try {
          byte[] b = new byte[data.readableBytes()];
          data.readBytes(b);
          bytes.writeBytes(b);
        } finally {
          data.release();
        }
      }

      @Override
      public void onRemoteClose(MuxedStream stream) {
        echoed.complete(bytes.toString(UTF_8));
      }

      @Override
      public void onReset(MuxedStream stream) {
        echoed.completeExceptionally(new AssertionError("stream " + stream.id() + " was reset"));
      }
    };
  }
}
