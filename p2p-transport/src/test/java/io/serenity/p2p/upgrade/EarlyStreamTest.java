package io.serenity.p2p.upgrade;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.mux.MuxedStream;
import io.serenity.p2p.mux.MuxedStreamHandler;
import io.serenity.p2p.mux.StreamMuxer;
import io.serenity.p2p.mux.mplex.Mplex;
import io.serenity.p2p.mux.yamux.Yamux;
import io.serenity.p2p.transport.tcp.TcpConfig;
import io.serenity.p2p.transport.tcp.TcpTransport;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The product path of a stream opened the moment the handshake ends (as a peer opens identify or
 * a pubsub stream): TCP, Noise or TLS, the muxer chosen inside the handshake or by multistream-select,
 * then a stream opened on the opener's event loop as soon as its upgrade completes. The other
 * side installs its inbound-stream acceptor late, from another thread, once the opener has sent
 * everything. Whichever comes first on that side, the stream must reach the acceptor with its
 * data and half-close, and must be served: nothing reset, nothing stranded.
 */
class EarlyStreamTest {
  private static final int CONNECTIONS = 25;
  private static final Duration AWAIT = Duration.ofSeconds(10);

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  private final TcpTransport tcp = new TcpTransport(TcpConfig.defaults(), group);

  @AfterEach
  void close() {
    tcp.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @ParameterizedTest(name = "{0}, {1}, inline muxer negotiation {2}, opened by the {3}")
  @CsvSource({
    "/noise, yamux, true, dialer",
    "/noise, yamux, false, dialer",
    "/noise, yamux, true, listener",
    "/noise, mplex, true, dialer",
    "/noise, mplex, false, dialer",
    "/noise, mplex, true, listener",
    "/tls/1.0.0, yamux, true, dialer",
    "/tls/1.0.0, yamux, false, dialer",
    "/tls/1.0.0, yamux, true, listener",
    "/tls/1.0.0, mplex, true, dialer",
    "/tls/1.0.0, mplex, false, dialer",
    "/tls/1.0.0, mplex, true, listener",
  })
  @Timeout(120)
  void streamOpenedRightAfterTheHandshakeReachesALateAcceptor(
      String security, String muxer, boolean inline, String opener) throws Exception {
    StreamMuxer m = muxer.equals("yamux") ? Yamux.create() : new Mplex();
    UpgraderConfig d = UpgraderConfig.defaults();
    UpgraderConfig config =
        new UpgraderConfig(
            d.handshakeTimeout(),
            d.maxMultistreamMessageLength(),
            d.maxMultistreamProposals(),
            d.maxNoiseFrame(),
            inline,
            List.of(security));
    Upgrader dialer = new Upgrader(PrivateKey.generate(KeyType.ED25519), config, List.of(m));
    Upgrader listener = new Upgrader(PrivateKey.generate(KeyType.ED25519), config, List.of(m));
    boolean dialerOpens = opener.equals("dialer");
    AtomicReference<Round> current = new AtomicReference<>();
    Multiaddr addr =
        await(
            tcp.listen(
                Multiaddr.parse("/ip4/127.0.0.1/tcp/0"),
                ch -> {
                  Round round = current.get();
                  listener
                      .upgradeInbound(ch)
                      .whenComplete(
                          (up, e) -> {
                            if (e != null) {
                              round.acceptingSide.completeExceptionally(e);
                            } else if (dialerOpens) {
                              round.acceptingSide.complete(up);
                            } else {
                              round.openAtOnce(up);
                            }
                          });
                }));

    for (int i = 0; i < CONNECTIONS; i++) {
      String payload = "early " + i;
      Round round = new Round(payload);
      current.set(round);
      CompletableFuture<UpgradedConnection> acceptingSide = round.acceptingSide;
      Echoed echoed = round.echoed;
      UpgradedConnection out =
          await(
              tcp.dial(addr)
                  .thenCompose(ch -> dialer.upgradeOutbound(ch, null))
                  .whenComplete(
                      (up, e) -> {
                        if (up != null && !dialerOpens) {
                          acceptingSide.complete(up);
                        } else if (up != null) {
                          round.openAtOnce(up);
                        }
                      }));

      UpgradedConnection acceptor = await(acceptingSide);
      assertThat(out.security()).isEqualTo(security);
      assertThat(acceptor.security()).isEqualTo(security);
      Echoed result;
      try {
        // Late, from this thread: the opener has usually sent everything by now.
        await(echoed.sent);
        acceptor.muxed().setInboundStreamAcceptor(s -> s.setHandler(new Echo()));
        result = await(echoed);
      } finally {
        out.muxed().close();
      }
      assertThat(result.text()).as("connection %d", i).isEqualTo(payload);
      assertThat(acceptor.muxed().refusedEarlyStreams()).isZero();
    }
  }

  /** One connection: the side that accepts the stream, and what the opener sends and gets back. */
  private static final class Round {
    final String payload;
    final CompletableFuture<UpgradedConnection> acceptingSide = new CompletableFuture<>();
    final Echoed echoed = new Echoed();

    Round(String payload) {
      this.payload = payload;
    }

    /** On the opener's event loop, in the task that completes its upgrade. */
    void openAtOnce(UpgradedConnection up) {
      up.muxed()
          .openStream()
          .whenComplete(
              (s, e) -> {
                if (e != null) {
                  echoed.sent.completeExceptionally(e);
                  echoed.completeExceptionally(e);
                } else {
                  sendAndCollect(s, payload, echoed);
                }
              });
    }
  }

  /** Writes {@code payload}, half-closes, and completes {@code echoed} with what comes back. */
  private static void sendAndCollect(MuxedStream s, String payload, Echoed echoed) {
    s.setHandler(
        new MuxedStreamHandler() {
          @Override
          public void onData(MuxedStream stream, ByteBuf data) {
            try {
              byte[] b = new byte[data.readableBytes()];
              data.readBytes(b);
              echoed.bytes.writeBytes(b);
            } finally {
              data.release();
            }
          }

          @Override
          public void onRemoteClose(MuxedStream stream) {
            echoed.complete(echoed);
          }

          @Override
          public void onReset(MuxedStream stream) {
            echoed.completeExceptionally(new AssertionError("stream " + stream.id() + " reset"));
          }
        });
    s.write(Unpooled.copiedBuffer(payload, UTF_8))
        .thenCompose(v -> s.closeWrite())
        .whenComplete(
            (v, e) -> {
              if (e != null) {
                echoed.sent.completeExceptionally(e);
              } else {
                echoed.sent.complete(null);
              }
            });
  }

  /** What the opener got back; completes on the echo's half-close (bytes are written before). */
  private static final class Echoed extends CompletableFuture<Echoed> {
    final CompletableFuture<Void> sent = new CompletableFuture<>();
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    String text() {
      return bytes.toString(UTF_8);
    }
  }

  /** Echoes data back and half-closes when the remote does. */
  private static final class Echo implements MuxedStreamHandler {
    @Override
    public void onData(MuxedStream stream, ByteBuf data) {
      stream.write(data);
    }

    @Override
    public void onRemoteClose(MuxedStream stream) {
      stream.closeWrite();
    }
  }

  private static <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(AWAIT.toMillis(), TimeUnit.MILLISECONDS);
  }
}
