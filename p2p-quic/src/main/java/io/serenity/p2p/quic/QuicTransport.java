package io.serenity.p2p.quic;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicSslEngine;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import io.serenity.p2p.core.FormatException;
import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.crypto.PublicKey;
import io.serenity.p2p.tls.Libp2pCertificate;
import io.serenity.p2p.tls.Libp2pTrustManager;
import io.serenity.p2p.upgrade.UpgradeException;
import io.serenity.p2p.upgrade.UpgradedConnection;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * QUIC v1 transport ({@code /ip4|ip6/<addr>/udp/<port>/quic-v1}), as the libp2p QUIC spec lays
 * out: TLS 1.3 inside QUIC with the libp2p certificate profile (both sides present a self-signed
 * certificate carrying their host key, and each checks the other's), ALPN {@code libp2p}, no early
 * data; there is no security or muxer negotiation, since QUIC brings both, and every libp2p stream
 * is one bidirectional QUIC stream. A connection comes out as the same {@link UpgradedConnection}
 * a TCP upgrade yields, so the host treats both alike.
 *
 * <p>Runs on Netty's QUIC codec (quiche and BoringSSL, a native library). A listener is one UDP
 * socket on one event loop of {@code group}, which carries all of its connections; each dial uses
 * a UDP socket of its own on an ephemeral port. The event loop group belongs to the caller.
 *
 * <pre>{@code
 * QuicTransport quic = new QuicTransport(identity, QuicConfig.defaults(), group);
 * Multiaddr bound = quic.listen(Multiaddr.parse("/ip4/127.0.0.1/udp/0/quic-v1"), in -> ...).join();
 * UpgradedConnection c = quic.dial(otherAddr, otherPeerId).join();
 * }</pre>
 */
public final class QuicTransport implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(QuicTransport.class);

  /** The one ALPN value of libp2p over QUIC. */
  public static final String ALPN = "libp2p";

  /**
   * What a QUIC connection reports as its security protocol ({@link UpgradedConnection#security()}):
   * QUIC's own TLS 1.3, not negotiated.
   */
  public static final String SECURITY = "quic-v1";

  private static final AttributeKey<PeerId> EXPECTED = AttributeKey.valueOf(QuicTransport.class, "expected");
  private static final AttributeKey<QuicMuxedConnection> MUXED =
      AttributeKey.valueOf(QuicTransport.class, "muxed");

  /**
   * An inbound connection, handed to the listener's callback when its first packet arrived,
   * before the handshake: the callback decides whether it may take a connection slot (closing
   * {@link #channel()} refuses it) and learns the outcome from {@link #upgraded()}.
   *
   * @param channel the QUIC connection
   * @param remote the client's UDP address
   * @param upgraded completes with the authenticated connection, or fails when the handshake
   *     fails, times out or the connection closes first
   */
  public record Inbound(Channel channel, InetSocketAddress remote, CompletableFuture<UpgradedConnection> upgraded) {}

  private final PrivateKey identity;
  private final QuicConfig config;
  private final EventLoopGroup group;
  private final Libp2pTrustManager trustManager;
  private final QuicSslContext serverContext;
  private final QuicSslContext clientContext;
  private final RetryTokens retryTokens;
  private final List<Channel> listeners = new CopyOnWriteArrayList<>();
  private final List<Channel> dialSockets = new CopyOnWriteArrayList<>();
  private final ChannelHandler inboundStreams = new InboundStreamInit();

  /**
   * A transport for {@code identity} on {@code group}, which the caller owns and shuts down.
   *
   * @param identity our host key: the certificate we present carries it
   * @param config limits; must pass {@link QuicConfig#validate()}
   * @param group event loops for the UDP sockets
   */
  public QuicTransport(PrivateKey identity, QuicConfig config, EventLoopGroup group) {
    this.identity = identity;
    this.config = config.validate();
    this.group = group;
    this.trustManager = new Libp2pTrustManager();
    Libp2pCertificate cert = Libp2pCertificate.create(identity);
    RefusalLoggingTrustManager checks = new RefusalLoggingTrustManager(trustManager);
    this.serverContext =
        QuicSslContextBuilder.forServer(cert.certificateKey(), null, cert.certificate())
            .trustManager(checks)
            .clientAuth(ClientAuth.REQUIRE)
            .applicationProtocols(ALPN)
            .earlyData(false)
            .build();
    this.clientContext =
        QuicSslContextBuilder.forClient()
            .keyManager(cert.certificateKey(), null, cert.certificate())
            .trustManager(checks)
            .applicationProtocols(ALPN)
            .earlyData(false)
            .build();
    this.retryTokens =
        new RetryTokens(config.retryAbovePerSecond(), config.retryTokenLifetime().toMillis(), System::currentTimeMillis);
  }

  /**
   * {@return true when this transport can dial or listen on {@code addr}: ip4 or ip6, udp, quic-v1}
   *
   * @param addr a multiaddr
   */
  public static boolean canHandle(Multiaddr addr) {
    try {
      InetSocketAddress a = addr.withoutPeerId().toQuicSocketAddress();
      return !a.isUnresolved();
    } catch (FormatException e) {
      return false;
    }
  }

  /** {@return the settings} */
  public QuicConfig config() {
    return config;
  }

  /** {@return Retry packets our listeners sent (new connection attempts above the configured rate)} */
  public long retriesSent() {
    return retryTokens.retries();
  }

  /** {@return Initial packets our listeners dropped for a bad address-validation token} */
  public long invalidTokens() {
    return retryTokens.invalidTokens();
  }

  /**
   * Starts listening on {@code addr}. Port 0 picks a free port; the returned future carries the
   * address actually bound. Each new inbound connection is passed to {@code onAccepted} on its
   * event loop when its first packet arrives.
   *
   * @param addr the address, {@code /ip4|ip6/<addr>/udp/<port>/quic-v1}
   * @param onAccepted called with each new inbound connection
   * @return completes with the bound address
   */
  public CompletableFuture<Multiaddr> listen(Multiaddr addr, Consumer<Inbound> onAccepted) {
    CompletableFuture<Multiaddr> result = new CompletableFuture<>();
    InetSocketAddress socket;
    try {
      socket = addr.withoutPeerId().toQuicSocketAddress();
    } catch (FormatException e) {
      result.completeExceptionally(new UpgradeException("cannot listen on " + addr + ": " + e.getMessage(), e));
      return result;
    }
    ChannelHandler codec =
        limits(new QuicServerCodecBuilder())
            .sslEngineProvider(ch -> serverContext.newEngine(ch.alloc()))
            .tokenHandler(retryTokens)
            .handler(new ChannelInitializer<QuicChannel>() {
              @Override
              protected void initChannel(QuicChannel ch) {
                InetSocketAddress remote = (InetSocketAddress) ch.remoteSocketAddress();
                CompletableFuture<UpgradedConnection> upgraded = upgrade(ch, false, null);
                onAccepted.accept(new Inbound(ch, remote, upgraded));
              }
            })
            .streamHandler(inboundStreams)
            .streamOption(ChannelOption.AUTO_READ, false)
            .streamOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
            .build();
    new Bootstrap()
        .group(group)
        .channel(NioDatagramChannel.class)
        .handler(codec)
        .bind(socket)
        .addListener(f -> {
          if (f.isSuccess()) {
            Channel ch = ((io.netty.channel.ChannelFuture) f).channel();
            listeners.add(ch);
            ch.closeFuture().addListener(c -> listeners.remove(ch));
            result.complete(Multiaddr.quic((InetSocketAddress) ch.localAddress()));
          } else {
            result.completeExceptionally(
                new UpgradeException("cannot listen on " + addr + ": " + f.cause().getMessage(), f.cause()));
          }
        });
    return result;
  }

  /**
   * Dials {@code addr} from a fresh UDP socket and runs the handshake. When {@code expectedRemote}
   * is given, a peer whose certificate carries another key fails the handshake.
   *
   * @param addr the address, {@code /ip4|ip6/<addr>/udp/<port>/quic-v1} (a {@code /p2p} suffix is
   *     ignored here)
   * @param expectedRemote the peer we dial, or null to accept whoever answers
   * @return completes with the authenticated connection
   */
  public CompletableFuture<UpgradedConnection> dial(Multiaddr addr, PeerId expectedRemote) {
    CompletableFuture<UpgradedConnection> result = new CompletableFuture<>();
    InetSocketAddress remote;
    try {
      remote = addr.withoutPeerId().toQuicSocketAddress();
    } catch (FormatException e) {
      result.completeExceptionally(new UpgradeException("cannot dial " + addr + ": " + e.getMessage(), e));
      return result;
    }
    if (remote.isUnresolved()) {
      result.completeExceptionally(new UpgradeException("cannot dial " + addr + ": QUIC dials need an IP address"));
      return result;
    }
    ChannelHandler codec =
        limits(new QuicClientCodecBuilder())
            .sslEngineProvider(ch -> {
              QuicSslEngine engine = clientContext.newEngine(ch.alloc());
              PeerId expected = ch.attr(EXPECTED).get();
              if (expected != null) {
                trustManager.expect(engine, expected);
              }
              return engine;
            })
            .build();
    // A connected UDP socket: the system picks our address and an ephemeral port (so the connection
    // knows its real local address), and datagrams from anyone but the peer are dropped by the kernel.
    new Bootstrap()
        .group(group)
        .channel(NioDatagramChannel.class)
        .handler(codec)
        .connect(remote)
        .addListener(f -> {
          if (!f.isSuccess()) {
            result.completeExceptionally(new UpgradeException("cannot dial " + addr + ": " + f.cause().getMessage(), f.cause()));
            return;
          }
          Channel udp = ((io.netty.channel.ChannelFuture) f).channel();
          dialSockets.add(udp);
          udp.closeFuture().addListener(c -> dialSockets.remove(udp));
          var connect = QuicChannel.newBootstrap(udp)
              .attr(EXPECTED, expectedRemote)
              .handler(new ChannelInitializer<QuicChannel>() {
                @Override
                protected void initChannel(QuicChannel ch) {
                  ch.closeFuture().addListener(c -> udp.close());
                  upgrade(ch, true, expectedRemote).whenComplete((c, e) -> {
                    if (e != null) {
                      result.completeExceptionally(e);
                    } else if (!result.complete(c)) {
                      c.muxed().close();
                    }
                  });
                }
              })
              .streamHandler(inboundStreams)
              .streamOption(ChannelOption.AUTO_READ, false)
              .streamOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
              .remoteAddress(remote)
              .connect();
          connect.addListener(c -> {
            if (!c.isSuccess()) {
              result.completeExceptionally(new UpgradeException("QUIC handshake with " + addr
                  + (expectedRemote == null ? "" : " (expecting " + expectedRemote + ")")
                  + " failed: " + c.cause().getMessage(), c.cause()));
              udp.close();
            }
          });
        });
    return result;
  }

  /** {@return addresses currently bound by listeners} */
  public List<Multiaddr> listenAddrs() {
    return listeners.stream().map(ch -> Multiaddr.quic((InetSocketAddress) ch.localAddress())).toList();
  }

  /** Stops listening and closes the sockets of dialled connections (their connections end with them). */
  @Override
  public void close() {
    for (Channel ch : listeners) {
      ch.close().syncUninterruptibly();
    }
    listeners.clear();
    for (Channel ch : dialSockets) {
      ch.close();
    }
  }

  private <B extends io.netty.handler.codec.quic.QuicCodecBuilder<B>> B limits(B builder) {
    return builder
        .maxIdleTimeout(config.maxIdleTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .initialMaxData(config.connectionWindow())
        .initialMaxStreamDataBidirectionalLocal(config.streamWindow())
        .initialMaxStreamDataBidirectionalRemote(config.streamWindow())
        .initialMaxStreamsBidirectional(config.maxStreams())
        .initialMaxStreamsUnidirectional(0)
        .initialMaxStreamDataUnidirectional(0)
        .activeMigration(false)
        .initialCongestionWindowPackets(config.initialCongestionWindowPackets());
  }

  /**
   * Waits for the handshake of {@code ch} and authenticates the peer: its certificate was checked
   * by the trust manager during the handshake; here the verified host key becomes the peer id.
   */
  private CompletableFuture<UpgradedConnection> upgrade(QuicChannel ch, boolean initiator, PeerId expected) {
    CompletableFuture<UpgradedConnection> result = new CompletableFuture<>();
    QuicMuxedConnection muxed = new QuicMuxedConnection(ch);
    ch.attr(MUXED).set(muxed);
    ScheduledFuture<?> timeout = ch.eventLoop().schedule(() -> {
      if (result.completeExceptionally(new UpgradeException("QUIC handshake with " + ch.remoteSocketAddress()
          + " timed out after " + config.handshakeTimeout().toMillis() + " ms"))) {
        ch.close();
      }
    }, config.handshakeTimeout().toNanos(), TimeUnit.NANOSECONDS);
    result.whenComplete((c, e) -> timeout.cancel(false));
    ch.closeFuture().addListener(f -> result.completeExceptionally(
        new UpgradeException("QUIC connection with " + ch.remoteSocketAddress() + " closed during the handshake")));
    ch.pipeline().addLast("libp2p-quic-handshake", new ChannelInboundHandlerAdapter() {
      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent done) {
          ctx.pipeline().remove(this);
          if (done.isSuccess()) {
            authenticated(ch, initiator, expected, muxed, result);
          } else {
            fail(result, ch, new UpgradeException("QUIC handshake with " + ch.remoteSocketAddress()
                + (expected == null ? "" : " (expecting " + expected + ")") + " failed: "
                + done.cause().getMessage(), done.cause()));
          }
        }
        super.userEventTriggered(ctx, evt);
      }
    });
    return result;
  }

  private void authenticated(QuicChannel ch, boolean initiator, PeerId expected, QuicMuxedConnection muxed,
      CompletableFuture<UpgradedConnection> result) {
    SSLEngine engine = ch.sslEngine();
    PublicKey key;
    try {
      key = remoteKey(engine);
    } catch (CertificateException | SSLPeerUnverifiedException e) {
      fail(result, ch, new UpgradeException("QUIC peer at " + ch.remoteSocketAddress() + " is not authenticated: "
          + e.getMessage(), e));
      return;
    } finally {
      trustManager.forget(engine);
    }
    PeerId peer = PeerId.fromPublicKey(key);
    if (expected != null && !expected.equals(peer)) {
      fail(result, ch, new UpgradeException("QUIC peer at " + ch.remoteSocketAddress() + " is " + peer
          + ", not the dialled " + expected));
      return;
    }
    if (!ALPN.equals(engine.getApplicationProtocol())) {
      fail(result, ch, new UpgradeException("QUIC peer at " + ch.remoteSocketAddress()
          + " did not agree on ALPN " + ALPN + ": " + engine.getApplicationProtocol()));
      return;
    }
    InetSocketAddress remote = (InetSocketAddress) ch.remoteSocketAddress();
    InetSocketAddress local = (InetSocketAddress) ch.localSocketAddress();
    UpgradedConnection up = new UpgradedConnection(
        ch, peer, key, muxed, initiator, SECURITY, Multiaddr.quic(remote), Multiaddr.quic(local));
    if (!result.complete(up)) {
      muxed.close();
    }
  }

  /** The host key the trust manager verified for {@code engine}, or failing that, the session's certificate. */
  private PublicKey remoteKey(SSLEngine engine) throws CertificateException, SSLPeerUnverifiedException {
    Optional<PublicKey> verified = trustManager.remoteKey(engine);
    if (verified.isPresent()) {
      return verified.get();
    }
    Certificate[] chain = engine.getSession().getPeerCertificates();
    X509Certificate[] x509 = new X509Certificate[chain.length];
    for (int i = 0; i < chain.length; i++) {
      if (!(chain[i] instanceof X509Certificate c)) {
        throw new CertificateException("peer certificate is not X.509");
      }
      x509[i] = c;
    }
    return Libp2pCertificate.verify(x509, Instant.now());
  }

  private static void fail(CompletableFuture<UpgradedConnection> result, QuicChannel ch, UpgradeException e) {
    LOG.debug("{}", e.getMessage());
    result.completeExceptionally(e);
    ch.close();
  }

  /** Hands each inbound QUIC stream to its connection. */
  @ChannelHandler.Sharable
  private static final class InboundStreamInit extends ChannelInboundHandlerAdapter {
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      QuicStreamChannel stream = (QuicStreamChannel) ctx.channel();
      ctx.pipeline().remove(this);
      QuicMuxedConnection muxed = stream.parent().attr(MUXED).get();
      if (muxed == null) {
        stream.close();
        return;
      }
      muxed.onInboundStream(stream);
    }
  }
}
