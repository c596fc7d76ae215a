package io.serenity.p2p.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Offers our one {@link Libp2pCertificate} in every libp2p TLS handshake, as client and as server,
 * whatever issuers the peer names (libp2p certificates are self-signed). It answers only for key
 * types matching the certificate key (ECDSA on P-256: {@code "EC"}, or {@code "EC/secp256r1"}), so a
 * TLS stack never pairs it with a signature scheme of another key type or curve.
 *
 * <pre>{@code
 * KeyManager km = new Libp2pKeyManager(Libp2pCertificate.create(hostKey));
 * }</pre>
 */
public final class Libp2pKeyManager extends X509ExtendedKeyManager {

  /** The alias of our one certificate. */
  public static final String ALIAS = "libp2p";

  private final Libp2pCertificate certificate;
  private final String keyType;

  /**
   * A key manager offering {@code certificate}.
   *
   * @param certificate our certificate and its key
   */
  public Libp2pKeyManager(Libp2pCertificate certificate) {
    this.certificate = Objects.requireNonNull(certificate, "certificate");
    this.keyType = certificate.certificateKey().getAlgorithm();
  }

  /** {@return the certificate offered} */
  public Libp2pCertificate certificate() {
    return certificate;
  }

  /**
   * Key types as TLS stacks name them: {@code "EC"} (the JDK), {@code "EC/secp256r1"} (BouncyCastle
   * for TLS 1.3, naming the curve; ours is always P-256).
   */
  private boolean fits(String type) {
    return type == null
        || keyType.equalsIgnoreCase(type)
        || (keyType + "/secp256r1").equalsIgnoreCase(type);
  }

  private String choose(String[] types) {
    if (types == null) {
      return ALIAS;
    }
    for (String t : types) {
      if (fits(t)) {
        return ALIAS;
      }
    }
    return null;
  }

  /**
   * Client aliases for a key type.
   *
   * @param type the key type asked for
   * @param issuers ignored
   * @return our alias when the type fits, else null
   */
  @Override
  public String[] getClientAliases(String type, Principal[] issuers) {
    return fits(type) ? new String[] {ALIAS} : null;
  }

  /**
   * Chooses the client alias.
   *
   * @param types the key types acceptable to the server
   * @param issuers ignored
   * @param socket ignored
   * @return our alias when one type fits, else null
   */
  @Override
  public String chooseClientAlias(String[] types, Principal[] issuers, Socket socket) {
    return choose(types);
  }

  /**
   * Chooses the client alias for an engine.
   *
   * @param types the key types acceptable to the server
   * @param issuers ignored
   * @param engine ignored
   * @return our alias when one type fits, else null
   */
  @Override
  public String chooseEngineClientAlias(String[] types, Principal[] issuers, SSLEngine engine) {
    return choose(types);
  }

  /**
   * Server aliases for a key type.
   *
   * @param type the key type asked for
   * @param issuers ignored
   * @return our alias when the type fits, else null
   */
  @Override
  public String[] getServerAliases(String type, Principal[] issuers) {
    return fits(type) ? new String[] {ALIAS} : null;
  }

  /**
   * Chooses the server alias.
   *
   * @param type the key type of the scheme being considered
   * @param issuers ignored
   * @param socket ignored
   * @return our alias when the type fits, else null
   */
  @Override
  public String chooseServerAlias(String type, Principal[] issuers, Socket socket) {
    return fits(type) ? ALIAS : null;
  }

  /**
   * Chooses the server alias for an engine.
   *
   * @param type the key type of the scheme being considered
   * @param issuers ignored
   * @param engine ignored
   * @return our alias when the type fits, else null
   */
  @Override
  public String chooseEngineServerAlias(String type, Principal[] issuers, SSLEngine engine) {
    return fits(type) ? ALIAS : null;
  }

  /**
   * The chain of an alias.
   *
   * @param alias an alias
   * @return our certificate alone for {@link #ALIAS}, else null
   */
  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return ALIAS.equals(alias) ? new X509Certificate[] {certificate.certificate()} : null;
  }

  /**
   * The private key of an alias.
   *
   * @param alias an alias
   * @return the certificate key for {@link #ALIAS}, else null
   */
  @Override
  public PrivateKey getPrivateKey(String alias) {
    return ALIAS.equals(alias) ? certificate.certificateKey() : null;
  }
}
