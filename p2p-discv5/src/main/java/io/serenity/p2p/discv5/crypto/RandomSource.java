package io.serenity.p2p.discv5.crypto;

import java.security.SecureRandom;

/**
 * Every random value the protocol draws: masking IVs, message nonces, WHOAREYOU id-nonces,
 * handshake ephemeral keys and random message content. Production code uses {@link #secure()};
 * tests override the named methods to replay the wire test vectors byte for byte.
 *
 * <pre>{@code
 * RandomSource pinned = new RandomSource() {
 *   public void nextBytes(byte[] out) { java.util.Arrays.fill(out, (byte) 0); }
 *   public byte[] nonce() { return HexFormat.of().parseHex("ffffffffffffffffffffffff"); }
 * };
 * }</pre>
 */
@FunctionalInterface
public interface RandomSource {

  /**
   * Fills {@code out} with random bytes; the other methods draw from here unless overridden.
   *
   * @param out the array to fill
   */
  void nextBytes(byte[] out);

  /**
   * {@return {@code n} fresh random bytes}
   *
   * @param n how many
   */
  default byte[] bytes(int n) {
    byte[] out = new byte[n];
    nextBytes(out);
    return out;
  }

  /** {@return a 16-byte masking IV, unique per packet} */
  default byte[] maskingIv() {
    return bytes(16);
  }

  /** {@return a 12-byte message nonce (the session layer may put its send counter in front)} */
  default byte[] nonce() {
    return bytes(12);
  }

  /** {@return a 16-byte WHOAREYOU id-nonce} */
  default byte[] idNonce() {
    return bytes(16);
  }

  /** {@return a 32-byte secp256k1 private key for one handshake: a scalar in [1, n)} */
  default byte[] ephemeralKey() {
    while (true) {
      byte[] k = bytes(32);
      if (Secp256k1.isValidPrivateKey(k)) {
        return k;
      }
    }
  }

  /** {@return a source backed by one {@link SecureRandom}} */
  static RandomSource secure() {
    SecureRandom random = new SecureRandom();
    return random::nextBytes;
  }
}
