package io.serenity.p2p.crypto;

import io.serenity.p2p.core.FormatException;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * ECDSA private key, raw form SEC1 {@code ECPrivateKey} DER with a named curve (what the libp2p spec vector and
 * go-libp2p use); signs DER ECDSA over SHA-256.
 */
final class EcdsaPrivateKey implements PrivateKey {
  private final byte[] der;
  private final java.security.PrivateKey key;
  private final EcdsaPublicKey publicKey;

  private EcdsaPrivateKey(byte[] der, java.security.PrivateKey key, EcdsaPublicKey publicKey) {
    this.der = der;
    this.key = key;
    this.publicKey = publicKey;
  }

  static EcdsaPrivateKey fromRaw(byte[] der) {
    ECPrivateKey sec1;
    try {
      sec1 = ECPrivateKey.getInstance(JdkKeys.strictDer(der, "ECDSA private key"));
    } catch (FormatException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new FormatException("ECDSA private key is not a SEC1 ECPrivateKey", e);
    }
    try {
      if (!(sec1.getParametersObject() instanceof ASN1ObjectIdentifier curve)) {
        throw new FormatException("ECDSA private key does not name its curve");
      }
      X9ECParameters x9 = ECNamedCurveTable.getByOID(curve);
      if (x9 == null) {
        throw new FormatException("ECDSA private key uses unknown curve " + curve.getId());
      }
      BigInteger d = sec1.getKey();
      if (d.signum() <= 0 || d.compareTo(x9.getN()) >= 0) {
        throw new FormatException("ECDSA private key is out of range");
      }
      byte[] point = x9.getG().multiply(d).normalize().getEncoded(false);
      if (sec1.getPublicKey() != null && !java.util.Arrays.equals(sec1.getPublicKey().getBytes(), point)) {
        throw new FormatException("ECDSA private key embeds a public key that does not match it");
      }
      byte[] spki = new SubjectPublicKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve), point)
          .getEncoded(ASN1Encoding.DER);
      AlgorithmParameters ap = AlgorithmParameters.getInstance("EC");
      ap.init(new ECGenParameterSpec(curve.getId()));
      ECParameterSpec spec = ap.getParameterSpec(ECParameterSpec.class);
      java.security.PrivateKey priv = KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(d, spec));
      return new EcdsaPrivateKey(der.clone(), priv, EcdsaPublicKey.fromRaw(spki));
    } catch (FormatException e) {
      throw e;
    } catch (Exception e) {
      throw new FormatException("invalid ECDSA private key", e);
    }
  }

  @Override
  public KeyType type() {
    return KeyType.ECDSA;
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
    return JdkKeys.sign("SHA256withECDSA", key, message);
  }

  @Override
  public byte[] marshal() {
    return KeyProtobuf.marshalPrivate(KeyType.ECDSA, der);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EcdsaPrivateKey k && MessageDigest.isEqual(k.der, der);
  }

  @Override
  public int hashCode() {
    return publicKey.hashCode();
  }

  @Override
  public String toString() {
    return "EcdsaPrivateKey[public=" + publicKey + "]";
  }
}
