package io.serenity.p2p.discv5.crypto;

import io.serenity.p2p.discv5.Discv5Exception;
import java.math.BigInteger;
import java.util.Arrays;
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
 * The secp256k1 operations of the "v4" identity scheme as discv5 uses them (discv5-theory.md,
 * "Identity-Specific Cryptography in the Handshake"): ECDH with the shared point as a 33-byte
 * compressed encoding, and ECDSA over a given 32-byte digest as 64 bytes {@code r || s}.
 * Signatures use RFC 6979 deterministic nonces and low S; verification refuses high S, as
 * libsecp256k1 does. Private keys are 32 raw bytes, public keys 33 bytes compressed.
 */
public final class Secp256k1 {

  /** Size of a compressed public key. */
  public static final int PUBLIC_KEY_SIZE = 33;
  /** Size of a signature {@code r || s}. */
  public static final int SIGNATURE_SIZE = 64;

  private static final X9ECParameters CURVE = CustomNamedCurves.getByName("secp256k1");
  private static final ECDomainParameters DOMAIN =
      new ECDomainParameters(CURVE.getCurve(), CURVE.getG(), CURVE.getN(), CURVE.getH());
  private static final BigInteger HALF_N = CURVE.getN().shiftRight(1);

  private Secp256k1() {}

  /**
   * {@return whether {@code key} is 32 bytes encoding a scalar in [1, n)}
   *
   * @param key candidate private key
   */
  public static boolean isValidPrivateKey(byte[] key) {
    if (key == null || key.length != 32) {
      return false;
    }
    BigInteger d = new BigInteger(1, key);
    return d.signum() > 0 && d.compareTo(CURVE.getN()) < 0;
  }

  /**
   * {@return the 33-byte compressed public key of a private key}
   *
   * @param privateKey 32 bytes
   * @throws IllegalArgumentException when the key is not a valid scalar
   */
  public static byte[] publicKey(byte[] privateKey) {
    return CURVE.getG().multiply(scalar(privateKey)).normalize().getEncoded(true);
  }

  /**
   * Elliptic-curve Diffie-Hellman: {@code publicKey * privateKey}, encoded compressed
   * ({@code 0x02} for even y, {@code 0x03} for odd, then x).
   *
   * @param publicKey the other side's 33-byte compressed key
   * @param privateKey our 32-byte key
   * @return the 33-byte shared secret
   * @throws Discv5Exception when the public key is not a point on the curve
   */
  public static byte[] ecdh(byte[] publicKey, byte[] privateKey) {
    return decodePoint(publicKey).multiply(scalar(privateKey)).normalize().getEncoded(true);
  }

  /**
   * Signs a 32-byte digest.
   *
   * @param privateKey 32 bytes
   * @param digest the 32-byte hash to sign
   * @return 64 bytes {@code r || s} with low S
   */
  public static byte[] sign(byte[] privateKey, byte[] digest) {
    if (digest.length != 32) {
      throw new IllegalArgumentException("digest must be 32 bytes, got " + digest.length);
    }
    ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
    signer.init(true, new ECPrivateKeyParameters(scalar(privateKey), DOMAIN));
    BigInteger[] rs = signer.generateSignature(digest);
    BigInteger s = rs[1].compareTo(HALF_N) > 0 ? CURVE.getN().subtract(rs[1]) : rs[1];
    byte[] out = new byte[SIGNATURE_SIZE];
    put32(rs[0], out, 0);
    put32(s, out, 32);
    return out;
  }

  /**
   * Verifies a signature over a 32-byte digest. False for any malformed input, including a high S.
   *
   * @param publicKey the signer's 33-byte compressed key
   * @param digest the 32-byte hash
   * @param signature 64 bytes {@code r || s}
   * @return whether the signature is valid
   */
  public static boolean verify(byte[] publicKey, byte[] digest, byte[] signature) {
    if (signature == null || signature.length != SIGNATURE_SIZE || digest == null || digest.length != 32) {
      return false;
    }
    BigInteger r = new BigInteger(1, Arrays.copyOfRange(signature, 0, 32));
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
    if (r.signum() == 0 || s.signum() == 0 || r.compareTo(CURVE.getN()) >= 0 || s.compareTo(HALF_N) > 0) {
      return false;
    }
    ECPoint q;
    try {
      q = decodePoint(publicKey);
    } catch (Discv5Exception e) {
      return false;
    }
    ECDSASigner verifier = new ECDSASigner();
    verifier.init(false, new ECPublicKeyParameters(q, DOMAIN));
    return verifier.verifySignature(digest, r, s);
  }

  /**
   * The node id of the "v4" scheme: keccak256 of the uncompressed public key's {@code x || y}.
   *
   * @param publicKey a 33-byte compressed key
   * @return the 32-byte node id
   * @throws Discv5Exception when the key is not a point on the curve
   */
  public static byte[] nodeId(byte[] publicKey) {
    byte[] xy = decodePoint(publicKey).getEncoded(false);
    KeccakDigest d = new KeccakDigest(256);
    d.update(xy, 1, 64);
    byte[] out = new byte[32];
    d.doFinal(out, 0);
    return out;
  }

  private static ECPoint decodePoint(byte[] compressed) {
    if (compressed == null || compressed.length != PUBLIC_KEY_SIZE || (compressed[0] != 2 && compressed[0] != 3)) {
      throw new Discv5Exception("secp256k1 public key must be 33 bytes, compressed");
    }
    try {
      ECPoint p = CURVE.getCurve().decodePoint(compressed).normalize();
      if (!p.isValid()) {
        throw new Discv5Exception("secp256k1 public key is not a valid point");
      }
      return p;
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new Discv5Exception("secp256k1 public key is not on the curve", e);
    }
  }

  private static BigInteger scalar(byte[] privateKey) {
    if (!isValidPrivateKey(privateKey)) {
      throw new IllegalArgumentException("secp256k1 private key must be 32 bytes in [1, n)");
    }
    return new BigInteger(1, privateKey);
  }

  private static void put32(BigInteger v, byte[] out, int off) {
    byte[] b = v.toByteArray();
    int len = Math.min(b.length, 32);
    System.arraycopy(b, b.length - len, out, off + 32 - len, len);
  }
}
