package io.serenity.p2p.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.core.FormatException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;
import org.junit.jupiter.api.Test;

class Secp256k1KeyTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final BigInteger N =
      new BigInteger("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", 16);

  private static PrivateKey keyOne() {
    byte[] raw = new byte[32];
    raw[31] = 1;
    return PrivateKey.fromRaw(KeyType.SECP256K1, raw);
  }

  @Test
  void publicKeyOfScalarOneIsTheCompressedGenerator() {
    assertThat(HEX.formatHex(keyOne().publicKey().raw()))
        .isEqualTo("0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
  }

  // RFC 6979 secp256k1/SHA-256 vectors widely used by Bitcoin libraries (python-ecdsa, trezor-crypto):
  // private key 1, message hashed once with SHA-256.
  @Test
  void signIsDeterministicRfc6979WithPublishedVectors() {
    PrivateKey key = keyOne();
    assertThat(rs(key.sign("Satoshi Nakamoto".getBytes(StandardCharsets.US_ASCII)))).containsExactly(
        new BigInteger("934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8", 16),
        new BigInteger("2442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5", 16));
    assertThat(rs(key.sign(("All those moments will be lost in time, like tears in rain. Time to die...")
        .getBytes(StandardCharsets.US_ASCII)))).containsExactly(
        new BigInteger("8600dbd41e348fe5c9465ab92d23e3db8b98b873beecd930736488696438cb6b", 16),
        new BigInteger("547fe64427496db33bf66019dacbf0039c04199abb0122918601db38a72cfc21", 16));
  }

  @Test
  void signaturesAlwaysHaveLowS() {
    PrivateKey key = PrivateKey.fromSeed(KeyType.SECP256K1, 7);
    for (int i = 0; i < 200; i++) {
      byte[] msg = ("message " + i).getBytes(StandardCharsets.US_ASCII);
      byte[] sig = key.sign(msg);
      assertThat(rs(sig)[1]).isLessThanOrEqualTo(N.shiftRight(1));
      assertThat(key.publicKey().verify(msg, sig)).isTrue();
    }
  }

  @Test
  void verifyAcceptsHighSButRejectsMalformedSignaturesWithoutThrowing() throws Exception {
    PrivateKey key = PrivateKey.fromSeed(KeyType.SECP256K1, 1);
    byte[] msg = {1, 2, 3};
    BigInteger[] rs = rs(key.sign(msg));
    byte[] highS = new DERSequence(new ASN1Integer[] {new ASN1Integer(rs[0]), new ASN1Integer(N.subtract(rs[1]))})
        .getEncoded();
    assertThat(key.publicKey().verify(msg, highS)).isTrue();
    byte[] good = key.sign(msg);
    byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
    assertThat(key.publicKey().verify(msg, trailing)).isFalse();
    assertThat(key.publicKey().verify(msg, new byte[0])).isFalse();
    assertThat(key.publicKey().verify(msg, new byte[64])).isFalse();
    assertThat(key.publicKey().verify(msg, HEX.parseHex("3006020100020100"))).isFalse();
    byte[] rOverN = new DERSequence(new ASN1Integer[] {new ASN1Integer(N), new ASN1Integer(rs[1])}).getEncoded();
    assertThat(key.publicKey().verify(msg, rOverN)).isFalse();
    byte[] flipped = good.clone();
    flipped[10] ^= 1;
    assertThat(key.publicKey().verify(msg, flipped)).isFalse();
  }

  @Test
  void rawAndMarshalledFormsRoundTrip() {
    PrivateKey key = PrivateKey.generate(KeyType.SECP256K1, new SecureRandom());
    assertThat(key.raw()).hasSize(32);
    assertThat(PrivateKey.fromRaw(KeyType.SECP256K1, key.raw())).isEqualTo(key);
    assertThat(PrivateKey.unmarshal(key.marshal())).isEqualTo(key);
    PublicKey pub = key.publicKey();
    assertThat(pub.raw()).hasSize(33);
    assertThat(pub.marshal()).hasSize(37);
    assertThat(PublicKey.unmarshal(pub.marshal())).isEqualTo(pub).hasSameHashCodeAs(pub);
    assertThat(PublicKey.fromRaw(KeyType.SECP256K1, pub.raw())).isEqualTo(pub);
  }

  @Test
  void rejectsInvalidKeyBytesWithFormatException() {
    assertThatThrownBy(() -> PrivateKey.fromRaw(KeyType.SECP256K1, new byte[32]))
        .isInstanceOf(FormatException.class).hasMessageContaining("out of range");
    assertThatThrownBy(() -> PrivateKey.fromRaw(KeyType.SECP256K1, N.toByteArray()))
        .isInstanceOf(FormatException.class);
    assertThatThrownBy(() -> PrivateKey.fromRaw(KeyType.SECP256K1, new byte[31]))
        .isInstanceOf(FormatException.class).hasMessageContaining("32 bytes");
    byte[] uncompressed = new byte[65];
    uncompressed[0] = 4;
    assertThatThrownBy(() -> PublicKey.fromRaw(KeyType.SECP256K1, uncompressed))
        .isInstanceOf(FormatException.class).hasMessageContaining("33 bytes compressed");
    // x = 5 is not the x coordinate of a curve point (5^3 + 7 = 132 is not a square mod p).
    byte[] notOnCurve = new byte[33];
    notOnCurve[0] = 2;
    notOnCurve[32] = 5;
    assertThatThrownBy(() -> PublicKey.fromRaw(KeyType.SECP256K1, notOnCurve)).isInstanceOf(FormatException.class);
  }

  @Test
  void fromSeedIsDeterministicAndDistinctPerSeed() {
    assertThat(PrivateKey.fromSeed(KeyType.SECP256K1, 1)).isEqualTo(PrivateKey.fromSeed(KeyType.SECP256K1, 1));
    assertThat(PrivateKey.fromSeed(KeyType.SECP256K1, 1)).isNotEqualTo(PrivateKey.fromSeed(KeyType.SECP256K1, 2));
    // Documented derivation: SHA-256 of the 8 big-endian seed bytes.
    byte[] expected = Secp256k1.sha256(new byte[] {0, 0, 0, 0, 0, 0, 0, 1});
    assertThat(PrivateKey.fromSeed(KeyType.SECP256K1, 1).raw()).isEqualTo(expected);
  }

  private static BigInteger[] rs(byte[] der) {
    ASN1Sequence seq = ASN1Sequence.getInstance(der);
    return new BigInteger[] {
      ASN1Integer.getInstance(seq.getObjectAt(0)).getValue(), ASN1Integer.getInstance(seq.getObjectAt(1)).getValue()
    };
  }
}
