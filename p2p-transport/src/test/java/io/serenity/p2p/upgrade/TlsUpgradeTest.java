package io.serenity.p2p.upgrade;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.mux.MuxedStream;
import io.serenity.p2p.mux.MuxedStreamHandler;
import io.serenity.p2p.mux.StreamMuxer;
import io.serenity.p2p.mux.mplex.Mplex;
import io.serenity.p2p.mux.yamux.Yamux;
import io.serenity.p2p.tls.TlsSecurity;
import io.serenity.p2p.transport.tcp.TcpConfig;
import io.serenity.p2p.transport.tcp.TcpTransport;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code /tls/1.0.0} security protocol in the upgrade, Java to Java over TCP. */
class TlsUpgradeTest {

  private static final List<String> TLS = List.of(TlsSecurity.PROTOCOL_ID);
  private static final List<String> NOISE = List.of(Upgrader.NOISE_PROTOCOL_ID);

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  private final TcpTransport tcp = new TcpTransport(TcpConfig.defaults(), group);
  private final PrivateKey dialerKey = PrivateKey.generate(KeyType.ED25519);
  private final PrivateKey listenerKey = PrivateKey.generate(KeyType.SECP256K1);
  private final PeerId listenerId = PeerId.fromPublicKey(listenerKey.publicKey());

  @AfterEach
  void close() {
    tcp.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private record Pair(UpgradedConnection dialer, UpgradedConnection listener) {}

  private static UpgraderConfig config(List<String> security, boolean inline, Duration timeout) {
    UpgraderConfig d = UpgraderConfig.defaults();
    return new UpgraderConfig(timeout, d.maxMultistreamMessageLength(), d.maxMultistreamProposals(),
        d.maxNoiseFrame(), inline, security);
  }

  private static UpgraderConfig config(List<String> security, boolean inline) {
    return config(security, inline, UpgraderConfig.DEFAULT_HANDSHAKE_TIMEOUT);
  }

  /** Listens with {@code listener}; every inbound upgrade result goes to {@code inbound}. */
  private Multiaddr listen(Upgrader listener, CompletableFuture<UpgradedConnection> inbound) throws Exception {
    return tcp.listen(
            Multiaddr.parse("/ip4/127.0.0.1/tcp/0"),
            ch -> listener.upgradeInbound(ch).whenComplete((c, e) -> {
              if (e != null) {
                inbound.completeExceptionally(e);
              } else {
                inbound.complete(c);
              }
            }))
        .get(10, TimeUnit.SECONDS);
  }

  private Pair upgrade(Upgrader dialer, Upgrader listener, PeerId expected) throws Exception {
    CompletableFuture<UpgradedConnection> inbound = new CompletableFuture<>();
    Multiaddr addr = listen(listener, inbound);
    UpgradedConnection out =
        tcp.dial(addr).thenCompose(ch -> dialer.upgradeOutbound(ch, expected)).get(10, TimeUnit.SECONDS);
    return new Pair(out, inbound.get(10, TimeUnit.SECONDS));
  }

  private static StreamMuxer muxer(String name) {
    return name.equals("yamux") ? Yamux.create() : new Mplex();
  }

  @ParameterizedTest(name = "dialer {0}, listener {1}, inline {2}: {3}")
  @CsvSource({
    "yamux, 'yamux,mplex', true, /yamux/1.0.0",
    "mplex, 'yamux,mplex', true, /mplex/6.7.0",
    "'mplex,yamux', 'yamux,mplex', true, /mplex/6.7.0",
    "'yamux,mplex', 'mplex', true, /mplex/6.7.0",
    "yamux, 'yamux,mplex', false, /yamux/1.0.0",
    "mplex, mplex, false, /mplex/6.7.0",
  })
  void tlsAuthenticatesBothSidesAndAgreesOnTheMuxer(
      String dialerMuxers, String listenerMuxers, boolean inline, String agreed) throws Exception {
    List<StreamMuxer> dm = List.of(dialerMuxers.split(",")).stream().map(TlsUpgradeTest::muxer).toList();
    List<StreamMuxer> lm = List.of(listenerMuxers.split(",")).stream().map(TlsUpgradeTest::muxer).toList();
    Pair p = upgrade(
        new Upgrader(dialerKey, config(TLS, inline), dm),
        new Upgrader(listenerKey, config(TLS, inline), lm),
        listenerId);
    try {
      assertThat(p.dialer().security()).isEqualTo(TlsSecurity.PROTOCOL_ID);
      assertThat(p.listener().security()).isEqualTo(TlsSecurity.PROTOCOL_ID);
      assertThat(p.dialer().remotePeer()).isEqualTo(listenerId);
      assertThat(p.dialer().remotePublicKey()).isEqualTo(listenerKey.publicKey());
      assertThat(p.listener().remotePeer()).isEqualTo(PeerId.fromPublicKey(dialerKey.publicKey()));
      assertThat(p.listener().remotePublicKey()).isEqualTo(dialerKey.publicKey());
      assertThat(p.dialer().muxed().protocolId()).isEqualTo(agreed);
      assertThat(p.listener().muxed().protocolId()).isEqualTo(agreed);
      assertThat(echo(p, "over tls " + agreed)).isEqualTo("over tls " + agreed);
    } finally {
      p.dialer().muxed().close();
    }
  }

  @Test
  void defaultDialerFallsBackToTlsWhenTheListenerHasOnlyTls() throws Exception {
    List<StreamMuxer> m = List.of(Yamux.create());
    Pair p = upgrade(
        new Upgrader(dialerKey, UpgraderConfig.defaults(), m),
        new Upgrader(listenerKey, config(TLS, true), m),
        listenerId);
    assertThat(p.dialer().security()).isEqualTo(TlsSecurity.PROTOCOL_ID);
    assertThat(echo(p, "fallback")).isEqualTo("fallback");
    p.dialer().muxed().close();
  }

  @Test
  void defaultsPreferNoise() throws Exception {
    List<StreamMuxer> m = List.of(Yamux.create());
    Pair p = upgrade(
        new Upgrader(dialerKey, UpgraderConfig.defaults(), m),
        new Upgrader(listenerKey, UpgraderConfig.defaults(), m),
        listenerId);
    assertThat(p.dialer().security()).isEqualTo(Upgrader.NOISE_PROTOCOL_ID);
    assertThat(p.listener().security()).isEqualTo(Upgrader.NOISE_PROTOCOL_ID);
    p.dialer().muxed().close();
  }

  @Test
  void noiseOnlyAgainstTlsOnlyFailsCleanlyOnBothSides() throws Exception {
    CompletableFuture<UpgradedConnection> inbound = new CompletableFuture<>();
    List<StreamMuxer> m = List.of(Yamux.create());
    Multiaddr addr = listen(new Upgrader(listenerKey, config(TLS, true), m), inbound);
    Upgrader dialer = new Upgrader(dialerKey, config(NOISE, true), m);
    assertThatThrownBy(() -> tcp.dial(addr).thenCompose(ch -> dialer.upgradeOutbound(ch, listenerId))
            .get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(UpgradeException.class)
        .hasMessageContaining("/noise");
    assertThatThrownBy(() -> inbound.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(UpgradeException.class);
  }

  @Test
  void wrongExpectedPeerFailsTheDialAndTheListenerSeesNoConnection() throws Exception {
    CompletableFuture<UpgradedConnection> inbound = new CompletableFuture<>();
    List<StreamMuxer> m = List.of(Yamux.create());
    Multiaddr addr = listen(new Upgrader(listenerKey, config(TLS, true), m), inbound);
    Upgrader dialer = new Upgrader(dialerKey, config(TLS, true), m);
    PeerId someoneElse = PeerId.fromPublicKey(PrivateKey.generate(KeyType.ED25519).publicKey());
    assertThatThrownBy(() -> tcp.dial(addr).thenCompose(ch -> dialer.upgradeOutbound(ch, someoneElse))
            .get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(UpgradeException.class)
        .hasMessageContaining("mismatch")
        .hasMessageContaining(someoneElse.toBase58());
    // the client aborts at the server's certificate: the server never completes its handshake
    assertThatThrownBy(() -> inbound.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(UpgradeException.class);
  }

  @Test
  void garbageInsteadOfAClientHelloClosesTheConnection() throws Exception {
    CompletableFuture<UpgradedConnection> inbound = new CompletableFuture<>();
    listenAndSend(inbound, config(TLS, true), concat(selectTls(), "GET / HTTP/1.1\r\n\r\n".repeat(20).getBytes(UTF_8)));
    assertThatThrownBy(() -> inbound.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(UpgradeException.class);
  }

  @Test
  void stalledTlsHandshakeIsClosedAtTheHandshakeTimeout() throws Exception {
    CompletableFuture<UpgradedConnection> inbound = new CompletableFuture<>();
    long start = System.nanoTime();
    // a TLS record header announcing a ClientHello that never comes
    listenAndSend(inbound, config(TLS, true, Duration.ofMillis(400)),
        concat(selectTls(), new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01}));
    assertThatThrownBy(() -> inbound.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(UpgradeException.class)
        .hasMessageContaining("timed out");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(350));
  }

  /**
   * A raw socket that sends {@code bytes} to a TLS-only listener and reads until the listener closes
   * (bounded by the socket timeout, which fails the read).
   */
  private void listenAndSend(CompletableFuture<UpgradedConnection> inbound, UpgraderConfig config, byte[] bytes)
      throws Exception {
    Multiaddr addr = listen(new Upgrader(listenerKey, config, List.of(Yamux.create())), inbound);
    InetSocketAddress sa = addr.toTcpSocketAddress();
    try (Socket s = new Socket(sa.getAddress(), sa.getPort())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(bytes);
      out.flush();
      InputStream in = s.getInputStream();
      int n = 0;
      while (in.read() >= 0) {
        assertThat(n++).as("bytes from a listener that should close").isLessThan(100_000);
      }
    }
  }

  /** multistream-select header and the /tls/1.0.0 proposal, as a dialer sends them. */
  private static byte[] selectTls() {
    return concat(message("/multistream/1.0.0"), message(TlsSecurity.PROTOCOL_ID));
  }

  private static byte[] message(String text) {
    byte[] b = (text + "\n").getBytes(UTF_8);
    return concat(new byte[] {(byte) b.length}, b);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** Opens a stream from the dialer, sends {@code text}, and returns what the listener echoes. */
  private static String echo(Pair p, String text) throws Exception {
    p.listener().muxed().setInboundStreamAcceptor(s -> s.setHandler(new MuxedStreamHandler() {
      @Override
      public void onData(MuxedStream stream, ByteBuf data) {
        stream.write(data);
      }

      @Override
      public void onRemoteClose(MuxedStream stream) {
        stream.closeWrite();
      }
    }));
    CompletableFuture<String> back = new CompletableFuture<>();
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    MuxedStream s = p.dialer().muxed().openStream().get(10, TimeUnit.SECONDS);
    s.setHandler(new MuxedStreamHandler() {
      @Override
      public void onData(MuxedStream stream, ByteBuf data) {
        try {
          byte[] b = new byte[data.readableBytes()];
          data.readBytes(b);
          got.writeBytes(b);
        } finally {
          data.release();
        }
      }

      @Override
      public void onRemoteClose(MuxedStream stream) {
        back.complete(got.toString(UTF_8));
      }

      @Override
      public void onReset(MuxedStream stream) {
        back.completeExceptionally(new AssertionError("reset"));
      }
    });
    s.write(Unpooled.copiedBuffer(text, UTF_8)).thenCompose(v -> s.closeWrite()).get(10, TimeUnit.SECONDS);
    return back.get(10, TimeUnit.SECONDS);
  }
}
