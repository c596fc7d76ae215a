package io.serenity.p2p.tls;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.PublicKey;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.WeakHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Checks the peer's certificate in a libp2p TLS handshake, for JSSE and any TLS stack that calls an
 * {@link X509ExtendedTrustManager} (the JDK's {@code SSLEngine}, Netty's BoringSSL-based QUIC codec).
 * Both roles check the same way ({@link Libp2pCertificate#verify(X509Certificate[],
 * java.time.Instant)}, at the clock's current time); there are no certificate authorities.
 *
 * <p>Identity: a dialler that knows whom it dials registers that peer for its engine with {@link
 * #expect} before the handshake (or builds the manager with a fixed expected peer); a certificate
 * authenticating anyone else then fails the handshake, before any application byte is exchanged.
 * After a successful handshake {@link #remoteKey} gives the verified host key of the engine's peer.
 * Both per-engine maps hold their engines weakly, so an engine that is dropped without {@link
 * #forget} does not leak.
 *
 * <pre>{@code
 * Libp2pTrustManager tm = new Libp2pTrustManager();
 * SSLContext ctx = SSLContext.getInstance("TLSv1.3");
 * ctx.init(new KeyManager[] {new Libp2pKeyManager(Libp2pCertificate.create(hostKey))},
 *     new TrustManager[] {tm}, null);
 * SSLEngine engine = ctx.createSSLEngine();
 * tm.expect(engine, dialledPeer);
 * // ... handshake ...
 * PublicKey remote = tm.remoteKey(engine).orElseThrow();
 * }</pre>
 */
public final class Libp2pTrustManager extends X509ExtendedTrustManager {

  private static final X509Certificate[] NO_ISSUERS = new X509Certificate[0];

  private final Clock clock;
  private final PeerId fixedExpected;
  private final Map<SSLEngine, PeerId> expected = Collections.synchronizedMap(new WeakHashMap<>());
  private final Map<SSLEngine, PublicKey> verified = Collections.synchronizedMap(new WeakHashMap<>());

  /** A trust manager on the system clock that accepts any peer unless {@link #expect} says otherwise. */
  public Libp2pTrustManager() {
    this(Clock.systemUTC(), null);
  }

  /**
   * A trust manager reading the time from {@code clock}.
   *
   * @param clock the wall clock the validity window is checked against
   * @param expectedPeer the only peer every handshake of this manager accepts, or null for any peer
   *     (then per engine through {@link #expect})
   */
  public Libp2pTrustManager(Clock clock, PeerId expectedPeer) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.fixedExpected = expectedPeer;
  }

  /**
   * Makes the handshake of {@code engine} accept only a certificate of {@code peer}.
   *
   * @param engine the engine about to handshake
   * @param peer the peer we dial
   */
  public void expect(SSLEngine engine, PeerId peer) {
    expected.put(Objects.requireNonNull(engine, "engine"), Objects.requireNonNull(peer, "peer"));
  }

  /**
   * The host key the peer of {@code engine} proved in its certificate.
   *
   * @param engine an engine whose handshake called this manager
   * @return the verified key; empty when no certificate of that engine was verified (a handshake
   *     that failed, or one that skipped the certificate)
   */
  public Optional<PublicKey> remoteKey(SSLEngine engine) {
    return Optional.ofNullable(verified.get(engine));
  }

  /**
   * Drops what this manager holds for {@code engine}.
   *
   * @param engine an engine that is done
   */
  public void forget(SSLEngine engine) {
    expected.remove(engine);
    verified.remove(engine);
  }

  /**
   * Verifies a chain as the handshake does, without an engine.
   *
   * @param chain the received chain
   * @param expectedPeer the peer the chain must authenticate, or null for any
   * @return the authenticated host key
   * @throws CertificateException when a check fails or the chain authenticates another peer
   */
  public PublicKey verify(X509Certificate[] chain, PeerId expectedPeer) throws CertificateException {
    PublicKey key = Libp2pCertificate.verify(chain, clock.instant());
    PeerId peer = PeerId.fromPublicKey(key);
    if (fixedExpected != null && !fixedExpected.equals(peer)) {
      throw mismatch(fixedExpected, peer);
    }
    if (expectedPeer != null && !expectedPeer.equals(peer)) {
      throw mismatch(expectedPeer, peer);
    }
    return key;
  }

  private static CertificateException mismatch(PeerId expected, PeerId actual) {
    return new CertificateException(
        "peer id mismatch: expected " + expected + ", the certificate authenticates " + actual);
  }

  private void check(X509Certificate[] chain, SSLEngine engine) throws CertificateException {
    PublicKey key = verify(chain, engine == null ? null : expected.get(engine));
    if (engine != null) {
      verified.put(engine, key);
    }
  }

  /**
   * Checks a client's certificate (we are the server).
   *
   * @param chain the client's chain
   * @param authType ignored
   * @param engine the server engine
   * @throws CertificateException when a check fails
   */
  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, engine);
  }

  /**
   * Checks a server's certificate (we are the client).
   *
   * @param chain the server's chain
   * @param authType ignored
   * @param engine the client engine
   * @throws CertificateException when a check fails
   */
  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, engine);
  }

  /**
   * Checks a client's certificate on a socket (only the fixed expected peer applies).
   *
   * @param chain the client's chain
   * @param authType ignored
   * @param socket ignored
   * @throws CertificateException when a check fails
   */
  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain, null);
  }

  /**
   * Checks a server's certificate on a socket (only the fixed expected peer applies).
   *
   * @param chain the server's chain
   * @param authType ignored
   * @param socket ignored
   * @throws CertificateException when a check fails
   */
  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain, null);
  }

  /**
   * Checks a client's certificate (only the fixed expected peer applies).
   *
   * @param chain the client's chain
   * @param authType ignored
   * @throws CertificateException when a check fails
   */
  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain, null);
  }

  /**
   * Checks a server's certificate (only the fixed expected peer applies).
   *
   * @param chain the server's chain
   * @param authType ignored
   * @throws CertificateException when a check fails
   */
  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain, null);
  }

  /** {@return no issuers: libp2p certificates are self-signed, none is trusted for its issuer} */
  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return NO_ISSUERS.clone();
  }
}
