package io.serenity.p2p.crypto;

import io.serenity.p2p.core.FormatException;
import java.math.BigInteger;
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
    checkConsistent(k);
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

  /** The CRT fields must agree, or signing fails inside the JDK (which checks its CRT result). */
  private static void checkConsistent(RSAPrivateKey k) {
    BigInteger n = k.getModulus();
    BigInteger p = k.getPrime1();
    BigInteger q = k.getPrime2();
    BigInteger d = k.getPrivateExponent();
    BigInteger e = k.getPublicExponent();
    if (k.getVersion().signum() != 0) {
      throw new FormatException("RSA private key must be two-prime (version 0)");
    }
    if (n.bitLength() > RsaPublicKey.MAX_BITS || p.signum() <= 0 || q.signum() <= 0 || e.signum() <= 0
        || d.signum() <= 0) {
      throw new FormatException("RSA private key has out-of-range fields");
    }
    BigInteger p1 = p.subtract(BigInteger.ONE);
    BigInteger q1 = q.subtract(BigInteger.ONE);
    boolean ok = p.multiply(q).equals(n)
        && p1.signum() > 0 && q1.signum() > 0
        && k.getExponent1().equals(d.mod(p1))
        && k.getExponent2().equals(d.mod(q1))
        && k.getCoefficient().multiply(q).mod(p).equals(BigInteger.ONE)
        && e.multiply(d).mod(p1).equals(BigInteger.ONE)
        && e.multiply(d).mod(q1).equals(BigInteger.ONE);
    if (!ok) {
      throw new FormatException("RSA private key fields are inconsistent");
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
