package io.serenity.p2p.eth2.enr;

import java.math.BigInteger;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.KeccakDigest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECPoint;

/**
 * The EIP-778 "v4" identity scheme: secp256k1 ECDSA over keccak256 of the record content, the
 * signature as 64 bytes {@code r || s} with low S (as libsecp256k1 produces and requires), deterministic
 * nonces (RFC 6979), and the node id keccak256 of the uncompressed public key's x || y.
 */
final class V4Identity {

  static final String ID = "v4";

  private static final X9ECParameters CURVE = CustomNamedCurves.getByName("secp256k1");
  private static final ECDomainParameters DOMAIN =
      new ECDomainParameters(CURVE.getCurve(), CURVE.getG(), CURVE.getN(), CURVE.getH());
  private static final BigInteger HALF_N = CURVE.getN().shiftRight(1);

  private V4Identity() {}

  static byte[] keccak256(byte[] data) {
    KeccakDigest d = new KeccakDigest(256);
    d.update(data, 0, data.length);
    byte[] out = new byte[32];
    d.doFinal(out, 0);
    return out;
  }

  /** The 33-byte compressed public key of a 32-byte private key. */
  static byte[] publicKey(byte[] privateKey) {
    BigInteger d = privateScalar(privateKey);
    return CURVE.getG().multiply(d).normalize().getEncoded(true);
  }

  /** Signs {@code keccak256(content)}: 64 bytes r || s, low S. */
  static byte[] sign(byte[] privateKey, byte[] content) {
    BigInteger d = privateScalar(privateKey);
    ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
    signer.init(true, new ECPrivateKeyParameters(d, DOMAIN));
    BigInteger[] rs = signer.generateSignature(keccak256(content));
    BigInteger s = rs[1].compareTo(HALF_N) > 0 ? CURVE.getN().subtract(rs[1]) : rs[1];
    byte[] out = new byte[64];
    put32(rs[0], out, 0);
    put32(s, out, 32);
    return out;
  }

  /** Verifies a 64-byte r || s signature over {@code keccak256(content)}; high S is refused. */
  static boolean verify(byte[] compressedPublicKey, byte[] content, byte[] signature) {
    if (signature.length != 64) {
      return false;
    }
    BigInteger r = new BigInteger(1, java.util.Arrays.copyOfRange(signature, 0, 32));
    BigInteger s = new BigInteger(1, java.util.Arrays.copyOfRange(signature, 32, 64));
    if (r.signum() == 0 || s.signum() == 0 || r.compareTo(CURVE.getN()) >= 0 || s.compareTo(HALF_N) > 0) {
      return false;
    }
    ECPoint q;
    try {
      q = decodePoint(compressedPublicKey);
    } catch (RlpException e) {
      return false;
    }
    ECDSASigner verifier = new ECDSASigner();
    verifier.init(false, new ECPublicKeyParameters(q, DOMAIN));
    return verifier.verifySignature(keccak256(content), r, s);
  }

  /** keccak256 of the uncompressed key's 64 bytes x || y. */
  static byte[] nodeId(byte[] compressedPublicKey) {
    byte[] uncompressed = decodePoint(compressedPublicKey).getEncoded(false);
    return keccak256(java.util.Arrays.copyOfRange(uncompressed, 1, 65));
  }

  static ECPoint decodePoint(byte[] compressed) {
    if (compressed == null || compressed.length != 33 || (compressed[0] != 2 && compressed[0] != 3)) {
      throw new RlpException("enr: secp256k1 key must be 33 bytes, compressed");
    }
    try {
      ECPoint p = CURVE.getCurve().decodePoint(compressed).normalize();
      if (!p.isValid()) {
        throw new RlpException("enr: secp256k1 key is not a valid point");
      }
      return p;
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new RlpException("enr: secp256k1 key is not on the curve", e);
    }
  }

  private static BigInteger privateScalar(byte[] privateKey) {
    if (privateKey.length != 32) {
      throw new IllegalArgumentException("secp256k1 private key must be 32 bytes");
    }
    BigInteger d = new BigInteger(1, privateKey);
    if (d.signum() == 0 || d.compareTo(CURVE.getN()) >= 0) {
      throw new IllegalArgumentException("secp256k1 private key out of range");
    }
    return d;
  }

  private static void put32(BigInteger v, byte[] out, int off) {
    byte[] b = v.toByteArray();
    int len = Math.min(b.length, 32);
    System.arraycopy(b, b.length - len, out, off + 32 - len, len);
  }
}
