package io.serenity.p2p.discv5.crypto;

import static io.serenity.p2p.discv5.WireVectors.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.discv5.Discv5Exception;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class Secp256k1Test {

  private static final BigInteger N =
      new BigInteger("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", 16);

  @Test
  void theVectorKeysGiveTheVectorNodeIds() {
    assertThat(Secp256k1.nodeId(Secp256k1.publicKey(NODE_A_KEY))).isEqualTo(NODE_A_ID);
    assertThat(Secp256k1.nodeId(Secp256k1.publicKey(NODE_B_KEY))).isEqualTo(NODE_B_ID);
    assertThat(Secp256k1.publicKey(EPHEMERAL_KEY)).isEqualTo(EPHEMERAL_PUBKEY);
  }

  @Test
  void signaturesAreDeterministicLowSAndVerify() throws Exception {
    byte[] digest = MessageDigest.getInstance("SHA-256").digest("hello".getBytes());
    byte[] sig = Secp256k1.sign(NODE_A_KEY, digest);
    assertThat(Secp256k1.sign(NODE_A_KEY, digest)).isEqualTo(sig);
    assertThat(new BigInteger(1, Arrays.copyOfRange(sig, 32, 64))).isLessThanOrEqualTo(N.shiftRight(1));
    byte[] pub = Secp256k1.publicKey(NODE_A_KEY);
    assertThat(Secp256k1.verify(pub, digest, sig)).isTrue();
    digest[0] ^= 1;
    assertThat(Secp256k1.verify(pub, digest, sig)).isFalse();
  }

  @Test
  void highSIsRefused() throws Exception {
    byte[] digest = MessageDigest.getInstance("SHA-256").digest("malleable".getBytes());
    byte[] sig = Secp256k1.sign(NODE_A_KEY, digest);
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(sig, 32, 64));
    byte[] highS = N.subtract(s).toByteArray();
    byte[] flipped = sig.clone();
    Arrays.fill(flipped, 32, 64, (byte) 0);
    int len = Math.min(highS.length, 32);
    System.arraycopy(highS, highS.length - len, flipped, 64 - len, len);
    assertThat(Secp256k1.verify(Secp256k1.publicKey(NODE_A_KEY), digest, flipped)).isFalse();
  }

  @Test
  void malformedInputsAreRefused() {
    byte[] digest = new byte[32];
    byte[] pub = Secp256k1.publicKey(NODE_A_KEY);
    assertThat(Secp256k1.verify(pub, digest, new byte[63])).isFalse();
    assertThat(Secp256k1.verify(pub, digest, new byte[64])).isFalse();
    assertThat(Secp256k1.verify(new byte[33], digest, Secp256k1.sign(NODE_A_KEY, digest))).isFalse();
    byte[] notOnCurve = pub.clone();
    notOnCurve[0] = 4;
    assertThatThrownBy(() -> Secp256k1.ecdh(notOnCurve, NODE_B_KEY)).isInstanceOf(Discv5Exception.class);
    // x = 5 has no y on secp256k1 (5^3 + 7 = 132 is not a square mod p)
    byte[] noY = new byte[33];
    noY[0] = 2;
    noY[32] = 5;
    assertThatThrownBy(() -> Secp256k1.ecdh(noY, NODE_B_KEY)).isInstanceOf(Discv5Exception.class);
    assertThatThrownBy(() -> Secp256k1.nodeId(new byte[32])).isInstanceOf(Discv5Exception.class);
    assertThat(Secp256k1.isValidPrivateKey(new byte[32])).isFalse();
    assertThat(Secp256k1.isValidPrivateKey(toBytes32(N))).isFalse();
    assertThat(Secp256k1.isValidPrivateKey(toBytes32(N.subtract(BigInteger.ONE)))).isTrue();
  }

  @Test
  void ephemeralKeysSkipInvalidScalars() {
    byte[][] draws = {toBytes32(N), new byte[32], NODE_A_KEY};
    int[] i = {0};
    RandomSource source = out -> System.arraycopy(draws[i[0]++], 0, out, 0, 32);
    assertThat(source.ephemeralKey()).isEqualTo(NODE_A_KEY);
  }

  private static byte[] toBytes32(BigInteger v) {
    byte[] b = v.toByteArray();
    byte[] out = new byte[32];
    int len = Math.min(b.length, 32);
    System.arraycopy(b, b.length - len, out, 32 - len, len);
    return out;
  }
}
