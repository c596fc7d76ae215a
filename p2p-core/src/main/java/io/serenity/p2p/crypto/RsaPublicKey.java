package io.serenity.p2p.crypto;

import io.serenity.p2p.core.FormatException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

/** RSA public key, raw form DER SubjectPublicKeyInfo; verification is PKCS#1 v1.5 with SHA-256. */
final class RsaPublicKey implements PublicKey {
  /** go-libp2p refuses smaller keys; larger ones only cost verification time. */
  static final int MIN_BITS = 2048;
  static final int MAX_BITS = 8192;

  private final byte[] der;
  private final RSAPublicKey key;

  private RsaPublicKey(byte[] der, RSAPublicKey key) {
    this.der = der;
    this.key = key;
  }

  static RsaPublicKey fromRaw(byte[] der) {
    JdkKeys.strictDer(der, "RSA public key");
    RSAPublicKey key;
    try {
      key = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
    } catch (Exception e) {
      throw new FormatException("RSA public key is not a valid SubjectPublicKeyInfo", e);
    }
    int bits = key.getModulus().bitLength();
    if (bits < MIN_BITS || bits > MAX_BITS) {
      throw new FormatException("RSA key of " + bits + " bits is outside " + MIN_BITS + ".." + MAX_BITS);
    }
    if (!Arrays.equals(key.getEncoded(), der)) {
      throw new FormatException("RSA public key is not in canonical SubjectPublicKeyInfo form");
    }
    return new RsaPublicKey(der.clone(), key);
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
  public boolean verify(byte[] message, byte[] signature) {
    return JdkKeys.verify("SHA256withRSA", key, message, signature);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RsaPublicKey k && Arrays.equals(k.der, der);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(der);
  }

  @Override
  public String toString() {
    return "RsaPublicKey[" + key.getModulus().bitLength() + " bits]";
  }
}
