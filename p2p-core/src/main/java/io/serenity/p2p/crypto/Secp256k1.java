package io.serenity.p2p.crypto;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;

/** Curve constants shared by the secp256k1 key classes. */
final class Secp256k1 {
  static final X9ECParameters CURVE_PARAMS = CustomNamedCurves.getByName("secp256k1");
  static final ECDomainParameters DOMAIN =
      new ECDomainParameters(CURVE_PARAMS.getCurve(), CURVE_PARAMS.getG(), CURVE_PARAMS.getN(), CURVE_PARAMS.getH());
  static final BigInteger N = CURVE_PARAMS.getN();
  static final BigInteger HALF_N = N.shiftRight(1);

  private Secp256k1() {}

  static boolean isValidScalar(byte[] raw) {
    if (raw.length != 32) {
      return false;
    }
    BigInteger d = new BigInteger(1, raw);
    return d.signum() > 0 && d.compareTo(N) < 0;
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  /** Big-endian unsigned 32 bytes, left-padded. */
  static byte[] to32Bytes(BigInteger v) {
    byte[] b = v.toByteArray();
    byte[] out = new byte[32];
    int copy = Math.min(b.length, 32);
    System.arraycopy(b, b.length - copy, out, 32 - copy, copy);
    return out;
  }
}
