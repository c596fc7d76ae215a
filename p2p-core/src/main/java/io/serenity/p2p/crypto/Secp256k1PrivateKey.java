package io.serenity.p2p.crypto;

import io.serenity.p2p.core.FormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.SecureRandom;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/** secp256k1 private key: a 32-byte scalar in [1, n-1]. */
final class Secp256k1PrivateKey implements PrivateKey {
  private final byte[] scalar;
  private final BigInteger d;
  private final Secp256k1PublicKey publicKey;

  private Secp256k1PrivateKey(byte[] scalar) {
    this.scalar = scalar;
    this.d = new BigInteger(1, scalar);
    this.publicKey = Secp256k1PublicKey.fromPoint(new FixedPointCombMultiplier().multiply(Secp256k1.DOMAIN.getG(), d));
  }

  static Secp256k1PrivateKey fromRaw(byte[] raw) {
    if (raw.length != 32) {
      throw new FormatException("secp256k1 private key must be 32 bytes, got " + raw.length);
    }
    if (!Secp256k1.isValidScalar(raw)) {
      throw new FormatException("secp256k1 private key is out of range (must be in [1, n-1])");
    }
    return new Secp256k1PrivateKey(raw.clone());
  }

  static Secp256k1PrivateKey generate(SecureRandom random) {
    byte[] raw = new byte[32];
    do {
      random.nextBytes(raw);
    } while (!Secp256k1.isValidScalar(raw));
    return new Secp256k1PrivateKey(raw);
  }

  @Override
  public KeyType type() {
    return KeyType.SECP256K1;
  }

  @Override
  public byte[] raw() {
    return scalar.clone();
  }

  @Override
  public PublicKey publicKey() {
    return publicKey;
  }

  @Override
  public byte[] sign(byte[] message) {
    // RFC 6979 deterministic k: no dependency on the quality of a random source at signing time.
    ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
    signer.init(true, new ECPrivateKeyParameters(d, Secp256k1.DOMAIN));
    BigInteger[] rs = signer.generateSignature(Secp256k1.sha256(message));
    BigInteger s = rs[1];
    // Low-S normalisation: js-libp2p (noble) and go (btcec) reject s > n/2.
    if (s.compareTo(Secp256k1.HALF_N) > 0) {
      s = Secp256k1.N.subtract(s);
    }
    ASN1EncodableVector v = new ASN1EncodableVector(2);
    v.add(new ASN1Integer(rs[0]));
    v.add(new ASN1Integer(s));
    try {
      return new DERSequence(v).getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public byte[] marshal() {
    return KeyProtobuf.marshalPrivate(KeyType.SECP256K1, scalar);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secp256k1PrivateKey k && MessageDigest.isEqual(k.scalar, scalar);
  }

  @Override
  public int hashCode() {
    return publicKey.hashCode();
  }

  @Override
  public String toString() {
    return "Secp256k1PrivateKey[public=" + publicKey + "]";
  }
}
