package io.serenity.p2p.upgrade;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.core.internal.RateLimitedLog;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.crypto.PublicKey;
import io.serenity.p2p.noise.SecureSession;
import io.serenity.p2p.tls.TlsSecurity;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds the libp2p TLS handshake (JDK {@code SSLEngine} inside Netty's {@code SslHandler}) to the
 * pipeline, and behind it a {@link HoldInbound} that keeps every decrypted byte until the peer's
 * identity is checked and the next handler is in place.
 */
final class TlsStep {

  private static final Logger LOG = LoggerFactory.getLogger(TlsStep.class);
  /** Lines a remote peer can trigger: at most 5 per minute per kind, the rest counted. */
  private static final RateLimitedLog RLOG = RateLimitedLog.perMinute(LOG, 5);

  /** Plaintext a peer may send right behind its handshake before we look at it. */
  static final int MAX_HELD_BYTES = 1 << 20;

  private TlsStep() {}

  /**
   * Must run on the channel's event loop. The returned future completes on the event loop; its
   * callbacks attached right away run before the held bytes are passed on, so they can add the
   * next handler with {@code addLast}.
   */
  static CompletableFuture<SecureSession> secure(
      Channel channel,
      boolean initiator,
      PrivateKey identity,
      TlsSecurity tls,
      PeerId expected,
      List<String> muxers,
      UpgraderConfig config) {
    CompletableFuture<SecureSession> session = new CompletableFuture<>();
    SSLEngine engine =
        tls.newEngine(initiator, expected, config.inlineMuxerNegotiation() ? muxers : List.of());
    SslHandler ssl = new SslHandler(engine);
    // the upgrader's own timeout covers the whole upgrade, this handshake included
    ssl.setHandshakeTimeoutMillis(0);
    HoldInbound hold = new HoldInbound(MAX_HELD_BYTES);
    channel.pipeline().addLast("tls", ssl);
    channel.pipeline().addLast("tls-hold", hold);
    channel.closeFuture().addListener(f -> tls.trustManager().forget(engine));
    ssl.handshakeFuture()
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                tls.trustManager().forget(engine);
                String dialled = expected == null ? "" : " (dialled " + expected + ")";
                String why = reason(f.cause());
                RLOG.info("{} tls handshake failed{}: {}", channel, dialled, why);
                session.completeExceptionally(
                    new UpgradeException("TLS handshake failed" + dialled + ": " + why, f.cause()));
                channel.close();
                return;
              }
              try {
                SecureSession s = authenticated(engine, tls, identity, expected, muxers);
                if (LOG.isDebugEnabled()) {
                  LOG.debug("{} tls handshake done with {} (alpn {})",
                      channel, s.remotePeer(), engine.getApplicationProtocol());
                }
                session.complete(s);
                hold.release();
              } catch (UpgradeException e) {
                RLOG.info("{} tls handshake failed: {}", channel, e.getMessage());
                session.completeExceptionally(e);
                channel.close();
              }
            });
    return session;
  }

  /** The most telling message of a handshake failure: our certificate check's, if it failed. */
  private static String reason(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof java.security.cert.CertificateException) {
        return c.getMessage();
      }
    }
    return String.valueOf(t);
  }

  private static SecureSession authenticated(
      SSLEngine engine, TlsSecurity tls, PrivateKey identity, PeerId expected, List<String> muxers) {
    Optional<PublicKey> key = tls.trustManager().remoteKey(engine);
    tls.trustManager().forget(engine);
    if (key.isEmpty()) {
      // a resumed handshake shows no certificate; ours never resume, but never trust one that did
      throw new UpgradeException("TLS handshake completed without a verified peer certificate");
    }
    PeerId remote = PeerId.fromPublicKey(key.get());
    if (expected != null && !expected.equals(remote)) {
      throw new UpgradeException(
          "peer id mismatch: dialled " + expected + " but the remote proved " + remote);
    }
    String alpn = engine.getApplicationProtocol();
    Optional<String> muxer =
        alpn != null && !alpn.equals(TlsSecurity.ALPN_LIBP2P) && muxers.contains(alpn)
            ? Optional.of(alpn)
            : Optional.empty();
    return new SecureSession(
        PeerId.fromPublicKey(identity.publicKey()), remote, key.get(), muxer);
  }
}
