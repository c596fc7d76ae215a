package io.serenity.p2p.crypto;

import io.serenity.p2p.core.FormatException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPublicKeySpec;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;

/** RSA private key, raw form PKCS#1 DER (as go-libp2p marshals it); signs PKCS#1 v1.5 with SHA-256. */
final class RsaPrivateKey implements PrivateKey {
  private final byte[] der;
  private final java.security.PrivateKey key;
  private final RsaPublicKey publicKey;

  private RsaPrivateKey(byte[] der, java.security.PrivateKey key, RsaPublicKey publicKey) {
    this.der = der;
    this.key = key;
    this.publicKey = publicKey;
  }

  static RsaPrivateKey fromRaw(byte[] der) {
    RSAPrivateKey k;
    try {
      k = RSAPrivateKey.getInstance(JdkKeys.strictDer(der, "RSA private key"));
    } catch (FormatException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new FormatException("RSA private key is not PKCS#1 RSAPrivateKey", e);
    }
    try {
      KeyFactory kf = KeyFactory.getInstance("RSA");
      java.security.PrivateKey priv = kf.generatePrivate(new RSAPrivateCrtKeySpec(k.getModulus(),
          k.getPublicExponent(), k.getPrivateExponent(), k.getPrime1(), k.getPrime2(), k.getExponent1(),
          k.getExponent2(), k.getCoefficient()));
      byte[] spki = kf.generatePublic(new RSAPublicKeySpec(k.getModulus(), k.getPublicExponent())).getEncoded();
      return new RsaPrivateKey(der.clone(), priv, RsaPublicKey.fromRaw(spki));
    } catch (FormatException e) {
      throw e;
    } catch (Exception e) {
      throw new FormatException("invalid RSA private key", e);
    }
  }

  @Override
  public KeyType type() {
    return KeyType.RSA;
  }

  @Override
  public byte[] raw() {
    return der.clone();
  }

  @Override
  public PublicKey publicKey() {
    return publicKey;
  }

  @Override
  public byte[] sign(byte[] message) {
    return JdkKeys.sign("SHA256withRSA", key, message);
  }

  @Override
  public byte[] marshal() {
    return KeyProtobuf.marshalPrivate(KeyType.RSA, der);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RsaPrivateKey k && MessageDigest.isEqual(k.der, der);
  }

  @Override
  public int hashCode() {
    return publicKey.hashCode();
  }

  @Override
  public String toString() {
    return "RsaPrivateKey[public=" + publicKey + "]";
  }
}
