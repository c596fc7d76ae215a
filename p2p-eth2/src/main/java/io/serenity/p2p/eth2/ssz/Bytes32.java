package io.serenity.p2p.eth2.ssz;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * SSZ {@code Bytes32} (a {@code Vector[byte, 32]}) with value equality. Accessors copy: the value
 * is immutable.
 */
public record Bytes32(byte[] bytes) {

  /** Length in bytes. */
  public static final int SIZE = 32;

  /** All zero. */
  public static final Bytes32 ZERO = new Bytes32(new byte[SIZE]);

  /** @throws SszException when {@code bytes} is not exactly 32 bytes long */
  public Bytes32 {
    if (bytes == null || bytes.length != SIZE) {
      throw new SszException("Bytes32: expected " + SIZE + " bytes, got "
          + (bytes == null ? "null" : bytes.length));
    }
    bytes = bytes.clone();
  }

  /** Parses hex, with or without a {@code 0x} prefix. */
  public static Bytes32 fromHex(String hex) {
    String h = hex.startsWith("0x") || hex.startsWith("0X") ? hex.substring(2) : hex;
    try {
      return new Bytes32(HexFormat.of().parseHex(h));
    } catch (IllegalArgumentException e) {
      throw new SszException("Bytes32: bad hex '" + hex + "'");
    }
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  /** Lower-case hex without {@code 0x}. */
  public String toHex() {
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Bytes32 b && Arrays.equals(bytes, b.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "0x" + toHex();
  }
}
