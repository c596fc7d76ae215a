package io.serenity.p2p.crypto;

import io.serenity.p2p.core.FormatException;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Primitive;

/** Shared plumbing for the RSA and ECDSA keys, which use the JDK providers for signatures. */
final class JdkKeys {
  private JdkKeys() {}

  /** Parses strict DER: the bytes must be exactly the DER encoding of the parsed object. */
  static ASN1Primitive strictDer(byte[] der, String what) {
    try {
      ASN1Primitive prim = ASN1Primitive.fromByteArray(der);
      if (prim == null || !Arrays.equals(prim.getEncoded(ASN1Encoding.DER), der)) {
        throw new FormatException(what + " is not canonical DER");
      }
      return prim;
    } catch (FormatException e) {
      throw e;
    } catch (Exception e) {
      throw new FormatException(what + " is not valid DER", e);
    }
  }

  static boolean verify(String algorithm, java.security.PublicKey key, byte[] message, byte[] signature) {
    if (signature == null) {
      return false;
    }
    try {
      Signature v = Signature.getInstance(algorithm);
      v.initVerify(key);
      v.update(message);
      return v.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  static byte[] sign(String algorithm, java.security.PrivateKey key, byte[] message) {
    try {
      Signature s = Signature.getInstance(algorithm);
      s.initSign(key);
      s.update(message);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(algorithm + " signing failed", e);
    }
  }
}
