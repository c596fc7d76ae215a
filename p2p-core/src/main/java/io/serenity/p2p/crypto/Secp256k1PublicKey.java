package io.serenity.p2p.crypto;

import io.serenity.p2p.core.FormatException;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.math.ec.ECPoint;

/** secp256k1 public key; raw form is the 33-byte compressed SEC1 point (libp2p/specs peer-ids.md "Secp256k1"). */
final class Secp256k1PublicKey implements PublicKey {
  private final byte[] compressed;
  private final ECPoint point;

  private Secp256k1PublicKey(byte[] compressed, ECPoint point) {
    this.compressed = compressed;
    this.point = point;
  }

  static Secp256k1PublicKey fromPoint(ECPoint point) {
    ECPoint p = point.normalize();
    return new Secp256k1PublicKey(p.getEncoded(true), p);
  }

  static Secp256k1PublicKey fromRaw(byte[] raw) {
    // Only the compressed form: the peer id hashes the exact bytes, so one key must have one encoding.
    if (raw.length != 33 || (raw[0] != 0x02 && raw[0] != 0x03)) {
      throw new FormatException("secp256k1 public key must be 33 bytes compressed (02/03 prefix), got "
          + raw.length + " bytes");
    }
    ECPoint p;
    try {
      p = Secp256k1.CURVE_PARAMS.getCurve().decodePoint(raw).normalize();
    } catch (RuntimeException e) {
      throw new FormatException("secp256k1 public key is not a point on the curve", e);
    }
    if (p.isInfinity() || !p.isValid()) {
      throw new FormatException("secp256k1 public key is not a valid point");
    }
    return new Secp256k1PublicKey(raw.clone(), p);
  }

  @Override
  public KeyType type() {
    return KeyType.SECP256K1;
  }

  @Override
  public byte[] raw() {
    return compressed.clone();
  }

  @Override
  public boolean verify(byte[] message, byte[] signature) {
    try {
      BigInteger[] rs = parseStrictDer(signature);
      if (rs == null) {
        return false;
      }
      ECDSASigner verifier = new ECDSASigner();
      verifier.init(false, new ECPublicKeyParameters(point, Secp256k1.DOMAIN));
      // High S is accepted on verification (only signing must normalise); see WIRE-REFERENCE 1.4.
      return verifier.verifySignature(Secp256k1.sha256(message), rs[0], rs[1]);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** r and s from a DER signature, or null unless it is strict DER with r, s in [1, n-1]. */
  static BigInteger[] parseStrictDer(byte[] sig) {
    if (sig == null || sig.length < 8 || sig.length > 72) {
      return null;
    }
    try {
      ASN1Primitive prim = ASN1Primitive.fromByteArray(sig);
      if (!(prim instanceof ASN1Sequence seq) || seq.size() != 2
          || !(seq.getObjectAt(0) instanceof ASN1Integer r)
          || !(seq.getObjectAt(1) instanceof ASN1Integer s)) {
        return null;
      }
      // Re-encoding must give the input back: rejects BER forms, padding and trailing bytes.
      if (!Arrays.equals(prim.getEncoded(ASN1Encoding.DER), sig)) {
        return null;
      }
      BigInteger rv = r.getValue();
      BigInteger sv = s.getValue();
      if (rv.signum() <= 0 || sv.signum() <= 0 || rv.compareTo(Secp256k1.N) >= 0 || sv.compareTo(Secp256k1.N) >= 0) {
        return null;
      }
      return new BigInteger[] {rv, sv};
    } catch (Exception e) {
      return null;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secp256k1PublicKey k && Arrays.equals(k.compressed, compressed);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(compressed);
  }

  @Override
  public String toString() {
    return "Secp256k1PublicKey[" + HexFormat.of().formatHex(compressed) + "]";
  }
}
