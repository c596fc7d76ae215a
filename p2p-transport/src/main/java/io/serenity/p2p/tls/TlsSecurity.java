package io.serenity.p2p.tls;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.PrivateKey;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

/**
 * The libp2p TLS 1.3 security protocol ({@code /tls/1.0.0}) on a JSSE engine (BouncyCastle's, see
 * {@code Jsse} inside): one {@link
 * SSLContext} per identity, holding our {@link Libp2pCertificate} (made once, reused for every
 * connection) and one {@link Libp2pTrustManager}; one {@link SSLEngine} per connection.
 *
 * <p>Each engine runs TLS 1.3 only; the server requires a client certificate. Engines are made
 * without peer host and port, so the client sends no SNI (the spec reserves it) and no handshake is
 * ever resumed from a cached session, which would skip the certificate and with it the peer's
 * identity. ALPN carries the inlined muxer negotiation (libp2p connections spec): the client offers
 * its muxers in preference order, then {@value #ALPN_LIBP2P}; the server takes the first entry of the
 * client's list it supports, and aborts the handshake when it supports none. {@value #ALPN_LIBP2P}
 * as the outcome means: negotiate the muxer with multistream-select afterwards.
 *
 * <pre>{@code
 * TlsSecurity tls = new TlsSecurity(hostKey);
 * SSLEngine engine = tls.newEngine(true, dialledPeer, List.of("/yamux/1.0.0"));
 * // ... handshake, e.g. inside Netty's SslHandler ...
 * PublicKey remote = tls.trustManager().remoteKey(engine).orElseThrow();
 * String muxer = engine.getApplicationProtocol();
 * }</pre>
 */
public final class TlsSecurity {

  /** The protocol id negotiated with multistream-select. */
  public static final String PROTOCOL_ID = "/tls/1.0.0";

  /** The ALPN value of libp2p TLS: "no muxer agreed in the handshake". */
  public static final String ALPN_LIBP2P = "libp2p";

  private static final String[] TLS13 = {"TLSv1.3"};

  private final Libp2pCertificate certificate;
  private final Libp2pTrustManager trustManager;
  private final SSLContext context;

  /**
   * TLS for {@code identity}, checking validity windows on the system clock.
   *
   * @param identity our host key
   */
  public TlsSecurity(PrivateKey identity) {
    this(identity, Clock.systemUTC());
  }

  /**
   * TLS for {@code identity}.
   *
   * @param identity our host key
   * @param clock the wall clock for our certificate's validity and the peers' checks
   */
  public TlsSecurity(PrivateKey identity, Clock clock) {
    this.certificate =
        Libp2pCertificate.create(identity, clock.instant(), new java.security.SecureRandom());
    this.trustManager = new Libp2pTrustManager(clock, null);
    try {
      this.context = SSLContext.getInstance("TLS", Jsse.PROVIDER);
      context.init(
          new KeyManager[] {new Libp2pKeyManager(certificate)},
          new TrustManager[] {trustManager},
          new java.security.SecureRandom());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS 1.3: " + e, e);
    }
  }

  /** {@return our certificate} */
  public Libp2pCertificate certificate() {
    return certificate;
  }

  /** {@return the trust manager of every engine made here; it holds the verified peer keys} */
  public Libp2pTrustManager trustManager() {
    return trustManager;
  }

  /**
   * A new engine for one connection.
   *
   * @param client true on the dialling side (TLS client)
   * @param expected the peer we dial, checked inside the handshake; null to accept any peer (always
   *     null for the server)
   * @param muxers our muxer protocol ids in preference order, for the inlined negotiation; empty to
   *     leave the muxer to multistream-select
   * @return the engine, not yet started
   */
  public SSLEngine newEngine(boolean client, PeerId expected, List<String> muxers) {
    List<String> ours = List.copyOf(muxers);
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(client);
    SSLParameters params = engine.getSSLParameters();
    params.setProtocols(TLS13);
    if (client) {
      List<String> offer = new ArrayList<>(ours);
      offer.remove(ALPN_LIBP2P);
      offer.add(ALPN_LIBP2P);
      params.setApplicationProtocols(offer.toArray(new String[0]));
    } else {
      params.setNeedClientAuth(true);
    }
    engine.setSSLParameters(params);
    if (!client) {
      engine.setHandshakeApplicationProtocolSelector((e, offered) -> select(offered, ours));
    }
    if (client && expected != null) {
      trustManager.expect(engine, expected);
    }
    return engine;
  }

  /**
   * The server's ALPN choice: the first of the client's {@code offered} values that is one of our
   * {@code muxers} or {@value #ALPN_LIBP2P}.
   *
   * @param offered the client's list, in its preference order
   * @param muxers our muxer protocol ids
   * @return the choice, or null when we support none (the handshake then fails)
   */
  public static String select(List<String> offered, Collection<String> muxers) {
    Objects.requireNonNull(muxers, "muxers");
    if (offered == null) {
      return null;
    }
    for (String p : offered) {
      if (ALPN_LIBP2P.equals(p) || muxers.contains(p)) {
        return p;
      }
    }
    return null;
  }

  /**
   * The TLS engine: BouncyCastle's JSSE provider (an instance of our own, not registered with the
   * JVM) on {@link Libp2pTlsCrypto}. The JDK's own engine cannot be used: it parses the peer's
   * certificate before any trust manager sees it, with a parser that refuses the empty issuer names
   * js-libp2p and rust-libp2p certificates carry.
   */
  static final class Jsse {
    /**
     * BouncyCastle's JSSE logs every connection, alert and failure through java.util.logging at
     * INFO, stack traces included, and at start-up WARNINGs about JDK property entries it does not
     * know: all of it a remote peer could trigger at will. Only SEVERE passes; our own handshake
     * failures are logged, rate-limited, by the upgrade. Held here: the JUL logger keeps its level
     * only while referenced.
     */
    static final java.util.logging.Logger LOG = quiet();

    static final java.security.Provider PROVIDER =
        new org.bouncycastle.jsse.provider.BouncyCastleJsseProvider(false, new Libp2pTlsCrypto.Provider());

    private static java.util.logging.Logger quiet() {
      java.util.logging.Logger l = java.util.logging.Logger.getLogger("org.bouncycastle.jsse");
      l.setLevel(java.util.logging.Level.SEVERE);
      return l;
    }

    private Jsse() {}
  }

  /**
   * A context on the libp2p TLS engine with the given managers (for tests of the managers).
   *
   * @param km the key manager
   * @param tm the trust manager
   * @return the initialised context
   * @throws GeneralSecurityException if the engine cannot be set up
   */
  static SSLContext context(KeyManager km, TrustManager tm) throws GeneralSecurityException {
    SSLContext c = SSLContext.getInstance("TLS", Jsse.PROVIDER);
    c.init(new KeyManager[] {km}, new TrustManager[] {tm}, new java.security.SecureRandom());
    return c;
  }
}
