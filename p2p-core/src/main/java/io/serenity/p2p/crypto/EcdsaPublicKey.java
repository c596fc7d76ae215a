package io.serenity.p2p.crypto;

import io.serenity.p2p.core.FormatException;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

/** ECDSA public key (P-256 in practice), raw form DER SubjectPublicKeyInfo; signatures DER over SHA-256. */
final class EcdsaPublicKey implements PublicKey {
  private final byte[] der;
  private final ECPublicKey key;

  private EcdsaPublicKey(byte[] der, ECPublicKey key) {
    this.der = der;
    this.key = key;
  }

  static EcdsaPublicKey fromRaw(byte[] der) {
    JdkKeys.strictDer(der, "ECDSA public key");
    ECPublicKey key;
    try {
      key = (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
    } catch (Exception e) {
      throw new FormatException("ECDSA public key is not a valid SubjectPublicKeyInfo", e);
    }
    if (!Arrays.equals(key.getEncoded(), der)) {
      throw new FormatException("ECDSA public key is not in canonical SubjectPublicKeyInfo form");
    }
    return new EcdsaPublicKey(der.clone(), key);
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
  public boolean verify(byte[] message, byte[] signature) {
    return JdkKeys.verify("SHA256withECDSA", key, message, signature);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EcdsaPublicKey k && Arrays.equals(k.der, der);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(der);
  }

  @Override
  public String toString() {
    return "EcdsaPublicKey[" + key.getParams().getCurve().getField().getFieldSize() + " bits]";
  }
}
