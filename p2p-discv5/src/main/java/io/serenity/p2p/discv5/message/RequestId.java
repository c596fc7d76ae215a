package io.serenity.p2p.discv5.message;

import io.serenity.p2p.discv5.crypto.RandomSource;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A request id (discv5-wire.md, "Protocol Messages"): an opaque byte string of at most 8 bytes,
 * chosen by the requester and echoed byte for byte in the response. Kept as bytes, never as a
 * number, so that leading zero bytes survive.
 *
 * @param bytes 0 to 8 bytes
 */
public record RequestId(byte[] bytes) {

  /** The longest request id the spec allows. */
  public static final int MAX_SIZE = 8;

  /** Checks the length and copies the bytes. */
  public RequestId {
    if (bytes.length > MAX_SIZE) {
      throw new IllegalArgumentException("request-id of " + bytes.length + " bytes exceeds " + MAX_SIZE);
    }
    bytes = bytes.clone();
  }

  /**
   * {@return a request id from a hex string}
   *
   * @param hex up to 16 hex digits
   */
  public static RequestId fromHex(String hex) {
    return new RequestId(HexFormat.of().parseHex(hex));
  }

  /**
   * {@return 8 random bytes with a non-zero first byte, so that peers that treat ids as numbers
   * echo all 8 bytes}
   *
   * @param random the source
   */
  public static RequestId random(RandomSource random) {
    byte[] b = random.bytes(MAX_SIZE);
    if (b[0] == 0) {
      b[0] = 1;
    }
    return new RequestId(b);
  }

  /** {@return a copy of the bytes} */
  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RequestId r && Arrays.equals(bytes, r.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** {@return the id in hex} */
  @Override
  public String toString() {
    return HexFormat.of().formatHex(bytes);
  }
}
