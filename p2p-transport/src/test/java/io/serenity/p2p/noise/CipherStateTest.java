package io.serenity.p2p.noise;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CipherStateTest {

  private static CipherState keyed(byte[] key) {
    CipherState c = new CipherState();
    c.initializeKey(key);
    return c;
  }

  /** The plaintext cut at random places into heap, direct and empty parts, positions not at zero. */
  private static ByteBuffer[] split(byte[] plain, Random rnd) {
    List<ByteBuffer> parts = new ArrayList<>();
    int off = 0;
    while (off < plain.length) {
      int len = Math.min(plain.length - off, rnd.nextInt(3) == 0 ? 12 : 1 + rnd.nextInt(20_000));
      ByteBuffer b;
      switch (rnd.nextInt(3)) {
        case 0 -> b = ByteBuffer.allocateDirect(len + 5);
        case 1 -> b = ByteBuffer.allocate(len + 5);
        default -> b = ByteBuffer.wrap(new byte[len + 9], 3, len + 5).slice(); // array offset not zero
      }
      b.position(5);
      b.put(plain, off, len);
      b.position(5);
      parts.add(b);
      if (rnd.nextInt(4) == 0) {
        parts.add(ByteBuffer.allocate(0));
      }
      off += len;
    }
    return parts.toArray(ByteBuffer[]::new);
  }

  @Test
  void encryptingAFrameFromSeveralBuffersGivesTheCiphertextOfTheJoinedPlaintext() {
    Random rnd = new Random(7);
    byte[] key = new byte[32];
    rnd.nextBytes(key);
    CipherState joined = keyed(key);
    CipherState parted = keyed(key);
    CipherState opener = keyed(key);
    byte[] scratch = new byte[HandshakeState.MAX_MESSAGE_LENGTH];
    for (int round = 0; round < 200; round++) {
      byte[] plain = new byte[rnd.nextInt(65_519 + 1)];
      rnd.nextBytes(plain);
      ByteBuffer[] parts = split(plain, rnd);
      int[] positions = Arrays.stream(parts).mapToInt(ByteBuffer::position).toArray();

      byte[] expected = new byte[plain.length + CipherState.TAG_LENGTH];
      joined.encryptWithAd(null, plain, 0, plain.length, expected, 0);
      byte[] got = new byte[plain.length + CipherState.TAG_LENGTH + 4];
      parted.encryptWithAd(null, parts, got, 4, scratch);

      assertThat(Arrays.copyOfRange(got, 4, got.length)).as("round %d", round).isEqualTo(expected);
      assertThat(Arrays.stream(parts).mapToInt(ByteBuffer::position).toArray()).isEqualTo(positions);
      byte[] opened = new byte[plain.length];
      opener.decryptWithAd(null, got, 4, expected.length, opened, 0);
      assertThat(opened).isEqualTo(plain);
    }
    assertThat(parted.nonce()).isEqualTo(200);
  }
}
