package io.serenity.p2p.tls;

import java.io.IOException;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import org.bouncycastle.jcajce.util.JcaJceHelper;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CertificateType;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCertificate;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;

/**
 * The crypto of BouncyCastle's TLS engine for libp2p: ciphers, key exchange and signatures from the
 * JDK's providers (fast, intrinsic AES-GCM), but received certificates parsed with {@link
 * Libp2pCertificate#parse}, which accepts the empty issuer names of js-libp2p's and rust-libp2p's
 * certificates that the JDK's parser refuses.
 */
final class Libp2pTlsCrypto extends JcaTlsCrypto {

  private Libp2pTlsCrypto(JcaJceHelper helper, SecureRandom entropy, SecureRandom nonceEntropy) {
    super(helper, entropy, nonceEntropy);
  }

  @Override
  public TlsCertificate createCertificate(byte[] encoding) throws IOException {
    return createCertificate(CertificateType.X509, encoding);
  }

  @Override
  public TlsCertificate createCertificate(short type, byte[] encoding) throws IOException {
    if (type != CertificateType.X509) {
      return super.createCertificate(type, encoding);
    }
    try {
      return new JcaTlsCertificate(this, Libp2pCertificate.parse(encoding));
    } catch (CertificateException e) {
      throw new TlsFatalAlert(AlertDescription.bad_certificate, "cannot parse the peer's certificate", e);
    }
  }

  /** Makes {@link Libp2pTlsCrypto}s for the engine's contexts. */
  static final class Provider extends JcaTlsCryptoProvider {
    @Override
    public JcaTlsCrypto create(SecureRandom entropy, SecureRandom nonceEntropy) {
      return new Libp2pTlsCrypto(getHelper(), entropy, nonceEntropy);
    }
  }
}
