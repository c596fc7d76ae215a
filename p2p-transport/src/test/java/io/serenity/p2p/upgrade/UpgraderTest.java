package io.serenity.p2p.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.mux.StreamMuxer;
import io.serenity.p2p.mux.mplex.Mplex;
import io.serenity.p2p.mux.yamux.Yamux;
import io.serenity.p2p.transport.tcp.TcpConfig;
import io.serenity.p2p.transport.tcp.TcpTransport;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UpgraderTest {

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  private final TcpTransport tcp = new TcpTransport(TcpConfig.defaults(), group);
  private final PrivateKey dialerKey = PrivateKey.generate(KeyType.ED25519);
  private final PrivateKey listenerKey = PrivateKey.generate(KeyType.SECP256K1);

  @AfterEach
  void close() {
    tcp.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private record Pair(UpgradedConnection dialer, UpgradedConnection listener) {}

  private Pair upgrade(Upgrader dialer, Upgrader listener, PeerId expected) throws Exception {
    CompletableFuture<UpgradedConnection> inbound = new CompletableFuture<>();
    Multiaddr addr =
        tcp.listen(
                Multiaddr.parse("/ip4/127.0.0.1/tcp/0"),
                ch -> listener.upgradeInbound(ch).whenComplete((c, e) -> {
                  if (e != null) {
                    inbound.completeExceptionally(e);
                  } else {
                    inbound.complete(c);
                  }
                }))
            .get(10, TimeUnit.SECONDS);
    UpgradedConnection out =
        tcp.dial(addr).thenCompose(ch -> dialer.upgradeOutbound(ch, expected)).get(10, TimeUnit.SECONDS);
    return new Pair(out, inbound.get(10, TimeUnit.SECONDS));
  }

  private static UpgraderConfig config(boolean inline) {
    UpgraderConfig d = UpgraderConfig.defaults();
    return new UpgraderConfig(
        d.handshakeTimeout(), d.maxMultistreamMessageLength(), d.maxMultistreamProposals(), d.maxNoiseFrame(), inline);
  }

  @Test
  void upgradeAuthenticatesBothSidesAndAgreesOnTheInlinedMuxer() throws Exception {
    List<StreamMuxer> muxers = List.of(Yamux.create(), new Mplex());
    Pair p =
        upgrade(
            new Upgrader(dialerKey, config(true), muxers),
            new Upgrader(listenerKey, config(true), muxers),
            PeerId.fromPublicKey(listenerKey.publicKey()));
    assertThat(p.dialer().remotePeer()).isEqualTo(PeerId.fromPublicKey(listenerKey.publicKey()));
    assertThat(p.listener().remotePeer()).isEqualTo(PeerId.fromPublicKey(dialerKey.publicKey()));
    assertThat(p.listener().remotePublicKey()).isEqualTo(dialerKey.publicKey());
    assertThat(p.dialer().muxed().protocolId()).isEqualTo(Yamux.PROTOCOL_ID);
    assertThat(p.listener().muxed().protocolId()).isEqualTo(Yamux.PROTOCOL_ID);
    assertThat(p.dialer().initiator()).isTrue();
    assertThat(p.listener().initiator()).isFalse();
    p.dialer().muxed().close();
  }

  @Test
  void withoutInlinedNegotiationTheDialersPreferenceWinsByMultistream() throws Exception {
    Pair p =
        upgrade(
            new Upgrader(dialerKey, config(false), List.of(new Mplex(), Yamux.create())),
            new Upgrader(listenerKey, config(false), List.of(Yamux.create(), new Mplex())),
            null);
    assertThat(p.dialer().muxed().protocolId()).isEqualTo(Mplex.PROTOCOL_ID);
    assertThat(p.listener().muxed().protocolId()).isEqualTo(Mplex.PROTOCOL_ID);
    p.dialer().muxed().close();
  }

  @Test
  void wrongExpectedPeerFailsTheDial() {
    PeerId someoneElse = PeerId.fromPublicKey(PrivateKey.generate(KeyType.ED25519).publicKey());
    List<StreamMuxer> muxers = List.of(Yamux.create());
    assertThatThrownBy(
            () ->
                upgrade(
                    new Upgrader(dialerKey, config(true), muxers),
                    new Upgrader(listenerKey, config(true), muxers),
                    someoneElse))
        .hasCauseInstanceOf(UpgradeException.class)
        .hasMessageContaining(someoneElse.toBase58())
        .hasMessageContaining("mismatch");
  }

  @Test
  void stalledPeerIsDisconnectedAtTheHandshakeTimeout() throws Exception {
    UpgraderConfig d = UpgraderConfig.defaults();
    Upgrader listener =
        new Upgrader(
            listenerKey,
            new UpgraderConfig(Duration.ofMillis(300), d.maxMultistreamMessageLength(), 16, d.maxNoiseFrame(), true),
            List.of(Yamux.create()));
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    Multiaddr addr =
        tcp.listen(
                Multiaddr.parse("/ip4/127.0.0.1/tcp/0"),
                ch -> listener.upgradeInbound(ch).whenComplete((c, e) -> failure.complete(e)))
            .get(10, TimeUnit.SECONDS);
    InetSocketAddress sa = addr.toTcpSocketAddress();
    try (Socket s = new Socket(sa.getAddress(), sa.getPort())) {
      s.setSoTimeout(10_000);
      long start = System.nanoTime();
      InputStream in = s.getInputStream();
      // the listener's multistream header may arrive first; then EOF at the timeout
      int n = 0;
      while (in.read() >= 0 && n++ < 1000) {
        // drain
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
    }
    assertThat(failure.get(10, TimeUnit.SECONDS))
        .isInstanceOf(UpgradeException.class)
        .hasMessageContaining("timed out");
  }

  @Test
  void configValidation() {
    UpgraderConfig d = UpgraderConfig.defaults();
    assertThat(d.validate()).isSameAs(d);
    assertThatThrownBy(() -> new UpgraderConfig(Duration.ZERO, 1024, 16, 65535, true).validate())
        .hasMessageContaining("handshakeTimeout");
    assertThatThrownBy(() -> new UpgraderConfig(Duration.ofSeconds(1), 10, 16, 65535, true).validate())
        .hasMessageContaining("maxMultistreamMessageLength");
    assertThatThrownBy(() -> new UpgraderConfig(Duration.ofSeconds(1), 1024, 16, 70000, true).validate())
        .hasMessageContaining("maxNoiseFrame");
  }
}
