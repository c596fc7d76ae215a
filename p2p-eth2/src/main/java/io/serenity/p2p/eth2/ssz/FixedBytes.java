package io.serenity.p2p.eth2.ssz;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The rules {@link Bytes4} and {@link Bytes32} share, in one place: length check with defensive
 * copy, hex parsing and printing, and content equality. Records cannot extend a common class, so
 * each record delegates here and keeps its own type (a {@code Bytes4} never equals a
 * {@code Bytes32}).
 */
final class FixedBytes {

  private static final HexFormat HEX = HexFormat.of();

  private FixedBytes() {}

  /**
   * A private copy of {@code bytes} after checking its length.
   *
   * @throws SszException naming {@code type} when {@code bytes} is null or not {@code size} long
   */
  static byte[] checkedCopy(String type, int size, byte[] bytes) {
    if (bytes == null || bytes.length != size) {
      throw new SszException(type + ": expected " + size + " bytes, got "
          + (bytes == null ? "null" : bytes.length));
    }
    return bytes.clone();
  }

  /**
   * Hex, with or without a {@code 0x} prefix, as bytes (the length is the caller's to check).
   *
   * @throws SszException naming {@code type} when {@code hex} is not hex
   */
  static byte[] parseHex(String type, String hex) {
    String h = hex.startsWith("0x") || hex.startsWith("0X") ? hex.substring(2) : hex;
    try {
      return HEX.parseHex(h);
    } catch (IllegalArgumentException e) {
      throw new SszException(type + ": bad hex '" + hex + "'");
    }
  }

  /** Lower-case hex without {@code 0x}. */
  static String toHex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }

  /** {@code 0x} followed by lower-case hex. */
  static String toString(byte[] bytes) {
    return "0x" + toHex(bytes);
  }

  static boolean equal(byte[] a, byte[] b) {
    return Arrays.equals(a, b);
  }

  static int hash(byte[] bytes) {
    return Arrays.hashCode(bytes);
  }
}
